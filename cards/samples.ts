// Realistic fixed views of every card (edge cases included), for golden tests on every renderer.
import type { TFunction } from 'i18next';
import type { Card } from '../src/core/card.ts';
import type { CommandInfo } from '../src/core/command.ts';
import type { CanonicalStatus } from '../src/core/status.ts';
import type { OrderDetail } from '../src/store/queries.ts';
import type { RunSummary } from '../src/sync/engine.ts';
import { ALERT_CARD_SAMPLES } from './alert-samples.ts';
import { buildHelpCard } from './help.ts';
import { buildOrderCard } from './order-detail.ts';
import { buildStatusCard } from './status-overview.ts';
import { buildSyncSummaryCard } from './sync-summary.ts';
import { buildTasksCard } from './tasks.ts';

/** One named sample card. */
export interface CardSample {
  name: string;
  build(t: TFunction): Card;
}

const T0 = Date.UTC(2026, 5, 1, 1, 30);
const min = (m: number): number => T0 + m * 60_000;
const SH = 'Asia/Shanghai';

const baseOrder: OrderDetail = {
  orderId: 'A10023',
  status: 'delivered',
  statusSystem: 'wms',
  statusSince: min(2880),
  amount: 1299.5,
  currency: 'CNY',
  customerId: 'C-88213',
  firstSeen: min(0),
  snapshots: [
    { system: 'erp', status: 'delivered', rawStatus: '已签收', updatedAt: min(2890), amount: 1299.5, currency: 'CNY', seenAt: min(2900) },
    { system: 'storefront', status: 'delivered', rawStatus: 'TRADE_BUYER_SIGNED', updatedAt: min(2885), amount: 1299.5, currency: 'CNY', seenAt: min(2900) },
    { system: 'wms', status: 'delivered', rawStatus: 'delivered', updatedAt: min(2880), amount: null, currency: null, seenAt: min(2900) },
  ],
  events: [
    { id: 1, system: 'storefront', from: null, to: 'paid', raw: 'WAIT_SELLER_SEND_GOODS', at: min(0), runId: 1 },
    { id: 2, system: 'wms', from: null, to: 'picking', raw: 'picking', at: min(95), runId: 2 },
    { id: 3, system: 'wms', from: 'picking', to: 'shipped', raw: 'shipped', at: min(400), runId: 3 },
    { id: 4, system: 'wms', from: 'shipped', to: 'delivered', raw: 'delivered', at: min(2880), runId: 9 },
  ],
  quarantined: [],
};

const disagreeing: OrderDetail = {
  ...baseOrder,
  orderId: 'B20417',
  status: 'shipped',
  statusSince: min(300),
  amount: 86,
  currency: 'EUR',
  customerId: '+34 612345678',
  snapshots: [
    { system: 'erp', status: 'paid', rawStatus: '已审核', updatedAt: min(30), amount: 86, currency: 'EUR', seenAt: min(600) },
    { system: 'storefront', status: 'refund_requested', rawStatus: 'partially_refunded/fulfilled', updatedAt: min(420), amount: 79.9, currency: 'EUR', seenAt: min(600) },
    { system: 'wms', status: 'shipped', rawStatus: 'DISPATCHED', updatedAt: min(300), amount: null, currency: null, seenAt: min(600) },
  ],
  events: [
    { id: 11, system: 'storefront', from: null, to: 'paid', raw: 'paid/unfulfilled', at: min(0), runId: 1 },
    { id: 12, system: 'erp', from: null, to: 'paid', raw: '已审核', at: min(30), runId: 2 },
    { id: 13, system: 'wms', from: null, to: 'shipped', raw: 'DISPATCHED', at: min(300), runId: 3 },
    { id: 14, system: 'storefront', from: 'paid', to: 'refund_requested', raw: 'partially_refunded/fulfilled', at: min(420), runId: 4 },
  ],
};

