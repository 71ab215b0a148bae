// WeChat typed template keywords (类目模板): the server rejects a value that breaks its type's rule with 47003,
// so every value is checked, and where possible made valid, before anything is sent.
import { formatWeChatTime } from './wechat-time.ts';

/** Keyword types of WeChat category templates and subscription messages. */
export const WECHAT_FIELD_TYPES = [
  'thing', 'number', 'letter', 'symbol', 'character_string', 'time', 'date', 'amount',
  'phone_number', 'car_number', 'name', 'phrase', 'const', 'enum',
] as const;
/** One keyword type. */
export type WeChatFieldType = (typeof WECHAT_FIELD_TYPES)[number];

/** A valid (possibly adjusted) value, or why the value cannot be sent. */
export type FieldCheck = { ok: true; value: string } | { ok: false; reason: string };

/** Options for `coerceWeChatField`. */
export interface CoerceOptions {
  /** Zone used to print ISO or epoch instants for `time`/`date` keywords. */
  timeZone: string;
  /** Allowed values of an `enum` keyword. */
  values?: readonly string[] | undefined;
}

const HAN = /\p{Script=Han}/u;
const THING_MAX = 20;
const TIME = String.raw`([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?`;
const DATE = String.raw`(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)`;
const TIME_RE = new RegExp(`^(${DATE}\\s*)?${TIME}$`);
const DATE_RE = new RegExp(`^${DATE}(\\s*${TIME})?$`);
const CURRENCY: Record<string, string> = { CNY: '¥', RMB: '¥', USD: '$', EUR: '€', GBP: '£', JPY: '¥', HKD: '$' };

const ok = (value: string): FieldCheck => ({ ok: true, value });
const bad = (reason: string): FieldCheck => ({ ok: false, reason });

/** Checks `raw` against the rule of `type`; truncates a long `thing`, reformats instants, amounts and phone numbers. */
export function coerceWeChatField(type: WeChatFieldType, raw: string, opts: CoerceOptions): FieldCheck {
  const value = raw.trim();
  if (value === '') return bad('empty');
  const chars = [...value];
  switch (type) {
    case 'thing':
      return ok(chars.length <= THING_MAX ? value : `${chars.slice(0, THING_MAX - 1).join('')}…`);
    case 'number':
      return /^\d+(\.\d+)?$/.test(value) && value.replace('.', '').length <= 32 ? ok(value) : bad('not a number of at most 32 digits');
    case 'letter':
      return /^[A-Za-z]{1,32}$/.test(value) ? ok(value) : bad('not at most 32 letters');
    case 'symbol':
      return /^[^\p{L}\p{N}\s]{1,5}$/u.test(value) ? ok(value) : bad('not at most 5 symbols');
    case 'character_string':
      if (HAN.test(value)) return bad('contains Chinese characters');
      return /^[\x21-\x7e]{1,32}$/.test(value) ? ok(value) : bad('not at most 32 digits, letters or symbols');
    case 'time':
    case 'date':
      return coerceInstant(type, value, opts.timeZone);
    case 'amount':
      return coerceAmount(value);
    case 'phone_number': {
      const compact = value.replace(/\s+/g, '');
      return /^[\d+\-()#*]{1,17}$/.test(compact) && /\d/.test(compact) ? ok(compact) : bad('not a phone number of at most 17 digits or symbols');
    }
    case 'car_number':
      return chars.length <= 8 && !/\s/.test(value) ? ok(value) : bad('not a car number of at most 8 characters');
    case 'name':
      if (HAN.test(value)) return /^[\p{Script=Han}·]{1,10}$/u.test(value) ? ok(value) : bad('not at most 10 Chinese characters');
      return /^[A-Za-z][A-Za-z .'-]{0,19}$/.test(value) ? ok(value) : bad('not at most 20 letters');
    case 'phrase':
      return /^\p{Script=Han}{1,5}$/u.test(value) ? ok(value) : bad('not at most 5 Chinese characters');
    case 'enum':
      return !opts.values || opts.values.includes(value) ? ok(value) : bad('not one of the allowed values');
    default:
      return ok(value);
  }
}

function coerceInstant(type: 'time' | 'date', value: string, timeZone: string): FieldCheck {
  const pattern = type === 'time' ? TIME_RE : DATE_RE;
  const ends = value.split('~').map((s) => s.trim());
  if (ends.length <= 2 && ends.every((s) => pattern.test(s))) return ok(ends.join('~'));
  // Sources hand us ISO 8601 or epoch milliseconds; WeChat wants wall-clock text.
  const at = /^\d{13}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) return bad(`not a ${type}`);
  return ok(formatWeChatTime(at, timeZone, true));
}

function coerceAmount(value: string): FieldCheck {
  let v = value.replace(/[\s,]/g, '');
  const code = /^([A-Z]{3})(.*)$/.exec(v) ?? /^(.*?)([A-Z]{3})$/.exec(v);
  if (code) {
    const [iso, rest] = /^[A-Z]{3}$/.test(code[1] ?? '') ? [code[1] ?? '', code[2] ?? ''] : [code[2] ?? '', code[1] ?? ''];
    const symbol = CURRENCY[iso];
    if (!symbol) return bad(`unknown currency ${iso}`);
    v = `${symbol}${rest}`;
  }
  const m = /^([¥￥$€£]?)(\d+)(\.\d+)?(元?)$/.exec(v);
  if (!m) return bad('not an amount');
  const digits = (m[2] ?? '').length + Math.max(0, (m[3] ?? '').length - 1);
  return digits <= 10 ? ok(v) : bad('more than 10 digits');
}
