import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSilentLogger } from '../../src/core/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import { registerWeChatCallback } from '../../src/http/wechat-callback.ts';
import { CUSTOMERS, notifyWorld, outboxRows, type NotifyWorld } from './dispatcher-harness.ts';

const TOKEN = 'wechat-callback-token';

async function withCallback(t: TestContext, w: NotifyWorld): Promise<string> {
  const log = createSilentLogger();
  const server = new HttpServer(log);
  registerWeChatCallback(server, { token: TOKEN, log, clock: w.clock, onDeliveryReport: (r) => w.notifier.onDeliveryReport(r), replay: w.store.adapterState });
  const addr = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  return `http://127.0.0.1:${addr.port}/wechat/callback`;
}

test('TEMPLATESENDJOBFINISH success marks the message delivered (through the real callback route)', async (t) => {
  const w = await notifyWorld(t);
  const url = await withCallback(t, w);
  await w.commit([{ orderId: 'DR1', status: 'shipped', customer: CUSTOMERS.li }]);
  await w.notifier.drain();
  const msgid = w.wechat.delivered[0]?.msgid;
  assert.ok(msgid);
  const res = await w.wechat.postJobFinish(url, TOKEN, { openid: CUSTOMERS.li.openid, msgId: msgid, status: 'success' });
  assert.equal(res.status, 200);
  const [n] = await w.notifier.notificationsFor('DR1');
  assert.deepEqual([n?.state, n?.deliveredAt], ['delivered', w.clock.now()]);
  assert.deepEqual(n?.history.map((h) => h.result), ['sent', 'delivered']);
  assert.equal(await w.notifier.applyDeliveryReport({ msgId: String(msgid), status: 'delivered' }), 'ignored', 'a repeated report changes nothing');
  assert.equal(await w.notifier.applyDeliveryReport({ msgId: '999', status: 'delivered' }), 'unknown');
});

test('blocked: the message goes on to the next channel and WeChat leaves the customer’s chain; system failure only reroutes', async (t) => {
  const w = await notifyWorld(t);
  const url = await withCallback(t, w);
  await w.commit([
    { orderId: 'DR2', status: 'shipped', customer: CUSTOMERS.li },
    { orderId: 'DR3', status: 'shipped', customer: CUSTOMERS.lucia },
  ]);
  await w.notifier.drain();
  const byKey = new Map(w.wechat.delivered.map((d) => [d.clientMsgId, d.msgid]));
  await w.wechat.postJobFinish(url, TOKEN, { openid: CUSTOMERS.li.openid, msgId: byKey.get('DR2:shipped:shipped') ?? 0, status: 'failed:user block' });
  await w.wechat.postJobFinish(url, TOKEN, { openid: CUSTOMERS.lucia.openid, msgId: byKey.get('DR3:shipped:shipped') ?? 0, status: 'failed: system failed' });
  assert.deepEqual((await outboxRows(w.store)).map((r) => [r.state, r.last_error]), [
    ['pending', 'delivery.blocked'],
    ['pending', 'delivery.failed'],
  ]);
  await w.notifier.drain();
  assert.deepEqual(w.sms.sent.map((s) => [s.idempotencyKey, s.to]).sort(), [['DR2:shipped:shipped', CUSTOMERS.li.phone], ['DR3:shipped:shipped', CUSTOMERS.lucia.phone]]);
  assert.deepEqual((await w.notifier.notificationsFor('DR2'))[0]?.history.map((h) => `${h.channel}:${h.result}`), ['wechat_template:sent', 'wechat_template:blocked', 'sms:sent']);
  assert.equal(w.wechat.delivered.length, 2, 'never re-sent on the channel that failed');

  w.clock.advance(60_000);
  await w.commit([
    { orderId: 'DR2', status: 'delivered', customer: CUSTOMERS.li },
    { orderId: 'DR3', status: 'delivered', customer: CUSTOMERS.lucia },
  ]);
  await w.notifier.drain();
  assert.deepEqual(w.wechat.delivered.map((d) => d.clientMsgId).slice(2), ['DR3:delivered:delivered'], 'Lucía still gets WeChat');
  assert.ok(w.sms.sent.some((s) => s.idempotencyKey === 'DR2:delivered:delivered'), 'Li, who blocked it, gets SMS');
});
