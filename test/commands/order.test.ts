import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REFRESH_ORDER, SYNC_ORDER } from '../../cards/order-detail.ts';
import { normalizeOrderId, orderCommand, refreshOrderAction, syncOrderAction } from '../../commands/order.ts';
import { cardButtons, type Card } from '../../src/core/card.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';
import { actionContext, commandContext, commit, makeWorld, rec, ScriptedSource, type World } from './fixture.ts';

async function seedA123(w: World): Promise<void> {
  await commit(w, 'storefront', [{ r: rec('A123', 'paid', 0, { amount: 1299.5, currency: 'CNY', customer: { id: 'C-9', phone: '+86 13812345678' } }), status: 'paid' }]);
  await commit(w, 'erp', [{ r: rec('A123', '已付款', 5, { amount: 1299.5, currency: 'CNY' }), status: 'paid' }]);
  await commit(w, 'wms', [{ r: rec('A123', 'picking', 60), status: 'picking' }]);
  await commit(w, 'wms', [{ r: rec('A123', 'SHIPPED', 180), status: 'shipped' }]);
}

const table = (c: Card): string[][] => c.elements.flatMap((e) => (e.type === 'table' ? e.rows : []));

test('/order posts one tracked card: canonical status, every system, history, buttons with the id', async (t) => {
  const w = await makeWorld(t);
  await seedA123(w);
  const { ctx, rec: out } = commandContext(w.services, { args: { id: ' #A123 ' } });
  await orderCommand.handler(ctx);
  assert.deepEqual(out.ephemerals, []);
  assert.equal(out.tracked.length, 1);
  const [posted] = out.tracked;
  assert.ok(posted);
  assert.equal(posted.key, 'order:A123');
  const c = posted.card;
  assertNoKeyLeaks(c, 'en');
  assert.equal(c.header?.title, 'Order A123 · Shipped');
  assert.equal(c.header?.severity, 'warning', 'erp and the storefront still say paid');
  assert.deepEqual(table(c).map((r) => r.slice(0, 3)), [['erp', 'Paid', '已付款'], ['storefront', 'Paid', 'paid'], ['wms ★', 'Shipped', 'SHIPPED']]);
  assert.match(cardText(c), /CN¥1,299\.50/);
  assert.match(cardText(c), /C-9/);
  assert.match(cardText(c), /Picking → Shipped `SHIPPED`/);
  assert.deepEqual(cardButtons(c).map((b) => [b.actionId, b.value]), [[REFRESH_ORDER, 'A123'], [SYNC_ORDER, 'A123']]);
  for (const lang of ['zh-CN', 'es']) assertNoKeyLeaks(posted.build(lang), lang);
  assert.equal(posted.build('zh-CN').header?.title, '订单 A123 · 已发货', 'each copy is built in its reader\'s language');
});

test('/order accepts a lower-case id and shows open findings for the order in red', async (t) => {
  const w = await makeWorld(t);
  await seedA123(w);
  await w.store.findings.raise({ kind: 'stale', fingerprint: 'stale:A123', orderId: 'A123', details: { status: 'shipped', hours: 50 } }, w.clock.now());
  await w.store.findings.raise({ kind: 'stale', fingerprint: 'stale:OTHER', orderId: 'OTHER', details: {} }, w.clock.now());
  const { ctx, rec: out } = commandContext(w.services, { args: { id: 'a123' }, lang: 'es' });
  await orderCommand.handler(ctx);
  const c = out.tracked[0]?.card;
  assert.ok(c);
  assert.equal(c.header?.severity, 'danger');
  assert.equal(c.header?.title, 'Pedido A123 · Enviado');
  assert.match(cardText(c), /1 problema abierto/);
  assert.match(cardText(c), /`stale`/);
  assert.doesNotMatch(cardText(c), /OTHER/);
});

