// The receiver's guarantees that real Bolt never exercises: Slack gets its empty 200 before Bolt runs (so a slow,
// stuck or failing Bolt never delays or changes the answer), Bolt still gets every acknowledged delivery, and a Bolt
// failure after the ack is logged with the delivery it concerned, never lost silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { App, ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';
import { SlackHttpReceiver } from '../../../src/adapters/slack/receiver.ts';
import { PacedStarter } from '../../../src/adapters/slack/work-queue.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { HttpServer } from '../../../src/http/server.ts';
import { captureLog } from '../../notify/channels/log-capture.ts';
import { SkippingClock } from '../../fakes/slack-clock.ts';
import { SLACK_TEST_SECRET, startSlackHarness } from '../../fakes/slack-harness.ts';
import { SlackRequester } from '../../fakes/slack-requests.ts';

async function receiverWith(t: import('node:test').TestContext, processEvent: (e: ReceiverEvent) => Promise<void>, log: Logger = createSilentLogger()) {
  const clock = new SkippingClock(Date.now());
  const inflight = new Set<Promise<void>>();
  const receiver = new SlackHttpReceiver({ signingSecret: SLACK_TEST_SECRET, clock, log, maxBodyBytes: 64 * 1024, mainCommand: 'orderops', starter: new PacedStarter(), inflight });
  receiver.init({ processEvent } as unknown as App);
  await receiver.start();
  // The last request's response, so a test can see whether it was already answered when Bolt got the delivery.
  const last: { res?: import('node:http').ServerResponse } = {};
  const server = new HttpServer(log).route('POST', '/slack/events', (ctx) => {
    last.res = ctx.res;
    return receiver.handle(ctx);
  });
  const addr = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  const idle = async (): Promise<void> => {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  };
  return { slack: new SlackRequester(`http://127.0.0.1:${addr.port}/slack/events`, SLACK_TEST_SECRET, clock), idle, answered: () => last.res?.writableEnded === true };
}

test('Slack gets an empty 200 before Bolt runs, even when Bolt never finishes; Bolt still gets the delivery', async (t) => {
  const seen: ReceiverEvent[] = [];
  const answeredFirst: boolean[] = [];
  const rig = await receiverWith(t, (e) => {
    seen.push(e);
    answeredFirst.push(rig.answered());
    return new Promise<void>(() => undefined);
  });
  const r = await rig.slack.slash('/order', 'A1');
  assert.deepEqual([r.status, r.text], [200, '']);
  while (seen.length === 0) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(answeredFirst, [true], 'the answer was written before Bolt was handed the delivery');
  assert.equal((seen[0]?.body as { command?: string }).command, '/order');
  await seen[0]?.ack({ text: 'ignored' });
});

test('a Bolt failure after the ack is logged with the delivery it concerned; the answer stays 200', async (t) => {
  const cap = captureLog();
  const { slack, idle } = await receiverWith(
    t,
    async () => {
      throw new Error('bolt broke');
    },
    cap.log,
  );
  assert.equal((await slack.slash('/order', 'A1')).status, 200);
  await idle();
  const line = cap.lines.map((l) => JSON.parse(l) as { msg: string; err?: string; kinds?: string[] }).find((l) => l.msg === 'bolt failed on an acknowledged slack delivery');
  assert.ok(line, cap.text());
  assert.match(line.err ?? '', /bolt broke/);
  assert.deepEqual(line.kinds, ['command']);
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
