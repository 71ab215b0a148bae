import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ManualClock } from '../../../src/core/clock.ts';
import { PermanentError, RetryableError } from '../../../src/core/errors.ts';
import type { Language } from '../../../src/core/i18n.ts';
import type { CustomerMessage } from '../../../src/core/notify.ts';
import { createWeChatTemplateChannel, type WeChatAlert, type WeChatTemplateChannelOptions } from '../../../src/notify/channels/wechat-template.ts';
import { startFakeWeChatApi, type FakeTemplate } from '../../fakes/wechat-api.ts';
import { captureLog } from './log-capture.ts';

const APP_ID = 'wx1234567890abcdef';
const SECRET = 'app-secret-0123456789abcdef';
const OPENID = 'oia2TjuEGTNoeX76QEjQNrcURxG8';
const FIXTURE = new URL('../../fixtures/platform-payloads/wechat-template-send-request.json', import.meta.url);

const FAKE_TEMPLATES: FakeTemplate[] = [
  { id: 'TPL_SHIPPED', fields: { character_string1: 'character_string', thing2: 'thing', phrase3: 'phrase', time4: 'time' } },
  { id: 'TPL_PRICE', fields: { thing1: 'thing', amount2: 'amount' } },
];
const TEMPLATES: WeChatTemplateChannelOptions['templates'] = {
  shipped: {
    templateId: 'TPL_SHIPPED',
    url: 'https://shop.example/orders/{{orderId}}',
    fields: {
      character_string1: { from: 'orderId', type: 'character_string' },
      thing2: { from: 'detail', type: 'thing' },
      phrase3: { from: 'status', type: 'phrase' },
      time4: { from: 'sentAt', type: 'time' },
    },
  },
  ask_price: { templateId: 'TPL_PRICE', fields: { thing1: { from: 'item', type: 'thing' }, amount2: { from: 'newAmount', type: 'amount' } } },
  // Our settings say thing, the real template says phrase: only WeChat can tell.
  delivered: { templateId: 'TPL_SHIPPED', fields: { character_string1: { from: 'orderId', type: 'character_string' }, thing2: { from: 'detail', type: 'thing' }, phrase3: { from: 'orderId', type: 'thing' }, time4: { from: 'sentAt', type: 'time' } } },
  refunded: { templateId: 'TPL_GONE', fields: { thing1: { from: 'detail', type: 'thing' } } },
};

async function setup(t: TestContext, over: Partial<WeChatTemplateChannelOptions> = {}) {
  const clock = new ManualClock();
  const fake = await startFakeWeChatApi({ appId: APP_ID, appSecret: SECRET, templates: FAKE_TEMPLATES, now: () => clock.now() });
  t.after(() => fake.close());
  const alerts: WeChatAlert[] = [];
  const logs = captureLog();
  const channel = createWeChatTemplateChannel({
    appId: APP_ID,
    appSecret: SECRET,
    apiBase: fake.url,
    templates: TEMPLATES,
    clock,
    log: logs.log,
    onAlert: (a) => alerts.push(a),
    ...over,
  });
  return { clock, fake, channel, alerts, logs };
}

let seq = 0;
function msg(over: Partial<CustomerMessage> & { language?: Language; openid?: string | undefined } = {}): CustomerMessage {
  const { language, openid, ...rest } = over;
  return {
    key: `order:SO${++seq}:shipped`,
    orderId: `SO2026060100${seq}`,
    template: 'shipped',
    vars: {},
    urgent: false,
    ...rest,
    recipient: { customerId: 'c1', openid: 'openid' in over ? openid : OPENID, language: language ?? 'zh-CN', ...rest.recipient },
  };
}

const isPermanent = (code: string) => (e: unknown) => e instanceof PermanentError && e.code === code;
const isRetryable = (code: string) => (e: unknown) => e instanceof RetryableError && e.code === code;

