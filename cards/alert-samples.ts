// Fixed views of the alert cards (every kind's line, every state, digest, lists) for golden tests on every renderer.
import type { TFunction } from 'i18next';
import type { Card } from '../src/core/card.ts';
import type { KindDetails } from '../src/detect/details.ts';
import { buildAlertCard, type AlertCardView, type AlertItemView } from './alert.ts';
import { buildAlertDigestCard } from './alert-digest.ts';
import { buildAlertListCard, buildSilenceListCard } from './alert-list.ts';

/** One named sample card (same shape as CARD_SAMPLES entries). */
export interface AlertCardSample {
  name: string;
  build(t: TFunction): Card;
}

const T0 = Date.UTC(2026, 5, 1, 1, 30);
const h = (hours: number): number => T0 - hours * 3_600_000;
const SH = 'Asia/Shanghai';

function item(p: KindDetails, orderId: string | undefined, source = 'wms'): AlertItemView {
  return { kind: p.kind, orderId, source, startsAt: h(30), parsed: p };
}

const staleItems = Array.from({ length: 10 }, (_v, i) =>
  item({ kind: 'stale', details: { status: i % 2 === 0 ? 'paid' : 'packed', since: h(300 - i * 7), limitHours: i % 2 === 0 ? 24 : 12, system: 'wms' } }, `A${10020 + i}`),
);

const staleGroup: AlertCardView = {
  groupKey: 'kind=stale,source=wms,shop=default',
  kind: 'stale',
  source: 'wms',
  shop: 'default',
  state: 'firing',
  active: 800,
  silenced: 0,
  inhibited: 0,
  startsAt: h(300),
  worst: staleItems,
  now: T0,
  timeZone: SH,
};

const everyKind: AlertItemView[] = [
  item({ kind: 'regression', details: { system: 'wms', from: 'shipped', to: 'paid', raw: 'PAID', at: h(2) } }, 'B20417'),
  item({ kind: 'mismatch', details: { views: [{ system: 'erp', status: 'cancelled', raw: '交易关闭', updatedAt: h(5) }, { system: 'wms', status: 'shipped', raw: 'DISPATCHED', updatedAt: h(3) }], since: h(3) } }, 'C30001'),
  item({ kind: 'price', details: { amounts: [{ system: 'erp', amount: 1299.5, currency: 'CNY' }, { system: 'storefront', amount: 1199.5, currency: 'CNY' }], expected: 1299.5, deviationPercent: 7.7 } }, 'D40002', 'storefront'),
  item({ kind: 'price', details: { amounts: [{ system: 'erp', amount: 86, currency: 'EUR' }, { system: 'storefront', amount: 79.9, currency: 'EUR' }], deviationPercent: 7.09 } }, 'D40003', 'storefront'),
  item({ kind: 'stock', details: { system: 'wms', raw: 'STOCK_SHORT', status: 'paid', since: h(6), items: [{ sku: 'SKU-9', qty: 3 }, { sku: 'SKU-12', qty: 1 }] } }, 'E50004'),
  item({ kind: 'source_down', details: { failures: 4, error: 'HTTP 503 from https://erp.example/api (call +86 13812345678)', code: 'source.http', fallback: 'erp-csv', fallbackOk: true } }, undefined, 'erp'),
  item({ kind: 'source_down', details: { failures: 1, error: 'timeout', code: 'source.timeout', fallback: null, fallbackOk: false } }, undefined, 'wms'),
  item({ kind: 'unknown_status', details: { system: 'wms', rawStatus: 'QC_HOLD', orders: 12, sampleOrderIds: ['F1'] } }, undefined),
  item({ kind: 'bad_record', details: { count: 3, samples: [{ ref: 'orders-0601.csv:17', message: 'missing order id' }] } }, undefined, 'csv'),
  item(
    {
      kind: 'address',
      details: {
        problems: ['disagree', 'incomplete'],
        status: 'paid',
        since: h(1),
        views: [
          { system: 'storefront', masked: '浙江省杭州市西湖区**** (王** 138****5678)', missing: [], changedAt: h(1) },
          { system: 'wms', masked: '浙江省****', missing: ['city'], changedAt: h(30) },
        ],
        differs: ['street'],
        confirm: 'storefront',
      },
    },
    'G60001',
    'wms',
  ),
];

/** The alert cards' samples. */
export const ALERT_CARD_SAMPLES: AlertCardSample[] = [
  { name: 'alert-stale-800', build: (t) => buildAlertCard(staleGroup, t) },
  { name: 'alert-every-kind-line', build: (t) => buildAlertCard({ ...staleGroup, groupKey: 'kind=mismatch,source=wms,shop=default', kind: 'mismatch', active: everyKind.length, worst: everyKind }, t) },
  {
    name: 'alert-silenced',
    build: (t) => buildAlertCard({ ...staleGroup, state: 'muted', active: 0, silenced: 800, silence: { id: '3f9a2c1d', until: h(-20), by: 'Lucía (agent)' } }, t),
  },
  { name: 'alert-inhibited', build: (t) => buildAlertCard({ ...staleGroup, state: 'muted', active: 0, inhibited: 800, inhibitedBy: ['wms'] }, t) },
  { name: 'alert-resolved', build: (t) => buildAlertCard({ ...staleGroup, state: 'resolved', active: 0, worst: [], resolvedCount: 800 }, t) },
  { name: 'alert-one-unreadable', build: (t) => buildAlertCard({ ...staleGroup, active: 1, worst: [{ kind: 'stale', orderId: 'Z1', source: 'wms', startsAt: h(40), parsed: undefined }] }, t) },
  {
    name: 'alert-digest',
    build: (t) =>
      buildAlertDigestCard(
        {
          until: T0 + 30 * 60_000,
          budget: 20,
          groups: [
            { kind: 'stale', source: 'erp', shop: 'default', active: 312 },
            { kind: 'price', source: 'storefront', shop: 'default', active: 4 },
            { kind: 'source_down', source: 'wms', shop: 'default', active: 1 },
          ],
          now: T0,
          timeZone: SH,
        },
        t,
      ),
  },
  { name: 'alerts-list-empty', build: (t) => buildAlertListCard({ groups: [], silences: [], now: T0, timeZone: SH }, t) },
  {
    name: 'alerts-list',
    build: (t) =>
      buildAlertListCard(
        {
          groups: [
            { kind: 'stale', source: 'wms', shop: 'default', active: 790, silenced: 10, inhibited: 0, startsAt: h(300) },
            { kind: 'stock', source: 'wms', shop: 'default', active: 0, silenced: 0, inhibited: 2, startsAt: h(6) },
          ],
          silences: [{ id: '3f9a2c1d', matchers: 'kind=stale source=wms orderId=A10020', until: h(-20), by: 'Lucía (agent)', comment: '' }],
          now: T0,
          timeZone: SH,
        },
        t,
      ),
  },
  { name: 'silences-empty', build: (t) => buildSilenceListCard({ silences: [], now: T0, timeZone: SH }, t) },
];
