// The receiver's guarantees that real Bolt never exercises: an answer within the deadline even when Bolt
// never acknowledges, and an honest 500 when Bolt fails before acknowledging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { App, ReceiverEvent } from '@slack/bolt';
import { SlackHttpReceiver } from '../../../src/adapters/slack/receiver.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { HttpServer } from '../../../src/http/server.ts';
import { SkippingClock } from '../../fakes/slack-clock.ts';
import { SLACK_TEST_SECRET, startSlackHarness } from '../../fakes/slack-harness.ts';
import { SlackRequester } from '../../fakes/slack-requests.ts';

async function receiverWith(t: import('node:test').TestContext, processEvent: (e: ReceiverEvent) => Promise<void>) {
  const log = createSilentLogger();
  const clock = new SkippingClock(Date.now());
  const receiver = new SlackHttpReceiver({ signingSecret: SLACK_TEST_SECRET, clock, log, maxBodyBytes: 64 * 1024, ackDeadlineMs: 150, mainCommand: 'orderops' });
  receiver.init({ processEvent } as unknown as App);
  await receiver.start();
  const server = new HttpServer(log).route('POST', '/slack/events', receiver.handle);
  const addr = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  return new SlackRequester(`http://127.0.0.1:${addr.port}/slack/events`, SLACK_TEST_SECRET, clock);
}

test('when Bolt never acknowledges, Slack still gets 200 at the deadline', async (t) => {
  const slack = await receiverWith(t, () => new Promise<void>(() => undefined));
  const r = await slack.slash('/order', 'A1');
  assert.equal(r.status, 200);
  assert.ok(r.ms >= 140 && r.ms < 2000, `answered after ${r.ms} ms`);
});

test('the ack body is the HTTP answer; a failure before the ack is 500; finishing without an ack is 200', async (t) => {
  const acked = await receiverWith(t, async (e) => e.ack({ text: 'on it' }));
  const r = await acked.slash('/order', 'A1');
  assert.deepEqual([r.status, JSON.parse(r.text)], [200, { text: 'on it' }]);
  const failing = await receiverWith(t, async () => {
    throw new Error('bolt broke');
  });
  assert.equal((await failing.slash('/order', 'A1')).status, 500);
  const silent = await receiverWith(t, async () => undefined);
  assert.equal((await silent.slash('/order', 'A1')).status, 200);
});

test('a retry of a delivery we did not acknowledge (503 before start) is processed', async (t) => {
  const h = await startSlackHarness(t, { start: false });
  const mention = { type: 'event_callback', event_id: 'Ev0LATE01', event: { type: 'app_mention', user: 'U0ALICE01', text: '<@UBOT0001> help', channel: 'C0OPS0001', ts: '1.2' } };
  assert.equal((await h.slack.event(mention)).status, 503);
  await h.adapter.start(h.handler);
  assert.equal((await h.slack.event(mention, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' })).status, 200);
  const [event] = await h.waitForEvents(1);
  assert.equal(event?.dedupeKey, 'Ev0LATE01');
});
