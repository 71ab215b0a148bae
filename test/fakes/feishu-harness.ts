// Test harness: the fake Feishu, our HttpServer on 127.0.0.1:0, the real adapter (real SDK) with a recording
// handler, and a requester that signs and encrypts like Feishu. Every test gets its own app id (the SDK keys
// token caches by app id). Everything is closed when the test ends.
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { createFeishuAdapter, type FeishuAdapter, type FeishuAdapterOptions } from '../../src/adapters/feishu/index.ts';
import type { InboundEvent, InboundHandler, Responder } from '../../src/core/chat.ts';
import type { Clock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import { FakeFeishuApi } from './feishu-api.ts';
import { FeishuRequester } from './feishu-requests.ts';
import { SkippingClock } from './slack-clock.ts';

/** The verification token used throughout. */
export const FEISHU_TEST_TOKEN = 'vt-orderops-test-0123456789';

/** A fresh app id of the form the SDK's long connection accepts (cli_ + 16 hex). */
export function freshAppId(): string {
  return `cli_${randomBytes(8).toString('hex')}`;
}

/** What a test gets. */
export interface FeishuHarness {
  fake: FakeFeishuApi;
  server: HttpServer;
  adapter: FeishuAdapter;
  clock: Clock;
  feishu: FeishuRequester;
  events: InboundEvent[];
  responders: Responder[];
  waitForEvents(n: number, ms?: number): Promise<InboundEvent[]>;
}

/** Starts everything; `handler` runs after each event is recorded. */
export async function startFeishuHarness(
  t: TestContext,
  opts: { handler?: InboundHandler; encryptKey?: string; clock?: Clock; adapter?: Partial<FeishuAdapterOptions>; start?: boolean } = {},
): Promise<FeishuHarness> {
  const appId = freshAppId();
  const fake = await FakeFeishuApi.start({ appId });
  const log = createSilentLogger();
  const server = new HttpServer(log);
  const clock = opts.clock ?? new SkippingClock(Date.now());
  const adapter = createFeishuAdapter({
    appId,
    appSecret: fake.appSecret,
    verificationToken: FEISHU_TEST_TOKEN,
    encryptKey: opts.encryptKey,
    apiBase: fake.url,
    server,
    clock,
    log,
    ...opts.adapter,
  });
  const addr = await server.listen(0, '127.0.0.1');
  t.after(async () => {
    await adapter.stop();
    await server.close();
    await fake.close();
  });
  const events: InboundEvent[] = [];
  const responders: Responder[] = [];
  const handler: InboundHandler = async (event, respond) => {
    events.push(event);
    responders.push(respond);
    await opts.handler?.(event, respond);
  };
  if (opts.start !== false) await adapter.start(handler);
  const waitForEvents = async (n: number, ms = 3000): Promise<InboundEvent[]> => {
    const deadline = Date.now() + ms;
    while (events.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} events, got ${events.length}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return events;
  };
  const feishu = new FeishuRequester(`http://127.0.0.1:${addr.port}/feishu/events`, { appId, verificationToken: FEISHU_TEST_TOKEN, encryptKey: opts.encryptKey, clock });
  return { fake, server, adapter, clock, feishu, events, responders, waitForEvents };
}