// A parcel bouncing between the carrier hub and "exception" for days: more history than the card shows.
const BOUNCES: CanonicalStatus[] = ['paid', 'allocated', 'picking', 'packed', 'shipped', 'in_transit'];
for (let i = 0; i < 8; i++) BOUNCES.push('exception', 'in_transit');
BOUNCES.push('out_for_delivery', 'exception');
const longHistory: OrderDetail = {
  ...baseOrder,
  orderId: 'C30991',
  status: 'exception',
  statusSince: min((BOUNCES.length - 1) * 250),
  snapshots: [
    { system: 'erp', status: 'in_transit', rawStatus: '运输中', updatedAt: min(5250), amount: 219, currency: 'CNY', seenAt: min(5800) },
    { system: 'wms', status: 'exception', rawStatus: '物流异常', updatedAt: min((BOUNCES.length - 1) * 250), amount: 219, currency: 'CNY', seenAt: min(5800) },
  ],
  amount: 219,
  events: BOUNCES.map((to, i) => ({ id: 100 + i, system: i < 2 ? 'erp' : 'wms', from: i === 0 ? null : (BOUNCES[i - 1] ?? null), to, raw: to === 'exception' ? '物流异常' : to, at: min(i * 250), runId: 10 + i })),
};

/** Two systems lagging behind the warehouse, nothing flagged yet: a warning, not an alarm. */
const lagging: OrderDetail = {
  ...baseOrder,
  orderId: 'E50210',
  status: 'shipped',
  statusSince: min(180),
  snapshots: [
    { system: 'erp', status: 'paid', rawStatus: '已付款', updatedAt: min(5), amount: 1299.5, currency: 'CNY', seenAt: min(200) },
    { system: 'storefront', status: 'paid', rawStatus: 'WAIT_SELLER_SEND_GOODS', updatedAt: min(0), amount: 1299.5, currency: 'CNY', seenAt: min(200) },
    { system: 'wms', status: 'shipped', rawStatus: '已出库', updatedAt: min(180), amount: null, currency: null, seenAt: min(200) },
  ],
  events: [
    { id: 21, system: 'storefront', from: null, to: 'paid', raw: 'WAIT_SELLER_SEND_GOODS', at: min(0), runId: 1 },
    { id: 22, system: 'erp', from: null, to: 'paid', raw: '已付款', at: min(5), runId: 2 },
    { id: 23, system: 'wms', from: null, to: 'picking', raw: '拣货中', at: min(60), runId: 3 },
    { id: 24, system: 'wms', from: 'picking', to: 'shipped', raw: '已出库', at: min(180), runId: 5 },
  ],
};

// Delivered, then refunded after sales: the poll never saw the refund request, so the path is assumed.
const refundedAfterDelivery: OrderDetail = {
  ...baseOrder,
  orderId: 'E50012',
  status: 'refunded',
  statusSystem: 'storefront',
  statusSince: min(9000),
  snapshots: [
    { system: 'storefront', status: 'refunded', rawStatus: 'refunded/fulfilled', updatedAt: min(9000), amount: 1299.5, currency: 'CNY', seenAt: min(9010) },
    { system: 'wms', status: 'delivered', rawStatus: 'delivered', updatedAt: min(2880), amount: null, currency: null, seenAt: min(9010) },
  ],
  events: [
    { id: 51, system: 'storefront', from: null, to: 'paid', raw: 'paid/unfulfilled', at: min(0), runId: 1 },
    { id: 52, system: 'storefront', from: 'paid', to: 'delivered', raw: 'paid/fulfilled', at: min(2900), runId: 9 },
    { id: 53, system: 'storefront', from: 'delivered', to: 'refunded', raw: 'refunded/fulfilled', at: min(9000), runId: 31 },
  ],
};

const quarantinedOnly: OrderDetail = {
  orderId: 'D40001',
  status: 'exception',
  statusSystem: '',
  statusSince: 0,
  amount: null,
  currency: null,
  customerId: null,
  firstSeen: 0,
  snapshots: [],
  events: [],
  quarantined: [{ system: 'wms', rawStatus: 'QC_HOLD', lastSeen: min(720), count: 3 }],
};

