// Notify benchmark: (a) 100,000 notifications through the dispatcher to a local fake WeChat API, rate limits off;
// (b) 200 status changes/s for 30 s pushed through the order webhook route, each timed from the POST until the fake
// WeChat API receives its message. Prints one JSON line at the end.
//
// Until `BatchInput.afterWrite` exists, (b) enqueues from a SyncListener.onBatch (the notifier's `syncListener`):
// right after the batch commits, in its own transaction. Once the hook is in, pass `notifier.afterWrite` instead.
// The fake WeChat API runs in a child process (this file, started with ORDEROPS_NOTIFY_BENCH_FAKE=1), as a real
// provider would be elsewhere: it reports each delivery (client_msg_id, wall-clock time of receipt) over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { systemClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { NormalizedRecord } from '../../src/core/order.ts';
import { HttpServer } from '../../src/http/server.ts';
import { registerOrderWebhook } from '../../src/http/webhook-route.ts';
import { createWeChatTemplateChannel } from '../../src/notify/channels/wechat-template.ts';
import { createNotifier, type Notifier } from '../../src/notify/index.ts';
import { enqueueForChanges } from '../../src/notify/outbox.ts';
import { DEFAULT_NOTIFY_SETTINGS, type NotifySettings } from '../../src/notify/settings.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { Store } from '../../src/store/index.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { createWebhookSource, signWebhookBody } from '../../src/sync/sources/webhook.ts';
import { FakeWeChatApi, type FakeDelivery } from '../fakes/wechat-api.ts';

const APP = { appId: 'wx-bench', appSecret: 'bench-secret-0123456789' };
const FIELDS = { character_string1: { from: 'orderId', type: 'character_string' }, thing2: { from: 'detail', type: 'thing' }, time3: { from: 'sentAt', type: 'time' } } as const;
const TEMPLATES = { paid: { templateId: 'TPL_BENCH', fields: { ...FIELDS } }, shipped: { templateId: 'TPL_BENCH', fields: { ...FIELDS } } };
const SECRET = 'whsec-bench-0123456789';
const FAKE_ENV = 'ORDEROPS_NOTIFY_BENCH_FAKE';

/** Wall-clock milliseconds with sub-millisecond precision, comparable between the two processes. */
const wallNow = (): number => performance.timeOrigin + performance.now();

/** An array that reports each push: the fake pushes a delivery the moment it takes it. */
class Watched<T> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  onPush: ((item: T) => void) | undefined;
  override push(...items: T[]): number {
    const n = super.push(...items);
    for (const item of items) this.onPush?.(item);
    return n;
  }
}

/** The fake WeChat API with a hook on each delivery. */
class WatchedWeChatApi extends FakeWeChatApi {
  override readonly delivered: Watched<FakeDelivery> = new Watched<FakeDelivery>();
}

const FromFake = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.string() }),
  z.object({ type: z.literal('delivered'), items: z.array(z.tuple([z.string(), z.number()])) }),
  z.object({ type: z.literal('stats'), sendCalls: z.number() }),
]);

/** Child side: serve the fake and report deliveries in small batches. */
async function serveFake(): Promise<void> {
  const fake = new WatchedWeChatApi({ ...APP, templates: [{ id: 'TPL_BENCH', fields: { character_string1: 'character_string', thing2: 'thing', time3: 'time' } }] });
  let batch: [string, number][] = [];
  fake.delivered.onPush = (d) => {
    if (batch.length === 0) setImmediate(() => {
      process.send?.({ type: 'delivered', items: batch });
      batch = [];
    });
    batch.push([d.clientMsgId ?? '', wallNow()]);
  };
  process.on('message', (m: unknown) => {
    if (m === 'stats') process.send?.({ type: 'stats', sendCalls: fake.sendCalls });
    if (m === 'exit') void fake.close().then(() => process.exit(0));
  });
  // The parent went away (killed, crashed): do not linger.
  process.on('disconnect', () => process.exit(0));
  await fake.start();
  process.send?.({ type: 'ready', url: fake.url });
}

if (process.env[FAKE_ENV] === '1') await serveFake();

