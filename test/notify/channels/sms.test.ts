import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/core/clock.ts';
import { PermanentError, RetryableError } from '../../../src/core/errors.ts';
import type { CustomerMessage } from '../../../src/core/notify.ts';
import { createSmsChannel, normalizePhone } from '../../../src/notify/channels/sms.ts';
import { startFakeSmsGateway } from '../../fakes/sms-gateway.ts';
import { captureLog } from './log-capture.ts';

const API_KEY = 'sms-key-0123456789abcdef';
const PHONE = '+8613812345678';

async function setup(t: TestContext, apiKey = API_KEY) {
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
  const gateway = await startFakeSmsGateway(API_KEY);
  t.after(() => gateway.close());
  const logs = captureLog();
  const channel = createSmsChannel({ baseUrl: `${gateway.url}/`, apiKey, sender: '小熊杂货铺', clock, log: logs.log });
  return { clock, gateway, channel, logs };
}

const msg = (over: Partial<CustomerMessage> = {}, phone: string | null = PHONE): CustomerMessage => ({
  key: 'order:SO1:shipped',
  orderId: 'SO1',
  template: 'shipped',
  vars: { carrier: '顺丰', trackingNo: 'SF100' },
  urgent: false,
  recipient: { customerId: 'c1', phone: phone ?? undefined, language: 'zh-CN' },
  ...over,
});

const isPermanent = (code: string) => (e: unknown) => e instanceof PermanentError && e.code === code;

test('sends the SMS text in the customer language with the signature; the same key is sent once', async (t) => {
  const { gateway, channel, logs } = await setup(t);
  const receipt = await channel.send(msg({ recipient: { customerId: 'c1', phone: '+86 138-1234-5678', language: 'zh-CN' } }));
  assert.deepEqual(receipt, { channel: 'sms', providerId: 'sms_1' });
  assert.deepEqual(gateway.sent.map((s) => [s.to, s.text, s.sender, s.idempotencyKey]), [[PHONE, '【小熊杂货铺】您的订单SO1已发货。物流：顺丰 SF100', '小熊杂货铺', 'order:SO1:shipped']]);
  const again = await channel.send(msg());
  assert.equal(again.providerId, 'sms_1');
  assert.equal(gateway.deliveryCount('order:SO1:shipped'), 1);
  const en = await channel.send(msg({ key: 'order:SO2:paid', orderId: 'SO2', template: 'paid', vars: { shop: 'Bear Goods' }, recipient: { customerId: 'c2', phone: '+14155550100', language: 'en' } }));
  assert.equal(en.providerId, 'sms_2');
  assert.equal(gateway.sent[1]?.text, '[Bear Goods] Payment received for order SO2. We are getting it ready.');
  const text = logs.text();
  assert.ok(!text.includes(API_KEY) && !text.includes(PHONE) && text.includes('+86138****5678'));
});

test('an invalid number is PermanentError recipient.unreachable; other 4xx are sms.rejected', async (t) => {
  const { gateway, channel } = await setup(t);
  gateway.markInvalid('+8613900000000');
  await assert.rejects(channel.send(msg({}, '+8613900000000')), isPermanent('recipient.unreachable'));
  gateway.failNext({ status: 422, error: 'opted_out' }, { status: 422, error: 'text_too_long' });
  await assert.rejects(channel.send(msg()), isPermanent('recipient.unreachable'));
  await assert.rejects(channel.send(msg()), isPermanent('sms.rejected'));
  assert.equal(gateway.sent.length, 0);
});

test('429 with Retry-After is RetryableError with retryAfterMs; 5xx and a dropped connection are retryable', async (t) => {
  const { gateway, channel } = await setup(t);
  gateway.failNext({ status: 429, retryAfter: '30' }, { status: 429, retryAfter: 'Mon, 01 Jun 2026 12:02:00 GMT' }, { status: 500 }, { status: 'drop' });
  await assert.rejects(channel.send(msg()), (e: unknown) => e instanceof RetryableError && e.code === 'sms.rate_limited' && e.retryAfterMs === 30_000);
  await assert.rejects(channel.send(msg()), (e: unknown) => e instanceof RetryableError && e.retryAfterMs === 120_000);
  await assert.rejects(channel.send(msg()), (e: unknown) => e instanceof RetryableError && e.code === 'sms.unavailable');
  await assert.rejects(channel.send(msg()), (e: unknown) => e instanceof RetryableError && e.code === 'sms.network');
  await channel.send(msg());
  assert.equal(gateway.deliveryCount('order:SO1:shipped'), 1);
});

test('a wrong key is channel.auth_failed and the key is only ever sent in the Authorization header', async (t) => {
  const { channel, gateway } = await setup(t, 'not-the-key-000000');
  const err = await channel.send(msg()).then(() => undefined, (e: unknown) => e);
  assert.ok(isPermanent('channel.auth_failed')(err));
  assert.ok(!JSON.stringify(err).includes('not-the-key-000000') && !String(err).includes('not-the-key-000000'));
  assert.deepEqual(gateway.authHeaders, ['Bearer not-the-key-000000']);
});

test('canReach needs a usable phone; a message without one is unreachable', async (t) => {
  const { channel, gateway } = await setup(t);
  assert.equal(channel.canReach({ customerId: 'c', language: 'en' }), false);
  assert.equal(channel.canReach({ customerId: 'c', phone: 'n/a', language: 'en' }), false);
  assert.equal(channel.canReach({ customerId: 'c', phone: '+34 600 000 000', language: 'es' }), true);
  await assert.rejects(channel.send(msg({}, null)), isPermanent('recipient.unreachable'));
  assert.equal(gateway.calls, 0);
  assert.equal(normalizePhone('(415) 555-0100'), '4155550100');
});