test('sends the current body shape with typed keywords filled, returns the msgid, never logs a secret or token', async (t) => {
  const { fake, channel, logs } = await setup(t);
  const m = msg();
  const receipt = await channel.send(m);
  const d = fake.delivered[0];
  assert.ok(d);
  assert.deepEqual(receipt, { channel: 'wechat_template', providerId: String(d.msgid) });
  assert.deepEqual(d.data, { character_string1: m.orderId, thing2: '包裹已发出', phrase3: '已发货', time4: '2026-01-01 08:00' });
  assert.equal(d.clientMsgId, m.key);
  assert.equal(d.url, `https://shop.example/orders/${m.orderId}`);
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
  const sent = fake.sendBodies[0] ?? {};
  for (const key of Object.keys(sent)) assert.ok(key in fixture, `${key} is a field of the current request shape`);
  for (const v of Object.values(sent.data as Record<string, object>)) assert.deepEqual(Object.keys(v), ['value'], 'no color, no first/remark');
  const logged = logs.text();
  assert.ok(!logged.includes(SECRET) && !logged.includes('TOKEN_1'), 'secret and token stay out of logs');
  assert.ok(!logged.includes(OPENID), 'openid masked');
});

test('the token is cached until 5 minutes before expiry, then fetched again without forcing', async (t) => {
  const { fake, channel, clock } = await setup(t);
  await channel.send(msg());
  await channel.send(msg());
  assert.deepEqual(fake.tokenRequests, [{ force: false }]);
  clock.advance((7200 - 300) * 1000 - 1);
  await channel.send(msg());
  assert.equal(fake.tokenRequests.length, 1);
  clock.advance(1);
  await channel.send(msg());
  assert.deepEqual(fake.tokenRequests, [{ force: false }, { force: false }]);
  assert.equal(fake.delivered.length, 4);
});

test('concurrent senders share one token request', async (t) => {
  const { fake, channel } = await setup(t);
  const receipts = await Promise.all(Array.from({ length: 6 }, () => channel.send(msg())));
  assert.equal(fake.tokenRequests.length, 1);
  assert.equal(new Set(receipts.map((r) => r.providerId)).size, 6);
});

for (const code of [40014, 42001, 40001] as const) {
  test(`${code}: one forced refresh, the send retried once and delivered`, async (t) => {
    const { fake, channel } = await setup(t);
    await channel.send(msg());
    fake.rejectCurrentToken(code);
    const before = fake.sendCalls;
    await channel.send(msg());
    assert.deepEqual(fake.tokenRequests, [{ force: false }, { force: true }]);
    assert.equal(fake.sendCalls - before, 2);
    assert.equal(fake.delivered.length, 2);
  });
}

test('concurrent senders hit by a rejected token share one forced refresh', async (t) => {
  const { fake, channel } = await setup(t);
  await channel.send(msg());
  fake.rejectCurrentToken(40014);
  await Promise.all(Array.from({ length: 4 }, () => channel.send(msg())));
  assert.deepEqual(fake.tokenRequests, [{ force: false }, { force: true }]);
  assert.equal(fake.delivered.length, 5);
});

test('a token rejected again after the refresh is retryable, not retried forever', async (t) => {
  const { fake, channel } = await setup(t);
  fake.failNext(40014, 40014);
  await assert.rejects(channel.send(msg()), isRetryable('wechat.token_rejected'));
  assert.equal(fake.sendCalls, 2);
  assert.equal(fake.delivered.length, 0);
});

test('client_msg_id: the same key is delivered once, even when the first answer was lost', async (t) => {
  const { fake, channel } = await setup(t);
  const m = msg();
  fake.failNext('lost_reply');
  await assert.rejects(channel.send(m), (e: unknown) => e instanceof RetryableError);
  const again = await channel.send(m);
  const third = await channel.send(m);
  assert.equal(fake.deliveryCount(m.key), 1);
  assert.equal(again.providerId, third.providerId);
  const long = msg({ key: `order:${'x'.repeat(80)}:shipped/with spaces` });
  await channel.send(long);
  await channel.send(long);
  const ids = fake.sendBodies.slice(-2).map((b) => String(b.client_msg_id));
  assert.equal(ids[0], ids[1]);
  assert.ok((ids[0] ?? '').length <= 64 && /^h-[0-9a-f]+$/.test(ids[0] ?? ''), ids[0]);
  assert.equal(fake.deliveryCount(ids[0] ?? ''), 1);
});

