// Pure formatting shared by every card: masking of customer data, times, money, counts, status labels.
import type { TFunction } from 'i18next';
import type { CanonicalStatus } from '../src/core/status.ts';

// Calling codes of the markets we sell in, longest first, for numbers written without a space after them.
const CALLING_CODES = ['852', '853', '886', '86', '1', '7', '34', '44', '33', '49', '52', '54', '55', '57', '60', '61', '65', '81', '82', '91'];

/** Masks a phone number for staff: keeps the country code and the last 4 digits (+86 13812345678 → +86 138****5678). */
export function maskPhone(phone: string): string {
  const trimmed = phone.trim();
  const intl = /^(?:\+|00)(\d{1,3})[\s-]+(.*)$/.exec(trimmed);
  let cc = '';
  let digits = trimmed.replace(/\D/g, '');
  if (intl) {
    cc = intl[1] ?? '';
    digits = (intl[2] ?? '').replace(/\D/g, '');
  } else if (/^(?:\+|00)/.test(trimmed)) {
    const all = trimmed.startsWith('00') ? digits.slice(2) : digits;
    cc = CALLING_CODES.find((c) => all.startsWith(c)) ?? all.slice(0, 2);
    digits = all.slice(cc.length);
  }
  const prefix = cc ? `+${cc} ` : '';
  if (digits.length <= 4) return `${prefix}****`;
  // Long national numbers keep their carrier prefix (as Chinese staff expect); short ones show only the tail.
  const head = digits.length >= 10 ? digits.slice(0, 3) : '';
  return `${prefix}${head}${'*'.repeat(digits.length - head.length - 4)}${digits.slice(-4)}`;
}

/** Masks a postal address for staff: keeps the city/region, hides street and house number. */
export function maskAddress(address: string): string {
  const trimmed = address.trim();
  if (!trimmed) return '';
  const parts = trimmed.split(/\s*,\s*/).filter((p) => p.length > 0);
  if (parts.length >= 2) {
    const kept = parts.slice(-Math.min(2, parts.length - 1));
    return ['****', ...kept].join(', ');
  }
  // CJK addresses run from province down to the door: keep up to the city or district.
  const region = (/^.*?市/.exec(trimmed) ?? /^.*?[区县]/.exec(trimmed))?.[0];
  if (region && region.length < trimmed.length) return `${region}****`;
  return `${trimmed.slice(0, Math.min(3, Math.floor(trimmed.length / 3)))}****`;
}

const PHONE_IN_TEXT = /(?:\+|\b00)\d{1,3}[\s-]?\d[\d\s-]{5,14}\d|(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** Masks any phone number inside free text (error messages, finding details) before staff see it. */
export function redactText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m) => maskPhone(m));
}

/** Formats an instant as date and 24-hour time in `locale`, in `timeZone` (UTC when not given, so output never depends on the host). */
export function formatTime(ms: number, locale: string, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(ms);
}

/** Formats an amount in its currency (`1299.5 CNY` → `¥1,299.50` in zh-CN); `—` when unknown. */
export function formatMoney(amount: number | null | undefined, currency: string | null | undefined, locale: string): string {
  if (amount === null || amount === undefined) return '—';
  if (currency && /^[A-Za-z]{3}$/.test(currency)) return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }).format(amount);
  const plain = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(amount);
  return currency ? `${plain} ${currency}` : plain;
}

/** Formats a count with the locale's digit grouping. */
export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

function unit(n: number, u: 'day' | 'hour' | 'minute' | 'second' | 'millisecond', locale: string, digits = 0): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'narrow', maximumFractionDigits: digits }).format(n);
}

/** Formats a run duration: `850ms`, `1.3s`, `2m 5s`. */
export function formatDuration(ms: number, locale: string): string {
  if (ms < 1000) return unit(Math.max(0, Math.round(ms)), 'millisecond', locale);
  if (ms < 60_000) return unit(ms / 1000, 'second', locale, 1);
  const s = Math.round(ms / 1000);
  return `${unit(Math.floor(s / 60), 'minute', locale)} ${unit(s % 60, 'second', locale)}`;
}

/** Formats an age with its two largest units: `2d 3h`, `3h 20m`, `5m`. */
export function formatAge(ms: number, locale: string): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${unit(days, 'day', locale)} ${unit(hours, 'hour', locale)}` : unit(days, 'day', locale);
  if (hours > 0) return mins > 0 ? `${unit(hours, 'hour', locale)} ${unit(mins, 'minute', locale)}` : unit(hours, 'hour', locale);
  return unit(mins, 'minute', locale);
}

/** The localized label of a canonical status (cards namespace). */
export function statusLabel(t: TFunction, status: CanonicalStatus): string {
  return t(`cards:status.${status}`);
}

/** The BCP-47 locale the translator's language formats numbers and dates in. */
export function cardLocale(t: TFunction): string {
  return t('cards:meta.locale');
}

/** Wraps text as inline code, dropping backticks that would break the markup. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
