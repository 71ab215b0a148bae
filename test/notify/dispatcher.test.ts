import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createSilentLogger } from '../../src/core/logger.ts';
import { stableMessageId } from '../../src/notify/channels/message-key.ts';
import { TokenBucket } from '../../src/notify/dispatcher-rate-limit.ts';
import { createNotifier } from '../../src/notify/index.ts';
import { OutboxRepo } from '../../src/notify/outbox-repo.ts';
import { Store } from '../../src/store/index.ts';
import { CUSTOMERS, notifyWorld, outboxRows, wechatCounts } from './dispatcher-harness.ts';

test('sends on the preferred channel with the outbox key as client_msg_id / idempotency key, in the customer language', async (t) => {
  const w = await notifyWorld(t);
  await w.commit([
    { orderId: 'SO1', status: 'shipped', customer: CUSTOMERS.li },
    { orderId: 'SO2', status: 'shipped', customer: CUSTOMERS.ann },
  ]);
  const stats = await w.notifier.drain();
  assert.equal(stats.sent, 2);
  assert.deepEqual(w.wechat.delivered.map((d) => [d.touser, d.clientMsgId, d.data.thing3]), [[CUSTOMERS.li.openid, 'SO1:shipped:shipped', '已发货']]);
  assert.deepEqual(w.sms.sent.map((s) => [s.to, s.idempotencyKey, s.text]), [[CUSTOMERS.ann.phone, 'SO2:shipped:shipped', '[Bear Goods] Your order SO2 has shipped.']]);
  const rows = await outboxRows(w.store);
  assert.deepEqual(rows.map((r) => [r.key, r.state, r.channel, r.attempts]), [
    ['SO1:shipped:shipped', 'sent', 'wechat_template', 1],
    ['SO2:shipped:shipped', 'sent', 'sms', 1],
  ]);
  assert.equal(rows[0]?.provider_id, String(w.wechat.delivered[0]?.msgid));
  assert.equal((await w.notifier.drain()).sent, 2, 'nothing more to send');
});

test('chain fallback: 43004 (not following) moves to SMS at once; a paused WeChat (45009) is skipped for later messages', async (t) => {
  const w = await notifyWorld(t);
  w.wechat.failFor(CUSTOMERS.li.openid, 43004);
  await w.commit([{ orderId: 'F1', status: 'paid', customer: CUSTOMERS.li }]);
  await w.notifier.drain();
  assert.equal(w.wechat.delivered.length, 0);
  assert.deepEqual(w.sms.sent.map((s) => [s.idempotencyKey, s.to]), [['F1:paid:paid', CUSTOMERS.li.phone]]);
  assert.deepEqual((await outboxRows(w.store)).map((r) => [r.state, r.channel]), [['sent', 'sms']]);

  w.wechat.failFor(CUSTOMERS.li.openid, undefined);
  w.wechat.failNext(45009);
  await w.commit([{ orderId: 'F2', status: 'paid', customer: CUSTOMERS.lucia }]);
  await w.notifier.drain();
  assert.deepEqual(w.alerts.map((a) => a.kind), ['quota']);
  const callsAfterQuota = w.wechat.sendCalls;
  await w.commit([{ orderId: 'F3', status: 'paid', customer: CUSTOMERS.li }]);
  await w.notifier.drain();
  assert.equal(w.wechat.sendCalls, callsAfterQuota, 'a paused channel is not even tried');
  assert.deepEqual(w.sms.sent.map((s) => s.idempotencyKey), ['F1:paid:paid', 'F2:paid:paid', 'F3:paid:paid']);
});

test('retryable errors retry with backoff on the same key (a lost reply is not sent twice), then succeed', async (t) => {
  const w = await notifyWorld(t);
  await w.commit([{ orderId: 'R1', status: 'shipped', customer: CUSTOMERS.li }]);
  w.wechat.failNext('lost_reply', 'http500');
  const t0 = w.clock.now();
  await w.notifier.drain();
  let [row] = await outboxRows(w.store);
  assert.deepEqual([row?.state, row?.attempts, row?.next_at], ['pending', 1, t0 + 750], 'computeBackoff(0, 1000 ms, 0.5) = 750 ms');
  assert.equal(w.wechat.delivered.length, 1, 'the fake delivered it; we did not hear back');
  w.clock.advance(749);
  await w.notifier.drain();
  assert.equal((await outboxRows(w.store))[0]?.attempts, 1, 'not before its time');
  w.clock.advance(1);
  await w.notifier.drain();
  [row] = await outboxRows(w.store);
  assert.deepEqual([row?.state, row?.attempts], ['pending', 2], 'HTTP 500: second backoff');
  assert.equal(row?.next_at, w.clock.now() + 1_500, 'computeBackoff(1, 1000 ms, 0.5) = 1500 ms');
  w.clock.advance(1_500);
  await w.notifier.drain();
  [row] = await outboxRows(w.store);
  assert.deepEqual([row?.state, row?.channel, row?.attempts], ['sent', 'wechat_template', 3]);
  assert.equal(w.wechat.sendCalls, 3);
  assert.deepEqual([...wechatCounts(w.wechat)], [['R1:shipped:shipped', 1]], 'three calls, one delivery');
  assert.deepEqual(w.sms.sent, []);
});

