import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOrderCard, orderSeverity, REFRESH_ORDER, SYNC_ORDER, type OrderCardView } from '../../cards/order-detail.ts';
import { card, cardButtons, type Card } from '../../src/core/card.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import type { OrderDetail } from '../../src/store/queries.ts';
import { assertNoKeyLeaks, cardText } from './helpers.ts';

const T0 = Date.UTC(2026, 5, 1, 0, 0);
const h = (n: number): number => T0 + n * 3_600_000;

function order(over: Partial<OrderDetail> = {}): OrderDetail {
  return {
    orderId: 'A123',
    status: 'shipped',
    statusSystem: 'wms',
    statusSince: h(5),
    amount: 1299.5,
    currency: 'CNY',
    customerId: 'C-77',
    firstSeen: h(0),
    snapshots: [
      { system: 'erp', status: 'shipped', rawStatus: '已发货', updatedAt: h(6), amount: 1299.5, currency: 'CNY', seenAt: h(7) },
      { system: 'wms', status: 'shipped', rawStatus: 'SHIPPED', updatedAt: h(5), amount: null, currency: null, seenAt: h(7) },
    ],
    events: [
      { id: 1, system: 'wms', from: null, to: 'paid', raw: 'PAID', at: h(1), runId: 1 },
      { id: 2, system: 'wms', from: 'paid', to: 'shipped', raw: 'SHIPPED', at: h(5), runId: 2 },
    ],
    quarantined: [],
    ...over,
  };
}

const view = (o: OrderDetail, extra: Partial<OrderCardView> = {}): OrderCardView => ({ order: o, findings: [], now: h(8), timeZone: 'Asia/Shanghai', ...extra });
const list = (c: Card): string[] => c.elements.flatMap((e) => (e.type === 'list' ? e.items : []));

test('header says order and status in each language, buttons carry the order id with the right action ids', () => {
  const titles = { en: 'Order A123 · Shipped', 'zh-CN': '订单 A123 · 已发货', es: 'Pedido A123 · Enviado' } as const;
  for (const lang of SUPPORTED_LANGUAGES) {
    const c = buildOrderCard(view(order()), getT(lang, 'bot'));
    assert.equal(c.header?.title, titles[lang]);
    assertNoKeyLeaks(c, lang);
    assert.deepEqual(cardButtons(c).map((b) => [b.actionId, b.value]), [[REFRESH_ORDER, 'A123'], [SYNC_ORDER, 'A123']]);
  }
});

test('fields show status with its system and age, amount in its currency, customer and first seen', () => {
  const c = buildOrderCard(view(order()), getT('en', 'cards'));
  const fields = c.elements.find((e) => e.type === 'fields');
  assert.ok(fields?.type === 'fields');
  const byLabel = Object.fromEntries(fields.fields.map((f) => [f.label, f.value]));
  assert.equal(byLabel.Status, 'Shipped per wms, since Jun 1, 2026, 13:00 (3h)');
  assert.equal(byLabel.Amount, 'CN¥1,299.50');
  assert.equal(byLabel.Customer, 'C-77');
  assert.equal(byLabel['First seen'], 'Jun 1, 2026, 08:00');
  const table = c.elements.find((e) => e.type === 'table');
  assert.ok(table?.type === 'table');
  assert.deepEqual(table.rows.map((r) => r.slice(0, 3)), [['erp', 'Shipped', '已发货'], ['wms ★', 'Shipped', 'SHIPPED']]);
});

test('phone numbers and addresses are masked wherever they show up', () => {
  const c = buildOrderCard(view(order({ customerId: '13812345678' }), { contact: { phone: '+86 139 1234 5678', address: '北京市朝阳区建国路 88 号 SOHO 3 号楼 1501' } }), getT('zh-CN', 'cards'));
  const text = cardText(c);
  assert.match(text, /\+86 139\*\*\*\*5678/);
  assert.match(text, /138\*\*\*\*5678/);
  assert.match(text, /北京市\*\*\*\*/);
  assert.doesNotMatch(text, /13812345678|1391234|建国路|1501/);
});

