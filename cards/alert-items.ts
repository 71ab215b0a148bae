// One localized line per alert on a group card, by kind.
import type { TFunction } from 'i18next';
import type { AlertItemView } from './alert.ts';
import { cardLocale, code, formatAge, formatMoney, formatTime, redactText, statusLabel } from './format.ts';
import { addressSummary, addressViewLines } from './address.ts';
import { undeliverableReasonLines } from './undeliverable.ts';

/** The line describing one alert (order, what is wrong, for how long). */
export function describeAlertItem(t: TFunction, item: AlertItemView, now: number, timeZone?: string): string {
  const locale = cardLocale(t);
  const order = item.orderId ? `**${item.orderId}**` : '';
  const p = item.parsed;
  if (!p) return t('alerts:item.generic', { order: order || item.source, kind: t(`alerts:kind.${item.kind}`), time: formatTime(item.startsAt, locale, timeZone) });
  switch (p.kind) {
    case 'stale': {
      const d = p.details;
      return t('alerts:item.stale', { order, status: statusLabel(t, d.status), age: formatAge(now - d.since, locale), limit: d.limitHours, system: d.system });
    }
    case 'regression': {
      const d = p.details;
      return t('alerts:item.regression', { order, system: d.system, from: statusLabel(t, d.from), to: statusLabel(t, d.to), raw: code(d.raw) });
    }
    case 'mismatch': {
      const views = p.details.views.map((v) => `${v.system}: ${statusLabel(t, v.status)}`).join(' · ');
      return t('alerts:item.mismatch', { order, views, age: formatAge(now - p.details.since, locale) });
    }
    case 'price': {
      const d = p.details;
      const amounts = d.amounts.map((a) => `${a.system} ${formatMoney(a.amount, a.currency, locale)}`).join(' · ');
      const deviation = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(d.deviationPercent);
      const currency = d.amounts.find((a) => a.currency)?.currency ?? null;
      return d.expected === undefined
        ? t('alerts:item.price', { order, amounts, deviation })
        : t('alerts:item.priceExpected', { order, amounts, expected: formatMoney(d.expected, currency, locale), deviation });
    }
    case 'stock': {
      const d = p.details;
      const items = d.items && d.items.length > 0 ? d.items.slice(0, 3).map((i) => `${i.sku}×${i.qty}`).join(', ') : '';
      const line = t('alerts:item.stock', { order, system: d.system, raw: code(d.raw), status: statusLabel(t, d.status), age: formatAge(now - d.since, locale) });
      return items ? t('alerts:item.withItems', { line, items }) : line;
    }
    case 'source_down': {
      const d = p.details;
      const line = t('alerts:item.source_down', { source: item.source, error: code(redactText(d.error)), count: d.failures });
      if (!d.fallback) return line;
      return t(d.fallbackOk ? 'alerts:item.fallbackOk' : 'alerts:item.fallbackFailed', { line, fallback: d.fallback });
    }
    case 'unknown_status':
      return t('alerts:item.unknown_status', { system: p.details.system, raw: code(p.details.rawStatus), count: p.details.orders });
    case 'bad_record': {
      const sample = p.details.samples[0];
      const line = t('alerts:item.bad_record', { source: item.source, count: p.details.count });
      return sample ? t('alerts:item.withSample', { line, sample: code(redactText(`${sample.ref}: ${sample.message}`)) }) : line;
    }
    case 'undeliverable':
      return t('alerts:item.undeliverable', { order, template: code(p.details.template), reasons: undeliverableReasonLines(t, p.details.reasons).join(' · ') });
    case 'address':
      return t('alerts:item.address', { order, problem: addressSummary(t, p.details), views: addressViewLines(t, p.details).join(' · ') });
  }
}
