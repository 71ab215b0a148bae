import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSlackAdapter, slackOptionsFromEnv } from '../../../src/adapters/slack/index.ts';
import { card } from '../../../src/core/card.ts';
import { PermanentError, RetryableError, UserError } from '../../../src/core/errors.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { HttpServer } from '../../../src/http/server.ts';
import { SkippingClock } from '../../fakes/slack-clock.ts';
import { startSlackHarness } from '../../fakes/slack-harness.ts';

const CH = 'C0OPS0001';
const pending = card().header('A1 needs a decision', 'warning').text('Paid **¥88.50**, stock 0').actions([{ actionId: 'task.approve', label: 'Approve', value: 'A1', style: 'primary' }]).build();
const done = card().header('A1 approved by alice', 'success').text('Refund sent').build();

async function rejects(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

test('post then update: the fake stores the card, and chat.update replaces it in place', async (t) => {
  const h = await startSlackHarness(t);
  const ref = await h.adapter.post(CH, pending);
  assert.equal(ref.platform, 'slack');
  assert.equal(ref.channelId, CH);
  const stored = h.fake.message(CH, ref.messageId);
  assert.equal(stored?.text, 'A1 needs a decision');
  assert.equal((stored?.blocks[0] as { type: string }).type, 'header');
  assert.equal(h.fake.callsTo('chat.postMessage')[0]?.token, h.fake.botToken);

  await h.adapter.update(ref, done);
  const updated = h.fake.message(CH, ref.messageId);
  assert.equal(updated?.edits, 1);
  assert.equal(updated?.text, 'A1 approved by alice');
  assert.equal(JSON.stringify(updated?.blocks).includes('task.approve'), false, 'the buttons are gone');
  assert.match(JSON.stringify(updated?.blocks), /:white_check_mark: A1 approved by alice/);
});

test('a 429 with Retry-After is waited out, then the post succeeds', async (t) => {
  const h = await startSlackHarness(t);
  h.fake.failNext('chat.postMessage', { error: 'ratelimited', retryAfter: 2 });
  const ref = await h.adapter.post(CH, 'hello');
  assert.ok(h.fake.message(CH, ref.messageId));
  const calls = h.fake.callsTo('chat.postMessage');
  assert.deepEqual(calls.map((c) => c.status), [429, 200]);
  assert.ok((h.clock.sleeps[0] ?? 0) >= 2000, `slept ${String(h.clock.sleeps[0])} ms`);
});

test('the app-level rate_limited error (HTTP 200 + Retry-After) is retried too', async (t) => {
  const h = await startSlackHarness(t);
  h.fake.failNext('chat.update', { error: 'rate_limited', retryAfter: 1, status: 200 });
  const ref = await h.adapter.post(CH, pending);
  await h.adapter.update(ref, done);
  assert.deepEqual(h.fake.callsTo('chat.update').map((c) => (c.response as { ok: boolean }).ok), [false, true]);
  assert.ok(h.clock.sleeps.some((ms) => ms >= 1000));
});

test('rate limiting that outlasts the retries surfaces as RetryableError with its code and Retry-After', async (t) => {
  const h = await startSlackHarness(t, { adapter: { retry: { retries: 2 } } });
  h.fake.failNext('chat.postMessage', { error: 'ratelimited', retryAfter: 3, times: 5 });
  const err = await rejects(h.adapter.post(CH, 'hello'));
  assert.ok(err instanceof RetryableError);
  assert.equal(err.code, 'ratelimited');
  assert.equal(err.retryAfterMs, 3000);
  assert.equal(h.fake.callsTo('chat.postMessage').length, 3);
});

test('permanent errors keep Slack’s code and are not retried', async (t) => {
  const h = await startSlackHarness(t);
  h.fake.removeChannel('C0GONE001');
  const gone = await rejects(h.adapter.post('C0GONE001', 'hello'));
  assert.ok(gone instanceof PermanentError);
  assert.equal(gone.code, 'channel_not_found');
  assert.equal(h.fake.callsTo('chat.postMessage').length, 1);

  const missing = await rejects(h.adapter.update({ platform: 'slack', channelId: CH, messageId: '1.000001' }, done));
  assert.ok(missing instanceof PermanentError);
  assert.equal(missing.code, 'message_not_found');
  const foreign = h.fake.seedMessage(CH);
  const cant = await rejects(h.adapter.update({ platform: 'slack', channelId: CH, messageId: foreign }, done));
  assert.equal((cant as PermanentError).code, 'cant_update_message');

  const blocks = Array.from({ length: 26 }, (_v, i) => ({ type: 'button', text: { type: 'plain_text', text: `b${i}` }, action_id: `a${i}` }));
  const invalid = await rejects(h.adapter.api.post(CH, { text: 'x', blocks: [{ type: 'actions', elements: blocks }] as never }));
  assert.equal((invalid as PermanentError).code, 'invalid_blocks');
  assert.equal(h.fake.callsTo('chat.update').length, 2);
});

test('5xx: chat.update (idempotent) is retried; chat.postMessage is not resent, it may have been taken', async (t) => {
  const h = await startSlackHarness(t);
  const ref = await h.adapter.post(CH, pending);
  h.fake.failNext('chat.update', { error: 'internal_error', status: 503 });
  await h.adapter.update(ref, done);
  assert.deepEqual(h.fake.callsTo('chat.update').map((c) => c.status), [503, 200]);

  h.fake.failNext('chat.postMessage', { error: 'internal_error', status: 500 });
  const err = await rejects(h.adapter.post(CH, 'hello'));
  assert.ok(err instanceof RetryableError);
  assert.equal(err.code, 'http_500');
  assert.equal(h.fake.callsTo('chat.postMessage').length, 2);
});

test('an unreachable API is a retryable connect_failed after bounded retries', async (t) => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const clock = new SkippingClock(Date.now());
  const log = createSilentLogger();
  const adapter = createSlackAdapter({ botToken: 'xoxb-x', signingSecret: 's', apiUrl: `http://127.0.0.1:${port}/api`, server: new HttpServer(log), clock, log, retry: { retries: 2 } });
  t.after(() => adapter.stop());
  const err = await rejects(adapter.post(CH, 'hello'));
  assert.ok(err instanceof RetryableError);
  assert.equal(err.code, 'connect_failed');
  assert.equal(clock.sleeps.length, 2);
});

test('start checks the token: a wrong one is PermanentError invalid_auth', async (t) => {
  const h = await startSlackHarness(t, { start: false, adapter: { botToken: 'xoxb-wrong' } });
  const err = await rejects(h.adapter.start(async () => undefined));
  assert.ok(err instanceof PermanentError);
  assert.equal(err.code, 'invalid_auth');
});

test('slackOptionsFromEnv: off without a bot token, HTTP or Socket Mode, refuses half a configuration', () => {
  assert.equal(slackOptionsFromEnv({}), undefined);
  assert.deepEqual(slackOptionsFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9/api/' }), {
    botToken: 'xoxb-1',
    signingSecret: 's',
    appToken: undefined,
    apiUrl: 'http://127.0.0.1:9/api/',
  });
  assert.equal(slackOptionsFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })?.appToken, 'xapp-1');
  assert.throws(() => slackOptionsFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1' }), UserError);
  assert.throws(() => slackOptionsFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' }), UserError);
});