/** Parent side: the fake in its child process, and what it reported. */
class RemoteFake {
  /** Deliveries per client_msg_id. */
  readonly counts = new Map<string, number>();
  onDelivery: ((key: string, at: number) => void) | undefined;
  private statsWaiter: ((n: number) => void) | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (raw: unknown) => {
      const m = FromFake.parse(raw);
      if (m.type === 'delivered') {
        for (const [key, at] of m.items) {
          this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
          this.onDelivery?.(key, at);
        }
      } else if (m.type === 'stats') this.statsWaiter?.(m.sendCalls);
    });
  }

  static start(): Promise<RemoteFake> {
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, [FAKE_ENV]: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('message', (raw: unknown) => {
        const m = FromFake.parse(raw);
        if (m.type === 'ready') resolve(new RemoteFake(child, m.url));
        else reject(new Error('fake did not start'));
      });
    });
  }

  /** Template send calls the fake answered (including repeats it dropped). */
  sendCalls(): Promise<number> {
    return new Promise((resolve) => {
      this.statsWaiter = resolve;
      this.child.send('stats');
    });
  }

  /** Waits until `n` deliveries arrived (or `ms` passed). */
  async until(n: number, ms: number): Promise<void> {
    const deadline = performance.now() + ms;
    const total = (): number => [...this.counts.values()].reduce((a, c) => a + c, 0);
    while (total() < n && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  /** Lost keys and extra deliveries among `keys`. */
  tally(keys: readonly string[]): { lost: number; duplicates: number } {
    let lost = 0;
    let duplicates = 0;
    for (const k of keys) {
      const n = this.counts.get(k) ?? 0;
      if (n === 0) lost++;
      duplicates += Math.max(0, n - 1);
    }
    return { lost, duplicates };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send('exit');
    });
  }
}

function settings(concurrency: number): NotifySettings {
  return { ...DEFAULT_NOTIFY_SETTINGS, defaultChain: ['wechat_template'], quietHours: { ...DEFAULT_NOTIFY_SETTINGS.quietHours, enabled: false }, rateLimits: {}, concurrency, pollSeconds: 0.2 };
}

function notifierFor(store: Store, fake: RemoteFake, concurrency: number): Notifier {
  const log = createSilentLogger();
  const wechat = createWeChatTemplateChannel({ ...APP, apiBase: fake.url, templates: TEMPLATES, clock: systemClock, log });
  return createNotifier({ db: store.db, channels: [wechat], settings: settings(concurrency), clock: systemClock, log });
}

function record(i: number, status: 'paid' | 'shipped', now: number, prefix: string): NormalizedRecord {
  const id = `${prefix}${String(i).padStart(7, '0')}`;
  return { orderId: id, system: 'oms', status, rawStatus: status, updatedAt: now, customer: { id: `C${id}`, openid: `o${id.padEnd(27, 'x')}`, language: 'zh-CN', timeZone: 'Asia/Shanghai', preferredChannel: 'wechat' } };
}

async function throughput(dir: string, fake: RemoteFake, total: number, concurrency: number): Promise<{ sendsPerS: number; lost: number; duplicates: number }> {
  const store = await Store.open(join(dir, 'throughput.db'));
  try {
    const now = Date.now();
    const authority = readDefaultSettings().authority;
    for (let start = 0, run = 1; start < total; start += 5000, run++) {
      const records = Array.from({ length: Math.min(5000, total - start) }, (_v, j) => record(start + j, 'shipped', now, 'T'));
      await store.db.transaction(async () => {
        const result = await store.applyBatch({ runId: run, source: 'oms', system: 'oms', now, authority, records });
        await enqueueForChanges(store.db, result.canonicalChanges, now);
      });
    }
    const keys = (await store.db.all<{ key: string }>('SELECT key FROM notify_outbox')).map((r) => r.key);
    if (keys.length !== total) throw new Error(`enqueued ${keys.length} of ${total}`);
    const notifier = notifierFor(store, fake, concurrency);
    const calls = await fake.sendCalls();
    const t0 = performance.now();
    const stats = await notifier.drain();
    const seconds = (performance.now() - t0) / 1000;
    await fake.until(total, 10_000);
    console.log(`(a) ${stats.sent} notifications sent in ${seconds.toFixed(2)} s, concurrency ${concurrency} (${(await fake.sendCalls()) - calls} API calls)`);
    return { sendsPerS: Math.round(total / seconds), ...fake.tally(keys) };
  } finally {
    await store.close();
  }
}