test('error codes: 43004/40003 unreachable, 43117/-1/500/network retryable', async (t) => {
  const { fake, channel, alerts } = await setup(t);
  fake.failNext(43004, 40003, 43117, -1, 'http500', 'drop');
  await assert.rejects(channel.send(msg()), isPermanent('recipient.unreachable'));
  await assert.rejects(channel.send(msg()), isPermanent('recipient.unreachable'));
  await assert.rejects(channel.send(msg()), (e: unknown) => isRetryable('wechat.too_frequent')(e) && (e as RetryableError).retryAfterMs === 60_000);
  await assert.rejects(channel.send(msg()), isRetryable('wechat.busy'));
  for (const code of ['http.500', 'http.network']) {
    const err = await channel.send(msg()).then(() => undefined, (e: unknown) => e);
    assert.ok(isRetryable(code)(err), String(err));
    assert.ok(!String(err).includes('TOKEN_') && String(err).includes('access_token=***'), 'the token is redacted from errors');
  }
  assert.equal(fake.delivered.length, 0);
  assert.deepEqual(alerts, []);
  fake.failFor('o-not-following', 43004);
  await assert.rejects(channel.send(msg({ openid: 'o-not-following' })), isPermanent('recipient.unreachable'));
  await channel.send(msg());
  assert.equal(fake.delivered.length, 1);
});

test('47003 and 40037 from WeChat: template.rejected and an alert about the template', async (t) => {
  const { fake, channel, alerts } = await setup(t);
  await assert.rejects(channel.send(msg({ template: 'delivered' })), isPermanent('template.rejected'));
  await assert.rejects(channel.send(msg({ template: 'refunded' })), isPermanent('template.rejected'));
  assert.equal(fake.delivered.length, 0);
  assert.equal(alerts.length, 2);
  const [a1, a2] = alerts;
  assert.ok(a1?.kind === 'template' && a1.errcode === 47003 && a1.templateId === 'TPL_SHIPPED' && a1.template === 'delivered');
  assert.match(a1.message, /argument invalid! data\.phrase3\.value invalid/);
  assert.ok(a2?.kind === 'template' && a2.errcode === 40037 && a2.templateId === 'TPL_GONE');
});

test('45009: the channel pauses until the next midnight in Shanghai, alerts once, then resumes', async (t) => {
  const { fake, channel, alerts, clock } = await setup(t);
  fake.failNext(45009);
  await assert.rejects(channel.send(msg()), isPermanent('channel.paused'));
  const resetAt = Date.UTC(2026, 0, 1, 16, 0, 0); // 2026-01-02 00:00 in Asia/Shanghai
  assert.equal(channel.pausedUntil(), resetAt);
  assert.deepEqual(alerts.map((a) => a.kind), ['quota']);
  assert.ok(alerts[0]?.kind === 'quota' && alerts[0].pausedUntil === resetAt);
  assert.equal(channel.canReach({ customerId: 'c', openid: OPENID, language: 'zh-CN' }), false);
  const calls = fake.sendCalls;
  await assert.rejects(channel.send(msg()), isPermanent('channel.paused'));
  assert.equal(fake.sendCalls, calls, 'nothing sent while paused');
  clock.advance(resetAt - clock.now() - 1);
  assert.equal(channel.canReach({ customerId: 'c', openid: OPENID, language: 'zh-CN' }), false);
  clock.advance(1);
  assert.equal(channel.canReach({ customerId: 'c', openid: OPENID, language: 'zh-CN' }), true);
  assert.equal(channel.pausedUntil(), undefined);
  await channel.send(msg());
  assert.equal(fake.delivered.length, 1);
  assert.equal(alerts.length, 1);
});

