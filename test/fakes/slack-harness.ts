// Test harness: the fake Slack API, our HttpServer on 127.0.0.1:0, the real adapter (real Bolt) with a
// recording handler, and a requester that signs like Slack. Everything is closed when the test ends.
import type { TestContext } from 'node:test';
import { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from '../../src/adapters/slack/index.ts';
import type { InboundEvent, InboundHandler, Responder } from '../../src/core/chat.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import { FakeSlackApi } from './slack-api.ts';
import { SkippingClock } from './slack-clock.ts';
import { SlackRequester } from './slack-requests.ts';

/** The signing secret of the official test vector, used throughout. */
export const SLACK_TEST_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

/** What a test gets. */
export interface SlackHarness {
  fake: FakeSlackApi;
  server: HttpServer;
  adapter: SlackAdapter;
  clock: SkippingClock;
  slack: SlackRequester;
  events: InboundEvent[];
  responders: Responder[];
  /** The recording handler (to start the adapter later when `start: false`). */
  handler: InboundHandler;
  /** Resolves once at least `n` events reached the handler (fails after `ms`). */
  waitForEvents(n: number, ms?: number): Promise<InboundEvent[]>;
}

/** Starts everything; `handler` runs after each event is recorded. */
export async function startSlackHarness(
  t: TestContext,
  opts: { handler?: InboundHandler; now?: number; adapter?: Partial<SlackAdapterOptions>; start?: boolean } = {},
): Promise<SlackHarness> {
  const fake = await FakeSlackApi.start();
  const log = createSilentLogger();
  const server = new HttpServer(log);
  const clock = new SkippingClock(opts.now ?? Date.now());
  const adapter = createSlackAdapter({ botToken: fake.botToken, signingSecret: SLACK_TEST_SECRET, apiUrl: fake.apiUrl, server, clock, log, ...opts.adapter });
  const addr = await server.listen(0, '127.0.0.1');
  // One hook, in dependency order: stop the adapter (waits for handlers), then our server, then the fake.
  t.after(async () => {
    await adapter.stop();
    await server.close();
    await fake.close();
  });
  const events: InboundEvent[] = [];
  const responders: Responder[] = [];
  let wake: (() => void) | undefined;
  const handler: InboundHandler = async (event, respond) => {
    events.push(event);
    responders.push(respond);
    wake?.();
    await opts.handler?.(event, respond);
  };
  if (opts.start !== false) await adapter.start(handler);
  const waitForEvents = async (n: number, ms = 3000): Promise<InboundEvent[]> => {
    const deadline = Date.now() + ms;
    while (events.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} events, got ${events.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return events;
  };
  const slack = new SlackRequester(`http://127.0.0.1:${addr.port}/slack/events`, SLACK_TEST_SECRET, clock);
  return { fake, server, adapter, clock, slack, events, responders, handler, waitForEvents };
}