// The load generator posts with node:http and a keep-alive agent: cheaper than fetch, so the bench measures the
// server more than its own client (both share this process).
const postAgent = new Agent({ keepAlive: true, maxSockets: 64 });
function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent: postAgent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: 0, text: err.message }));
    });
    // A refused or reset connection is reported as status 0, never thrown: the run goes on and counts it.
    req.on('error', (err) => resolve({ status: 0, text: err.message }));
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function endToEnd(dir: string, fake: RemoteFake, rate: number, seconds: number, concurrency: number): Promise<{ p50: number; p99: number; lost: number; duplicates: number }> {
  const store = await Store.open(join(dir, 'e2e.db'));
  const log = createSilentLogger();
  const base = readDefaultSettings();
  const appSettings = { ...base, sources: [{ name: 'oms', kind: 'webhook' as const, enabled: true, mapping: ['english-common'], options: { secretEnv: 'BENCH_OMS_SECRET' } }] };
  const cfg = appSettings.sources[0];
  if (!cfg) throw new Error('no source');
  const source = createWebhookSource(cfg, { env: { BENCH_OMS_SECRET: SECRET }, dataDir: dir, clock: systemClock, log });
  const notifier = notifierFor(store, fake, concurrency);
  const engine = new SyncEngine({ store, settings: () => appSettings, sources: new Map([['oms', source]]), clock: systemClock, log, listeners: [notifier.syncListener] });
  const server = new HttpServer(log);
  registerOrderWebhook(server, { engine, log, clock: systemClock, maxBytes: () => 64 * 1024, source: (n) => (n === 'oms' ? source : undefined) });
  const addr = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${addr.port}/webhooks/orders/oms`;
  const total = Math.round(rate * seconds);
  try {
    // The orders exist (paid, already told) before the run; the run moves each to shipped through the webhook.
    const now = Date.now();
    for (let start = 0, run = 1; start < total; start += 5000, run++) {
      const records = Array.from({ length: Math.min(5000, total - start) }, (_v, j) => record(start + j, 'paid', now - 60_000, 'E'));
      await store.applyBatch({ runId: run, source: 'oms', system: 'oms', now, authority: appSettings.authority, records });
    }
    const postedAt = new Map<string, number>();
    const latency: number[] = [];
    fake.onDelivery = (key, at) => {
      const posted = postedAt.get(key);
      if (posted !== undefined) latency.push(at - posted);
    };
    notifier.start();
    const failures: string[] = [];
    const posts: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const r = record(i, 'shipped', Date.now(), 'E');
      const body = JSON.stringify({ orders: [{ order_id: r.orderId, status: 'shipped', updated_at: r.updatedAt, customer: { id: r.customer?.id, openid: r.customer?.openid, language: 'zh-CN', time_zone: 'Asia/Shanghai', preferred_channel: 'wechat' } }] });
      postedAt.set(`${r.orderId}:shipped:shipped`, wallNow());
      posts.push(
        post(url, body, { 'x-orderops-signature': signWebhookBody(body, SECRET), 'x-orderops-event-id': `evt-${i}` }).then((res) => {
          if (res.status !== 200) failures.push(`${res.status} ${res.text}`);
        }),
      );
    }
    await Promise.all(posts);
    const postedFor = performance.now() - t0;
    const deadline = performance.now() + 30_000;
    while (latency.length < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await notifier.stop();
    fake.onDelivery = undefined;
    if (failures.length > 0) console.log(`(b) ${failures.length} webhook POSTs failed, first: ${failures[0]}`);
    const sorted = [...latency].sort((a, b) => a - b);
    const p50 = Math.round(percentile(sorted, 50) * 10) / 10;
    const p99 = Math.round(percentile(sorted, 99) * 10) / 10;
    console.log(`(b) ${total} status changes POSTed in ${(postedFor / 1000).toFixed(1)} s (${rate}/s); e2e p50 ${p50} ms, p99 ${p99} ms, max ${Math.round(sorted[sorted.length - 1] ?? NaN)} ms`);
    return { p50, p99, ...fake.tally([...postedAt.keys()]) };
  } finally {
    postAgent.destroy();
    await server.close();
    await engine.stop();
    await store.close();
  }
}

/** Runs both parts and prints the result line. */
export async function runNotifyBench(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'orderops-notify-bench-'));
  const concurrency = Number(process.env.BENCH_NOTIFY_CONCURRENCY ?? 64);
  const fake = await RemoteFake.start();
  try {
    const a = await throughput(dir, fake, Number(process.env.BENCH_NOTIFY_MESSAGES ?? 100_000), concurrency);
    const b = await endToEnd(dir, fake, Number(process.env.BENCH_NOTIFY_RATE ?? 200), Number(process.env.BENCH_NOTIFY_SECONDS ?? 30), concurrency);
    const result = { bench: 'notify', sends_per_s: a.sendsPerS, e2e_p50_ms: b.p50, e2e_p99_ms: b.p99, lost: a.lost + b.lost, duplicates: a.duplicates + b.duplicates };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
