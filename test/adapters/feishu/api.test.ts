// Error codes through the real SDK against the fake: a fresh card when PATCH is refused for good (230031,
// 230011, 230110) with its reference returned; back-off honouring x-ogw-ratelimit-reset on 429 / 230020 (one
// message thanks to the uuid); one forced token refresh on 99991663; bounded retries; permanent errors kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFeishuCard } from '../../../src/adapters/feishu/render.ts';
import { card } from '../../../src/core/card.ts';
import { PermanentError, RetryableError } from '../../../src/core/errors.ts';
import { startFeishuHarness } from '../../fakes/feishu-harness.ts';
import { SkippingClock } from '../../fakes/slack-clock.ts';

const order = (id: string, state: string) => card().header(`Order ${id}: ${state}`).text(`Order **${id}** is ${state}.`).build();

test('a card Feishu no longer lets us edit is posted afresh and update() returns the new reference', async (t) => {
  const h = await startFeishuHarness(t);
  h.fake.enforceChatRate = false;
  for (const [state, code] of [['expired', 230031], ['recalled', 230011], ['deleted', 230110]] as const) {
    const ref = await h.adapter.post('oc_ops', order('A1', 'new'));
    h.fake.setState(ref.messageId, state);
    const fresh = await h.adapter.update(ref, order('A1', 'shipped'));
    assert.ok(fresh, `${code}: a new reference`);
    assert.notEqual(fresh.messageId, ref.messageId);
    assert.equal(fresh.channelId, 'oc_ops');
    assert.equal(h.fake.messages.get(ref.messageId)?.versions.length, 1, `${code}: the old card is left alone`);
    assert.match(h.fake.messages.get(fresh.messageId)?.versions[0] ?? '', /shipped/);
    assert.equal(h.fake.callsTo('patch').at(-1)?.code, code);
  }
});

test('HTTP 429 (99991400) and 230020 back off for x-ogw-ratelimit-reset, then send once', async (t) => {
  const clock = new SkippingClock(Date.now());
  const h = await startFeishuHarness(t, { clock });
  h.fake.failNext('create', { code: 99991400, reset: 3 });
  h.fake.failNext('create', { code: 230020, reset: 2 });
  const ref = await h.adapter.post('oc_ops', order('A2', 'new'));
  assert.equal(h.fake.callsTo('create').length, 3);
  assert.equal(h.fake.callsTo('create')[0]?.status, 429);
  assert.ok((clock.sleeps[0] ?? 0) >= 3000, `waited the reset (${clock.sleeps.join(',')})`);
  assert.ok((clock.sleeps[1] ?? 0) >= 2000);
  assert.equal(h.fake.messagesIn('oc_ops').length, 1);
  assert.equal(h.fake.messagesIn('oc_ops')[0]?.messageId, ref.messageId);
  h.fake.failNext('patch', { code: 230020, reset: 1 });
  await h.adapter.update(ref, order('A2', 'packed'));
  assert.equal(h.fake.messages.get(ref.messageId)?.versions.length, 2);
});

test('a send whose answer was lost is resent with the same uuid: one message', async (t) => {
  const h = await startFeishuHarness(t);
  await h.adapter.api.post('oc_ops', renderFeishuCard(order('A3', 'new')), 'uuid-fixed-1');
  await h.adapter.api.post('oc_ops', renderFeishuCard(order('A3', 'new')), 'uuid-fixed-1');
  assert.equal(h.fake.messagesIn('oc_ops').length, 1);
  const uuids = new Set([...h.fake.messages.values()].map((m) => m.uuid));
  assert.equal(uuids.size, 1);
});

test('99991663: the token is refreshed once and the call retried once', async (t) => {
  const h = await startFeishuHarness(t);
  const tokensAtStart = h.fake.callsTo('token').length;
  h.fake.revokeTokens();
  await h.adapter.post('oc_ops', order('A4', 'new'));
  assert.equal(h.fake.callsTo('token').length, tokensAtStart + 1, 'one new token');
  assert.equal(h.fake.messagesIn('oc_ops').length, 1);
  // Refused again with the fresh token: no second refresh, the error reaches the caller.
  h.fake.revokeTokens();
  h.fake.failNext('create', { code: 99991663 });
  await assert.rejects(h.adapter.post('oc_ops', order('A5', 'new')), (err: unknown) => err instanceof PermanentError && err.code === 'feishu.99991663');
  assert.equal(h.fake.callsTo('token').length, tokensAtStart + 2);
});

test('retries are bounded, and a permanent error is not retried', async (t) => {
  const h = await startFeishuHarness(t);
  h.fake.failNext('create', { code: 230020, reset: 0, times: 4 });
  await assert.rejects(h.adapter.post('oc_ops', order('A6', 'new')), (err: unknown) => err instanceof RetryableError && err.code === 'feishu.230020');
  assert.equal(h.fake.callsTo('create').length, 4, 'the first try and 3 retries');
  h.fake.failNext('create', { code: 230002 });
  await assert.rejects(h.adapter.post('oc_ops', order('A7', 'new')), (err: unknown) => err instanceof PermanentError && err.code === 'feishu.230002');
  assert.equal(h.fake.callsTo('create').length, 5);
  assert.equal(h.fake.messagesIn('oc_ops').length, 0);
});

test('a wrong app secret fails start with a clear error and no secret in it', async (t) => {
  const h = await startFeishuHarness(t, { start: false, adapter: { appSecret: 'not-the-secret-XYZ' } });
  await assert.rejects(h.adapter.start(async () => undefined), (err: unknown) => err instanceof PermanentError && err.code === 'feishu.auth' && !err.message.includes('not-the-secret-XYZ'));
});