test('typed keywords: a long thing is truncated, an amount normalised; an unfixable value is never sent', async (t) => {
  const { fake, channel, alerts } = await setup(t);
  const item = '超大号加厚保温不锈钢真空双层咖啡杯礼盒装限量版套装';
  await channel.send(msg({ template: 'ask_price', vars: { item, oldAmount: '¥39', newAmount: 'CNY 1,049.00' } }));
  const d = fake.delivered[0];
  assert.equal(d?.data.thing1, `${[...item].slice(0, 19).join('')}…`);
  assert.equal([...(d?.data.thing1 ?? '')].length, 20);
  assert.equal(d?.data.amount2, '¥1049.00');
  const calls = fake.sendCalls;
  await assert.rejects(channel.send(msg({ orderId: '订单123' })), isPermanent('template.invalid_field'));
  await assert.rejects(channel.send(msg({ orderId: 'X'.repeat(33) })), isPermanent('template.invalid_field'));
  await assert.rejects(channel.send(msg({ template: 'ask_price', vars: { item: 'Mug', oldAmount: '1', newAmount: 'about ten' } })), isPermanent('template.invalid_field'));
  // English parts cannot fill a phrase keyword…
  await assert.rejects(channel.send(msg({ language: 'en' })), isPermanent('template.invalid_field'));
  assert.equal(fake.sendCalls, calls, 'nothing was sent');
  assert.deepEqual(alerts.map((a) => (a.kind === 'field' ? `${a.field}:${a.fieldType}` : a.kind)), ['character_string1:character_string', 'character_string1:character_string', 'amount2:amount', 'phrase3:phrase']);
});

test('language option: WeChat parts in Chinese for every recipient when the templates are Chinese', async (t) => {
  const { fake, channel } = await setup(t, { language: 'zh-CN' });
  await channel.send(msg({ language: 'en' }));
  assert.equal(fake.delivered[0]?.data.phrase3, '已发货');
});

test('canReach needs an openid; missing openid or template mapping are permanent', async (t) => {
  const { channel, fake } = await setup(t);
  assert.equal(channel.canReach({ customerId: 'c', language: 'en' }), false);
  assert.equal(channel.canReach({ customerId: 'c', openid: OPENID, language: 'en' }), true);
  await assert.rejects(channel.send(msg({ openid: undefined })), isPermanent('recipient.unreachable'));
  await assert.rejects(channel.send(msg({ template: 'paid' })), isPermanent('template.not_configured'));
  assert.equal(fake.sendCalls, 0);
});

test('wrong app secret: channel.auth_failed plus an auth alert, and the secret appears nowhere', async (t) => {
  const { channel, alerts, logs, fake } = await setup(t, { appSecret: 'wrong-secret-value-123456' });
  const err = await channel.send(msg()).then(
    () => assert.fail('should fail'),
    (e: unknown) => e,
  );
  assert.ok(isPermanent('channel.auth_failed')(err));
  assert.deepEqual(alerts.map((a) => a.kind), ['auth']);
  const everything = `${String(err)} ${JSON.stringify(err)} ${JSON.stringify(alerts)} ${logs.text()}`;
  assert.ok(!everything.includes('wrong-secret-value-123456') && !everything.includes(SECRET));
  assert.equal(fake.sendCalls, 0);
});

test('template settings are validated up front', () => {
  const clock = new ManualClock();
  const base = { appId: APP_ID, appSecret: SECRET, clock, log: captureLog().log };
  assert.throws(() => createWeChatTemplateChannel({ ...base, templates: { shipped: { templateId: 'T', fields: {} } } }), /wechat|template/i);
  assert.throws(() => createWeChatTemplateChannel({ ...base, templates: JSON.parse('{"shipped":{"templateId":"T","fields":{"k":{"from":"orderId","type":"colour"}}}}') as WeChatTemplateChannelOptions['templates'] }));
});
