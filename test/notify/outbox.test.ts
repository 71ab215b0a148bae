import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enqueueForChanges, outboxKey } from '../../src/notify/outbox.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { CUSTOMERS, notifyWorld, outboxRows } from './dispatcher-harness.ts';

test('the outbox row is written in the batch transaction: a rollback drops the order change and the message together', async (t) => {
  const w = await notifyWorld(t);
  const now = w.clock.now();
  const authority = readDefaultSettings().authority;
  const records = [{ orderId: 'SO1', system: 'oms', status: 'shipped' as const, rawStatus: 'shipped', updatedAt: now, customer: CUSTOMERS.li }];
  await assert.rejects(
    w.store.db.transaction(async () => {
      const result = await w.store.applyBatch({ runId: 1, source: 'oms', system: 'oms', now, authority, records });
      assert.equal(await enqueueForChanges(w.store.db, result.canonicalChanges, now), 1);
      assert.equal((await outboxRows(w.store)).length, 1, 'visible inside the transaction');
      throw new Error('crash before commit');
    }),
    /crash before commit/,
  );
  assert.deepEqual(await outboxRows(w.store), [], 'no message without its change');
  assert.equal((await w.store.queries.totals()).orders, 0, 'no change either');

  const result = await w.commit([{ orderId: 'SO1', status: 'shipped', customer: CUSTOMERS.li }]);
  assert.equal(result.canonicalChanges.length, 1);
  const rows = await outboxRows(w.store);
  assert.deepEqual(rows.map((r) => [r.key, r.state, r.customer_id]), [[outboxKey('SO1', 'shipped', 'shipped'), 'pending', 'C-LI']]);
});

test('exactly once per change: a repeated change, a replayed batch and a redelivered enqueue add nothing', async (t) => {
  const w = await notifyWorld(t);
  const first = await w.commit([{ orderId: 'SO2', status: 'paid', customer: CUSTOMERS.li }]);
  await w.commit([{ orderId: 'SO2', status: 'paid', customer: CUSTOMERS.li }]);
  await w.store.db.transaction(() => enqueueForChanges(w.store.db, first.canonicalChanges, w.clock.now()));
  await w.notifier.afterWrite(first);
  assert.deepEqual((await outboxRows(w.store)).map((r) => r.key), ['SO2:paid:paid']);
  w.clock.advance(60_000);
  await w.commit([{ orderId: 'SO2', status: 'shipped', customer: CUSTOMERS.li }]);
  assert.deepEqual((await outboxRows(w.store)).map((r) => r.key), ['SO2:paid:paid', 'SO2:shipped:shipped'], 'the next change is a new message');
});

test('only customer-worthy statuses of orders with a customer, and only recent changes, are announced', async (t) => {
  const w = await notifyWorld(t);
  await w.commit([
    { orderId: 'Q1', status: 'picking', customer: CUSTOMERS.li },
    { orderId: 'Q2', status: 'packed', customer: CUSTOMERS.li },
    { orderId: 'Q3', status: 'shipped' },
    { orderId: 'Q4', status: 'delivered', customer: CUSTOMERS.ann, minutesAgo: 3 * 24 * 60 },
    { orderId: 'Q5', status: 'out_for_delivery', customer: CUSTOMERS.ann },
    { orderId: 'A:1', status: 'refunded', customer: CUSTOMERS.lucia, amount: 88.5, currency: 'EUR' },
  ]);
  const rows = await w.store.db.all<{ key: string; urgent: number; vars: string }>('SELECT key, urgent, vars FROM notify_outbox ORDER BY id');
  assert.deepEqual(rows, [
    { key: 'Q5:out_for_delivery:out_for_delivery', urgent: 1, vars: '{}' },
    { key: 'A%3A1:refunded:refunded', urgent: 0, vars: '{"amount":"€88.50"}' },
  ]);
});

test('notificationsFor lists each message with its channel, state, times and every attempt', async (t) => {
  const w = await notifyWorld(t);
  await w.commit([{ orderId: 'T1', status: 'shipped', customer: CUSTOMERS.li }]);
  w.wechat.failNext(43004);
  await w.notifier.drain();
  const [n, ...rest] = await w.notifier.notificationsFor('T1');
  assert.equal(rest.length, 0);
  assert.ok(n);
  assert.equal(n.state, 'sent');
  assert.equal(n.channel, 'sms');
  assert.equal(n.sentAt, w.clock.now());
  assert.deepEqual(n.history.map((h) => [h.channel, h.result]), [['wechat_template', 'failed'], ['sms', 'sent']]);
  assert.match(n.history[0]?.error ?? '', /recipient\.unreachable/);
  assert.deepEqual(await w.notifier.notificationsFor('nope'), []);
});