test('Retry-After is honoured; after the attempts allowed on a channel the message moves to the next one', async (t) => {
  const w = await notifyWorld(t);
  await w.commit([{ orderId: 'R2', status: 'shipped', customer: CUSTOMERS.li }]);
  w.wechat.failFor(CUSTOMERS.li.openid, 43117);
  await w.notifier.drain();
  let [row] = await outboxRows(w.store);
  assert.equal(row?.next_at, w.clock.now() + 60_000, '43117 asks for a minute');
  w.wechat.failFor(CUSTOMERS.li.openid, 'http500');
  w.clock.advance(60_000);
  await w.notifier.drain();
  [row] = await outboxRows(w.store);
  assert.equal(row?.state, 'pending');
  w.clock.advance(60_000);
  await w.notifier.drain();
  [row] = await outboxRows(w.store);
  assert.deepEqual([row?.state, row?.channel, row?.attempts], ['sent', 'sms', 4], '3 tries on WeChat, then SMS');
  assert.deepEqual(w.sms.sent.map((s) => s.idempotencyKey), ['R2:shipped:shipped']);
});

test('every channel failing marks the message failed and reports it undeliverable with the reasons', async (t) => {
  const w = await notifyWorld(t);
  w.wechat.failFor(CUSTOMERS.li.openid, 40003);
  w.sms.markInvalid(CUSTOMERS.li.phone);
  await w.commit([
    { orderId: 'U1', status: 'exception', customer: CUSTOMERS.li },
    { orderId: 'U2', status: 'paid', customer: { id: 'C-NOBODY', name: 'Nobody' } },
  ]);
  const stats = await w.notifier.drain();
  assert.equal(stats.failed, 2);
  assert.deepEqual((await outboxRows(w.store)).map((r) => r.state), ['failed', 'failed']);
  assert.deepEqual(
    w.undeliverable.map((u) => [u.orderId, u.customerId, u.key, u.reasons.map((r) => `${r.channel}:${r.error}`)]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    [
      ['U1', 'C-LI', 'U1:exception:exception', ['wechat_template:recipient.unreachable', 'sms:recipient.unreachable']],
      ['U2', 'C-NOBODY', 'U2:paid:paid', ['wechat_template:not_reachable', 'sms:not_reachable']],
    ],
  );
  // Each reason carries the provider's code and a short message with the customer's contact masked.
  const li = w.undeliverable.find((u) => u.orderId === 'U1');
  assert.deepEqual(li?.reasons.map((r) => [r.channel, r.provider]), [['wechat_template', '40003'], ['sms', 'invalid_number']]);
  for (const r of li?.reasons ?? []) assert.ok(r.message && !r.message.includes('13812345678'), `masked: ${r.message}`);
  const [u1] = await w.notifier.notificationsFor('U1');
  assert.deepEqual(u1?.history.map((h) => h.result), ['failed', 'failed', 'undeliverable']);
  await w.notifier.drain();
  assert.equal(w.undeliverable.length, 2, 'a failed message stays failed');
});

test('quiet hours delay (not drop) until 08:00 in the customer zone; urgent messages bypass them', async (t) => {
  // 15:00 UTC: 23:00 in Shanghai, 11:00 in New York.
  const w = await notifyWorld(t, { start: Date.UTC(2026, 5, 1, 15) });
  await w.commit([
    { orderId: 'Q1', status: 'shipped', customer: CUSTOMERS.li },
    { orderId: 'Q2', status: 'out_for_delivery', customer: CUSTOMERS.li },
    { orderId: 'Q3', status: 'shipped', customer: CUSTOMERS.ann },
  ]);
  const stats = await w.notifier.drain();
  assert.deepEqual([stats.sent, stats.deferred], [2, 1]);
  assert.deepEqual(w.wechat.delivered.map((d) => d.clientMsgId), ['Q2:out_for_delivery:out_for_delivery']);
  const q1 = (await outboxRows(w.store))[0];
  assert.deepEqual([q1?.state, q1?.next_at], ['pending', Date.UTC(2026, 6 - 1, 2, 0)], '08:00 Shanghai = 00:00 UTC');
  w.clock.advance(Date.UTC(2026, 5, 2, 0) - w.clock.now() - 60_000);
  await w.notifier.drain();
  assert.equal(w.wechat.delivered.length, 1, 'still quiet at 07:59');
  w.clock.advance(60_000);
  await w.notifier.drain();
  assert.deepEqual(w.wechat.delivered.map((d) => d.clientMsgId), ['Q2:out_for_delivery:out_for_delivery', 'Q1:shipped:shipped']);
  assert.deepEqual((await w.notifier.notificationsFor('Q1'))[0]?.history.map((h) => h.result), ['deferred', 'sent']);
});

test('opt-out by reply (TD, 退订, STOP) cancels pending messages and stops new ones; START resumes', async (t) => {
  const w = await notifyWorld(t);
  const customers = [
    { c: CUSTOMERS.li, reply: ' td ' },
    { c: CUSTOMERS.ann, reply: 'STOP' },
    { c: CUSTOMERS.lucia, reply: '退订' },
  ];
  await w.commit(customers.map(({ c }, i) => ({ orderId: `O${i}`, status: 'paid' as const, customer: c })));
  for (const { c, reply } of customers) assert.deepEqual(await w.notifier.handleCustomerReply(c.id, reply), { handled: true, kind: 'opt_out', cancelled: 1 });
  assert.deepEqual(await w.notifier.handleCustomerReply(CUSTOMERS.li.id, 'TD please call me'), { handled: false });
  assert.deepEqual(await w.notifier.handleCustomerReply(CUSTOMERS.lucia.id, 'Baja.'), { handled: true, kind: 'opt_out', cancelled: 0 });
  assert.deepEqual((await outboxRows(w.store)).map((r) => [r.state, r.last_error]), [
    ['cancelled', 'opted_out'],
    ['cancelled', 'opted_out'],
    ['cancelled', 'opted_out'],
  ]);
  w.clock.advance(60_000);
  await w.commit([{ orderId: 'O0', status: 'shipped', customer: CUSTOMERS.li }]);
  const stats = await w.notifier.drain();
  assert.deepEqual([stats.sent, stats.cancelled], [0, 1], 'a message of an opted-out customer is cancelled, not sent');
  assert.equal(w.wechat.sendCalls + w.sms.calls, 0);

  assert.deepEqual(await w.notifier.handleCustomerReply(CUSTOMERS.li.id, 'start'), { handled: true, kind: 'opt_in', cancelled: 0 });
  w.clock.advance(60_000);
  await w.commit([{ orderId: 'O0', status: 'delivered', customer: CUSTOMERS.li }]);
  await w.notifier.drain();
  assert.deepEqual(w.wechat.delivered.map((d) => d.clientMsgId), ['O0:delivered:delivered']);
  assert.equal((await w.notifier.handleCustomerReply(CUSTOMERS.ann.id, '订阅')).handled, true);
});

test('a crashed sender’s claimed rows are taken over when the lease expires, and delivered once', async (t) => {
  const w = await notifyWorld(t);
  await w.commit([
    { orderId: 'L1', status: 'paid', customer: CUSTOMERS.li },
    { orderId: 'L2', status: 'paid', customer: CUSTOMERS.lucia },
  ]);
  // A sender that claimed both, sent L1, and died before writing anything.
  const now = w.clock.now();
  const claimed = await new OutboxRepo(w.store.db).claim('crashed-sender', 10, now, now + 60_000);
  assert.equal(claimed.length, 2);
  await w.channels[0]?.send({ key: 'L1:paid:paid', orderId: 'L1', template: 'paid', vars: {}, urgent: false, recipient: { customerId: 'C-LI', openid: CUSTOMERS.li.openid, language: 'zh-CN' } });
  assert.equal((await w.notifier.drain()).claimed, 0, 'leased rows are left alone');
  w.clock.advance(59_999);
  assert.equal((await w.notifier.drain()).claimed, 0);
  w.clock.advance(1);
  const stats = await w.notifier.drain();
  assert.deepEqual([stats.claimed, stats.sent], [2, 2]);
  assert.deepEqual([...wechatCounts(w.wechat)].sort(), [['L1:paid:paid', 1], ['L2:paid:paid', 1]]);
  assert.equal(w.wechat.sendCalls, 3, 'L1 was sent again under its key, and the provider dropped the repeat');
});

test('two dispatchers on two connections to the same database never send the same message', async (t) => {
  const w = await notifyWorld(t);
  const orders = Array.from({ length: 60 }, (_v, i) => ({ orderId: `D${i}`, status: 'paid' as const, customer: i % 2 === 0 ? CUSTOMERS.li : CUSTOMERS.lucia }));
  await w.commit(orders);
  const other = await Store.open(join(w.dir, 'test.db'));
  t.after(() => other.close());
  const a = w.another({ settings: { ...w.settings, concurrency: 4 } });
  const b = createNotifier({ db: other.db, channels: w.channels, settings: { ...w.settings, concurrency: 4 }, clock: w.clock, log: createSilentLogger(), owner: 'other-process' });
  const [sa, sb] = await Promise.all([a.drain(), b.drain()]);
  assert.equal(sa.claimed + sb.claimed, 60);
  assert.ok(sa.claimed > 0 && sb.claimed > 0, `both took a share (${sa.claimed} / ${sb.claimed})`);
  assert.equal(w.wechat.sendCalls, 60, 'not one message was sent twice');
  const counts = wechatCounts(w.wechat);
  assert.equal(counts.size, 60);
  assert.ok([...counts.values()].every((n) => n === 1));
  assert.ok((await outboxRows(w.store)).every((r) => r.state === 'sent'));
});

test('token bucket: burst, then one token per 1/rate; reservations queue in order', () => {
  const b = new TokenBucket({ perSecond: 2, burst: 3 }, 0);
  assert.deepEqual([b.take(0), b.take(0), b.take(0)], [0, 0, 0]);
  assert.deepEqual([b.take(0), b.take(0)], [500, 1000]);
  assert.equal(b.take(2_000), 0, 'refilled after the waits are over');
});

test('a channel rate limit spaces the sends out', async (t) => {
  const w = await notifyWorld(t, { settings: { rateLimits: { wechat_template: { perSecond: 1, burst: 1 } } } });
  await w.commit(['A', 'B', 'C'].map((id) => ({ orderId: id, status: 'paid' as const, customer: CUSTOMERS.li })));
  const drained = w.notifier.drain();
  const until = async (cond: () => boolean): Promise<void> => {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(cond());
  };
  await until(() => w.wechat.delivered.length === 1 && w.clock.pendingSleeps() >= 2);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(w.wechat.delivered.length, 1, 'the others wait for tokens');
  w.clock.advance(1_000);
  await until(() => w.wechat.delivered.length === 2);
  w.clock.advance(1_000);
  await until(() => w.wechat.delivered.length === 3);
  await drained;
});

test('message ids stay stable for keys the provider cannot take as they are', () => {
  assert.equal(stableMessageId('SO1:shipped:shipped'), 'SO1:shipped:shipped');
  assert.match(stableMessageId('SO1:shipped:shipped#resend-1'), /^h-[0-9a-f]{62}$/);
});

test('preferences: the customer’s own channel order and language win; without any, the shop language and the console inbox', async (t) => {
  const w = await notifyWorld(t, { channels: ['wechat_template', 'sms', 'console'] });
  await w.notifier.prefs.update(CUSTOMERS.li.id, { channels: ['sms'], language: 'es' }, w.clock.now());
  await assert.rejects(w.notifier.prefs.update(CUSTOMERS.li.id, { timeZone: 'Mars/Olympus' }, w.clock.now()));
  await w.commit([
    { orderId: 'PR1', status: 'paid', customer: CUSTOMERS.li },
    { orderId: 'PR2', status: 'paid', customer: { id: 'C-ANON' } },
  ]);
  await w.notifier.drain();
  assert.deepEqual(w.sms.sent.map((s) => s.text), ['[Bear Goods] Pago recibido para el pedido PR1. Ya lo estamos preparando.']);
  assert.equal(w.wechat.sendCalls, 0, 'WeChat is not in Li’s own list');
  assert.deepEqual(w.inbox.map((e) => [e.customer, e.text]), [['C-ANON', '订单PR2已付款成功，我们正在为您备货。']]);
  await w.notifier.prefs.update(CUSTOMERS.li.id, { channels: null, language: null }, w.clock.now());
  const profile = await w.notifier.prefs.profile(CUSTOMERS.li.id);
  assert.deepEqual([profile.recipient.language, profile.chain[0]], ['zh-CN', 'wechat_template'], 'cleared choices fall back to the source data');
});

test('a message whose rate-limit turn is far off goes back to the queue instead of holding its lease', async (t) => {
  const w = await notifyWorld(t, { settings: { leaseSeconds: 4, rateLimits: { wechat_template: { perSecond: 0.5, burst: 1 } } } });
  await w.commit([
    { orderId: 'H1', status: 'paid', customer: CUSTOMERS.li },
    { orderId: 'H2', status: 'paid', customer: CUSTOMERS.lucia },
  ]);
  await w.notifier.drain();
  assert.equal(w.wechat.delivered.length, 1);
  const waiting = (await outboxRows(w.store)).find((r) => r.state === 'pending');
  assert.equal(waiting?.next_at, w.clock.now() + 1_000, 'back in a quarter of the lease');
  assert.equal(waiting?.attempts, 0, 'not an attempt');
  w.clock.advance(2_000);
  await w.notifier.drain();
  assert.equal(w.wechat.delivered.length, 2);
});
