// A WeCom test rig: the fake API, our HttpServer with the real adapter on it (real SQLite adapterState), and a
// requester that plays WeCom's side of the callback URL. Inbound events are recorded, or go to `handler`.
import type { TestContext } from 'node:test';
import { createWeComAdapter, type WeComAdapter } from '../../src/adapters/wecom/index.ts';
import type { WeComAdapterOptions } from '../../src/adapters/wecom/options.ts';
import type { InboundEvent, InboundHandler } from '../../src/core/chat.ts';
import { systemClock, type Clock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import type { Store } from '../../src/store/index.ts';
import { tempStore } from '../helpers/temp.ts';
import { FakeWeComApi, type FakeWeComOptions } from './wecom-api.ts';
import { WeComRequester } from './wecom-requests.ts';

/** The callback Token and EncodingAESKey of the rig (the official vectors' values). */
export const RIG_TOKEN = 'QDG6eK';
export const RIG_AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
export const RIG_CORP = 'wx5823bf96d3bd56c7';
export const RIG_AGENT = 1000002;

/** What a rig gives a test. */
export interface WeComRig {
  fake: FakeWeComApi;
  adapter: WeComAdapter;
  server: HttpServer;
  store: Store;
  wecom: WeComRequester;
  events: InboundEvent[];
  clock: Clock;
}

/** Options of a rig. */
export interface WeComRigOptions {
  clock?: Clock;
  handler?: InboundHandler;
  store?: Store;
  fake?: FakeWeComOptions;
  adapter?: Partial<WeComAdapterOptions>;
  /** Do not start the adapter (the hub will). */
  noStart?: boolean;
}

/** Starts a rig; everything is closed when the test ends. */
export async function startWeComRig(t: TestContext, opts: WeComRigOptions = {}): Promise<WeComRig> {
  const clock = opts.clock ?? systemClock;
  const fake = await FakeWeComApi.start({ corpId: RIG_CORP, now: () => clock.now(), ...opts.fake });
  const store = opts.store ?? (await tempStore(t)).store;
  const log = createSilentLogger();
  const server = new HttpServer(log);
  const adapter = createWeComAdapter({
    corpId: RIG_CORP,
    agentId: RIG_AGENT,
    secret: fake.secret,
    token: RIG_TOKEN,
    encodingAesKey: RIG_AES_KEY,
    apiBase: fake.apiBase,
    webhookKey: fake.webhookKey,
    cardUrl: 'https://orderops.example/console',
    server,
    state: store.adapterState,
    clock,
    log,
    retry: { baseMs: 5, maxMs: 20 },
    ...opts.adapter,
  });
  const addr = await server.listen(0, '127.0.0.1');
  const events: InboundEvent[] = [];
  if (!opts.noStart) await adapter.start(opts.handler ?? (async (e) => void events.push(e)));
  t.after(async () => {
    await adapter.stop();
    await server.close();
    await fake.close();
  });
  const wecom = new WeComRequester(`http://127.0.0.1:${addr.port}/wecom/callback`, { token: RIG_TOKEN, encodingAesKey: RIG_AES_KEY, receiveId: RIG_CORP }, clock);
  return { fake, adapter, server, store, wecom, events, clock };
}

/** The key of the rendered button whose action is `actionId` on card `taskId`, as the fake holds it. */
export function renderedKey(fake: FakeWeComApi, taskId: string, actionId: string): string {
  const buttons = (fake.card(taskId)?.card?.button_list ?? []) as { key?: string }[];
  const key = buttons.map((b) => b.key ?? '').find((k) => k.split('~')[1] === actionId);
  if (!key) throw new Error(`no rendered button for ${actionId} on ${taskId}`);
  return key;
}