test('an unknown order gets a localized hint about how ids look and /status; nothing is posted', async (t) => {
  const w = await makeWorld(t);
  await seedA123(w);
  for (const [lang, pattern] of [['en', /can't find order ZZ9.*\/order A10023.*#.*\/status/s], ['zh-CN', /找不到订单 ZZ9/], ['es', /No encuentro el pedido ZZ9/]] as const) {
    const { ctx, rec: out } = commandContext(w.services, { args: { id: '#ZZ9' }, lang });
    await orderCommand.handler(ctx);
    assert.equal(out.tracked.length + out.replies.length, 0);
    assert.match(String(out.ephemerals[0]), pattern);
  }
  assert.equal(normalizeOrderId('  ## A1 '), 'A1');
});

test('an order seen only with an unmapped raw status says so and lists the quarantined status', async (t) => {
  const w = await makeWorld(t);
  await commit(w, 'wms', [{ r: rec('B1', 'QC_HOLD', 10) }]);
  const { ctx, rec: out } = commandContext(w.services, { args: { id: 'B1' } });
  await orderCommand.handler(ctx);
  const c = out.tracked[0]?.card;
  assert.ok(c);
  assert.equal(c.header?.title, 'Order B1 · Status unknown');
  assert.equal(c.header?.severity, 'danger');
  assert.match(cardText(c), /wms: `QC_HOLD`/);
});

test('a long history is cut to the last 10 events with a count of the earlier ones', async (t) => {
  const w = await makeWorld(t);
  const path = ['paid', 'allocated', 'picking', 'packed', 'shipped', 'in_transit'] as const;
  for (const [i, s] of path.entries()) await commit(w, 'wms', [{ r: rec('L1', s, i * 10), status: s }]);
  for (let i = 0; i < 8; i++) {
    await commit(w, 'wms', [{ r: rec('L1', 'lost', 100 + i * 20), status: 'exception' }]);
    await commit(w, 'wms', [{ r: rec('L1', 'in_transit', 110 + i * 20), status: 'in_transit' }]);
  }
  const { ctx, rec: out } = commandContext(w.services, { args: { id: 'L1' } });
  await orderCommand.handler(ctx);
  const c = out.tracked[0]?.card;
  assert.ok(c);
  const items = c.elements.flatMap((e) => (e.type === 'list' ? e.items : []));
  assert.equal(items.length, 10);
  assert.match(items[9] ?? '', /Exception → In transit/);
  assert.match(cardText(c), /12 earlier events not shown/);
});

test('Refresh re-reads the order and updates the card in place', async (t) => {
  const w = await makeWorld(t);
  await seedA123(w);
  await commit(w, 'wms', [{ r: rec('A123', 'delivered', 600), status: 'delivered' }]);
  assert.equal(refreshOrderAction.role, 'viewer');
  const { ctx, rec: out } = actionContext(w.services, 'A123');
  await refreshOrderAction.handler(ctx);
  assert.equal(out.updates.length, 1);
  assert.equal(out.updates[0]?.card.header?.title, 'Order A123 · Delivered');
  assert.match(cardText(out.updates[0]?.card ?? { elements: [], fallbackText: '' }), /Refreshed by Lucía at /, 'the card says who acted');
  const gone = actionContext(w.services, 'NOPE');
  await refreshOrderAction.handler(gone.ctx);
  assert.equal(gone.rec.updates.length, 0);
  assert.match(String(gone.rec.ephemerals[0]), /NOPE/);
});

test('Sync now (agent) runs the real sync engine, then updates the card with what it pulled', async (t) => {
  const wms = new ScriptedSource('wms', [[{ records: [rec('A123', 'delivered', 900)], errors: [] }]]);
  const w = await makeWorld(t, [wms]);
  await seedA123(w);
  assert.equal(syncOrderAction.role, 'agent');
  const { ctx, rec: out } = actionContext(w.services, 'A123', { role: 'agent' });
  await syncOrderAction.handler(ctx);
  assert.equal(wms.pulls, 1);
  assert.equal(out.updates[0]?.card.header?.title, 'Order A123 · Delivered');
  assert.deepEqual(out.ephemerals, ['Syncing every source; this card updates when it is done.', 'Sync finished; the card is up to date.']);
});

test('Sync now says which sources failed', async (t) => {
  const erp = new ScriptedSource('erp', [new Error('erp is down')]);
  const w = await makeWorld(t, [erp]);
  await seedA123(w);
  const { ctx, rec: out } = actionContext(w.services, 'A123', { role: 'agent', lang: 'zh-CN' });
  await syncOrderAction.handler(ctx);
  assert.equal(out.updates.length, 1);
  assert.match(String(out.ephemerals[1]), /以下数据源失败：erp/);
});

test('/order lists the tasks about the order, with a button to open each', async (t) => {
  const w = await makeWorld(t);
  await seedA123(w);
  const task = await w.domain.tasks.onFinding({
    kind: 'mismatch',
    fingerprint: 'mismatch:A123:erp:wms',
    source: 'erp',
    orderId: 'A123',
    details: { views: [{ system: 'erp', status: 'cancelled', raw: '已取消', updatedAt: w.clock.now() - 7_200_000 }, { system: 'wms', status: 'shipped', raw: 'SHIPPED', updatedAt: w.clock.now() - 3_600_000 }], since: w.clock.now() - 7_200_000 },
  });
  assert.ok(task, 'a mismatch needs a person: a task was made');
  const { ctx, rec: out } = commandContext(w.services, { args: { id: 'A123' } });
  await orderCommand.handler(ctx);
  const c = out.tracked[0]?.card;
  assert.ok(c);
  assert.match(cardText(c), /Tasks \(1\)/);
  assert.match(cardText(c), new RegExp(`T${task.id}`));
  assert.ok(cardButtons(c).some((b) => b.actionId === 'task.open' && b.value === String(task.id)));
  assertNoKeyLeaks(c, 'order card with a task');
});

test('/order shows the customer notifications of the order', async (t) => {
  const w = await makeWorld(t);
  const now = w.clock.now();
  await w.store.applyBatch({
    runId: 1,
    source: 'wms',
    system: 'wms',
    now,
    authority: w.settings.get().authority,
    records: [{ orderId: 'N1', system: 'wms', status: 'shipped', rawStatus: 'SHIPPED', updatedAt: now - 60_000, customer: { id: 'CN1', name: 'Wei', language: 'zh-CN' } }],
  });
  const queued = await w.store.db.transaction(() => w.domain.notifier.enqueue([{ orderId: 'N1', from: null, to: 'shipped', system: 'wms', at: now - 60_000 }]));
  assert.equal(queued, 1);
  const { ctx, rec: out } = commandContext(w.services, { args: { id: 'N1' } });
  await orderCommand.handler(ctx);
  const c = out.tracked[0]?.card;
  assert.ok(c);
  assert.match(cardText(c), /Customer notifications \(1\)/);
  assert.match(cardText(c), /Shipped · — · pending|Shipped · \w+ · (pending|sending|sent)/);
  assertNoKeyLeaks(c, 'order card with a notification');
});