test('a long history shows the last 10 events, most recent last, and says how many are hidden', () => {
  const events = Array.from({ length: 25 }, (_v, i) => ({ id: i + 1, system: 'wms', from: i === 0 ? null : ('in_transit' as const), to: 'in_transit' as const, raw: `R${i + 1}`, at: h(i), runId: i + 1 }));
  for (const lang of SUPPORTED_LANGUAGES) {
    const c = buildOrderCard(view(order({ events })), getT(lang, 'cards'));
    const items = list(c);
    assert.equal(items.length, 10, lang);
    assert.match(items[0] ?? '', /`R16`/);
    assert.match(items[9] ?? '', /`R25`/);
    assert.match(cardText(c), /15/);
  }
  const en = buildOrderCard(view(order({ events }), { maxEvents: 5 }), getT('en', 'cards'));
  assert.equal(list(en).length, 5);
  assert.match(cardText(en), /20 earlier events not shown/);
  assert.doesNotMatch(cardText(buildOrderCard(view(order()), getT('en', 'cards'))), /earlier event/);
});

test('colour: danger for open findings or quarantine, warning when systems disagree, success once delivered, else info', () => {
  const disagree = order({ snapshots: [...order().snapshots.slice(0, 1), { system: 'storefront', status: 'paid', rawStatus: 'paid', updatedAt: h(1), amount: 1299.5, currency: 'CNY', seenAt: h(7) }] });
  const finding = { kind: 'stale', source: undefined, details: { hours: 30 }, count: 1, firstSeen: h(2), lastSeen: h(7) };
  assert.equal(orderSeverity(order(), []), 'info');
  assert.equal(orderSeverity(order({ status: 'delivered' }), []), 'success');
  assert.equal(orderSeverity(disagree, []), 'warning');
  assert.equal(orderSeverity(order(), [finding]), 'danger');
  assert.equal(orderSeverity(order({ quarantined: [{ system: 'wms', rawStatus: 'QC_HOLD', lastSeen: h(3), count: 1 }] }), []), 'danger');
  const c = buildOrderCard(view(disagree), getT('en', 'cards'));
  assert.equal(c.header?.severity, 'warning');
  assert.match(cardText(c), /The systems disagree: erp: Shipped · storefront: Paid/);
});

test('open findings and quarantined raw statuses are listed with a hint to add a mapping', () => {
  const o = order({ quarantined: [{ system: 'wms', rawStatus: 'QC_HOLD', lastSeen: h(3), count: 2 }] });
  const findings = [
    { kind: 'unknown_status', source: 'wms', details: { system: 'wms', rawStatus: 'QC_HOLD' }, count: 3, firstSeen: h(2), lastSeen: h(3) },
    { kind: 'price_mismatch', source: undefined, details: { expected: 1299.5, got: 129.95, note: 'call +86 13812345678' }, count: 1, firstSeen: h(4), lastSeen: h(4) },
  ];
  for (const lang of SUPPORTED_LANGUAGES) {
    const c = buildOrderCard(view(o, { findings }), getT(lang, 'cards'));
    assertNoKeyLeaks(c, lang);
    assert.equal(c.header?.severity, 'danger');
    const text = cardText(c);
    assert.match(text, /`QC_HOLD`/);
    assert.match(text, /`price_mismatch`/);
    assert.doesNotMatch(text, /13812345678/, 'phone numbers in finding details are masked');
  }
  assert.match(cardText(buildOrderCard(view(o, { findings }), getT('en', 'cards'))), /2 open problems[\s\S]*mapping set in the settings/);
});

test('an order known only from quarantine says its status is unknown instead of inventing one', () => {
  const o = order({ status: 'exception', statusSystem: '', statusSince: 0, firstSeen: 0, amount: null, currency: null, customerId: null, snapshots: [], events: [], quarantined: [{ system: 'wms', rawStatus: 'QC_HOLD', lastSeen: h(3), count: 1 }] });
  const c = buildOrderCard(view(o), getT('en', 'cards'));
  assert.equal(c.header?.title, 'Order A123 · Status unknown');
  assert.doesNotMatch(cardText(c), /Exception/);
  assert.match(cardText(c), /No status changes recorded yet/);
});

test('the leak checker itself catches a missing key', () => {
  const t = getT('en', 'cards');
  assert.throws(() => assertNoKeyLeaks(card().header(t('cards:order.nope.missing')).build(), 'probe'));
  assert.throws(() => assertNoKeyLeaks(card().header('ok').text(t('cards:order.nope')).build(), 'probe'));
});