const run = (over: Partial<RunSummary> & Pick<RunSummary, 'source'>): RunSummary => ({
  runId: 41,
  system: over.source,
  trigger: 'chat',
  status: 'ok',
  fetched: 120,
  changed: 7,
  unchanged: 113,
  stale: 0,
  quarantined: 0,
  errors: 0,
  events: 7,
  durationMs: 1840,
  ...over,
});

const CATALOG: CommandInfo[] = [
  { name: 'order', helpKey: 'cmd.order', args: [{ name: 'id', required: true }], role: 'viewer' },
  { name: 'status', helpKey: 'cmd.status', args: [], role: 'viewer' },
  { name: 'sync', helpKey: 'cmd.sync', args: [{ name: 'source', required: false }], role: 'agent' },
  { name: 'tasks', helpKey: 'cmd.tasks', args: [{ name: 'filter', required: false, choices: ['mine', 'open', 'all'] }], role: 'viewer' },
  { name: 'lang', helpKey: 'cmd.lang', args: [{ name: 'language', required: true, choices: ['zh-CN', 'en', 'es'] }], role: 'viewer' },
  { name: 'help', helpKey: 'cmd.help', args: [{ name: 'command', required: false }], role: 'viewer' },
];

/** Every card in its interesting states. */
export const CARD_SAMPLES: CardSample[] = [
  ...ALERT_CARD_SAMPLES,
  { name: 'order-delivered', build: (t) => buildOrderCard({ order: baseOrder, findings: [], now: min(3000), timeZone: SH, contact: { phone: '+86 13812345678', address: '广东省深圳市南山区科技园南区粤海街道 8 栋 1203' } }, t) },
  {
    name: 'order-systems-disagree',
    build: (t) =>
      buildOrderCard(
        {
          order: disagreeing,
          findings: [{ kind: 'status_mismatch', source: undefined, details: { erp: 'paid', wms: 'shipped', storefront: 'refund_requested' }, count: 4, firstSeen: min(320), lastSeen: min(600) }],
          now: min(610),
          timeZone: 'Europe/Madrid',
        },
        t,
      ),
  },
  { name: 'order-systems-lagging', build: (t) => buildOrderCard({ order: lagging, findings: [], now: min(240), timeZone: SH }, t) },
  { name: 'order-long-history', build: (t) => buildOrderCard({ order: longHistory, findings: [], now: min(6000), timeZone: SH }, t) },
  { name: 'order-refunded-after-delivery', build: (t) => buildOrderCard({ order: refundedAfterDelivery, findings: [], now: min(9100), timeZone: SH }, t) },
  {
    name: 'order-quarantined',
    build: (t) =>
      buildOrderCard(
        { order: quarantinedOnly, findings: [{ kind: 'unknown_status', source: 'wms', details: { system: 'wms', rawStatus: 'QC_HOLD', orders: 3, sampleOrderIds: ['D40001'] }, count: 2, firstSeen: min(600), lastSeen: min(720) }], now: min(730) },
        t,
      ),
  },
  { name: 'sync-all-ok', build: (t) => buildSyncSummaryCard({ summaries: [run({ source: 'storefront' }), run({ source: 'wms', runId: 42, fetched: 3480, changed: 211, unchanged: 3269, durationMs: 12_400 })], finishedAt: min(10), timeZone: SH }, t) },
  {
    name: 'sync-failed-with-fallback',
    build: (t) =>
      buildSyncSummaryCard(
        {
          summaries: [
            run({ source: 'erp', status: 'failed', fetched: 0, changed: 0, unchanged: 0, durationMs: 30_200, error: 'http.503: erp answered 503 Service Unavailable', errorCode: 'http.503', fallback: run({ source: 'erp-db', runId: 44, system: 'erp', trigger: 'fallback:erp', fetched: 96, changed: 5, unchanged: 91 }) }),
            run({ source: 'wms', runId: 45, quarantined: 3, errors: 2, fetched: 240, changed: 12, unchanged: 223, joined: true }),
          ],
          finishedAt: min(20),
          timeZone: SH,
        },
        t,
      ),
  },
  { name: 'sync-one-failed', build: (t) => buildSyncSummaryCard({ summaries: [run({ source: 'shopify', status: 'failed', fetched: 50, changed: 50, unchanged: 0, error: 'http.401: invalid API key for shop +86 13812345678', errorCode: 'http.401' })], source: 'shopify', finishedAt: min(30) }, t) },
  { name: 'sync-no-sources', build: (t) => buildSyncSummaryCard({ summaries: [], finishedAt: min(40) }, t) },
  {
    name: 'sync-switched',
    build: (t) =>
      buildSyncSummaryCard({ summaries: [run({ source: 'erp-backup', runId: 46, system: 'erp', trigger: 'switched:erp', fetched: 96, changed: 5, unchanged: 91, switchedFrom: 'erp' }), run({ source: 'wms', runId: 47 })], finishedAt: min(50), timeZone: SH }, t),
  },
  {
    name: 'status-overview',
    build: (t) =>
      buildStatusCard(
        {
          counts: [
            { system: '*', status: 'paid', count: 42 },
            { system: '*', status: 'shipped', count: 1310 },
            { system: '*', status: 'delivered', count: 8021 },
            { system: '*', status: 'exception', count: 6 },
            { system: 'erp', status: 'paid', count: 60 },
            { system: 'erp', status: 'delivered', count: 7990 },
            { system: 'wms', status: 'shipped', count: 1300 },
            { system: 'wms', status: 'delivered', count: 8000 },
            { system: 'wms', status: 'exception', count: 6 },
          ],
          stuck: [
            { status: 'paid', count: 9, limitHours: 24 },
            { status: 'exception', count: 1, limitHours: 24 },
            { status: 'shipped', count: 0, limitHours: 48 },
          ],
          quarantine: [{ system: 'wms', rawStatus: 'QC_HOLD', orders: 3, lastSeen: min(720), sampleOrderId: 'D40001' }],
          now: min(800),
          timeZone: SH,
        },
        t,
      ),
  },
  { name: 'status-healthy', build: (t) => buildStatusCard({ counts: [{ system: '*', status: 'completed', count: 1 }, { system: 'erp', status: 'completed', count: 1 }], stuck: [], quarantine: [], now: min(800) }, t) },
  { name: 'status-empty', build: (t) => buildStatusCard({ counts: [], stuck: [], quarantine: [], now: min(0) }, t) },
  {
    name: 'status-switched',
    build: (t) =>
      buildStatusCard(
        {
          counts: [{ system: '*', status: 'shipped', count: 12 }, { system: 'erp', status: 'shipped', count: 12 }, { system: 'wms', status: 'shipped', count: 12 }],
          stuck: [],
          quarantine: [],
          switches: [{ source: 'erp', fallback: 'erp-backup', since: min(700) }],
          now: min(800),
          timeZone: SH,
        },
        t,
      ),
  },
  { name: 'help-viewer', build: (t) => buildHelpCard({ commands: CATALOG, role: 'viewer' }, t) },
  { name: 'help-agent', build: (t) => buildHelpCard({ commands: CATALOG, role: 'agent' }, t) },
  { name: 'help-order', build: (t) => buildHelpCard({ commands: CATALOG, role: 'viewer', detail: CATALOG[0] }, t) },
  { name: 'help-sync-forbidden', build: (t) => buildHelpCard({ commands: CATALOG, role: 'viewer', detail: CATALOG[2] }, t) },
  { name: 'tasks-empty', build: (t) => buildTasksCard({ filter: 'open', tasks: [], now: min(0) }, t) },
];
