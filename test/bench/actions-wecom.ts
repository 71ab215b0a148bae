// WeCom benchmark. 1) Button clicks: the real route (our HttpServer, the WeCom adapter, real SQLite adapterState)
// takes 200 concurrent encrypted and signed template_card_event clicks; each click does what a real one does after
// the ack (keep its response code, render the new card, update_template_card with a code). "WeCom" (the fake API
// and the load generator) runs on a worker thread, as it is remote in reality; latency is request sent → HTTP
// answer received. 2) Cards rendered and posted per second to the fake with rate limits off. Each figure is also
// given as a ratio to a baseline measured in the same run: a bare node:http round trip (same peer, same bodies).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWeComAdapter } from '../../src/adapters/wecom/index.ts';
import type { ActionEvent, PostedRef } from '../../src/core/chat.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import { Store } from '../../src/store/index.ts';
import type { PeerClick, PeerCommand, PeerReply } from '../fakes/wecom-bench-peer.ts';
import { benchOrderCard, percentile, postRate, startBaselineServer, startBenchPeer } from './click-bench.ts';

const KEYS = { token: 'benchToken', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiveId: 'wwBENCHCORP01' };
const CARDS = 20;
const WARMUP_ROUNDS = 3;
const POSTS = 1000;
const POST_CONCURRENCY = 50;

const round = (n: number): number => Math.round(n * 10) / 10;

/** Runs the benchmark and prints `{"bench":"actions-wecom",…}` last. */
export async function runWeComActionsBench(requests = Number(process.env.BENCH_REQUESTS ?? 200)): Promise<Record<string, number | string>> {
  const peer = startBenchPeer<PeerCommand, PeerReply>('wecom-bench-peer.ts', KEYS);
  const ready = await peer.ask(undefined, 'ready');
  const dir = mkdtempSync(join(tmpdir(), 'orderops-bench-wecom-'));
  const store = await Store.open(join(dir, 'bench.db'));
  const log = createSilentLogger();
  const server = new HttpServer(log);
  const bare = await startBaselineServer();
  const adapter = createWeComAdapter({
    corpId: KEYS.receiveId, agentId: 1000002, secret: ready.secret, token: KEYS.token, encodingAesKey: KEYS.encodingAesKey,
    apiBase: ready.apiBase, webhookKey: ready.webhookKey, server, state: store.adapterState, clock: systemClock, log,
  });
  try {
    const addr = await server.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${addr.port}/wecom/callback`;
    const clicks = new Map<string, number>();
    const seen = new Map<string, number>();
    let handled = 0;
    let fresh = 0;
    await adapter.start(async (event) => {
      if (event.kind !== 'action') return;
      const e = event as ActionEvent;
      seen.set(e.dedupeKey, (seen.get(e.dedupeKey) ?? 0) + 1);
      const n = (clicks.get(e.value) ?? 0) + 1;
      clicks.set(e.value, n);
      if (e.message && (await adapter.update(e.message, benchOrderCard(e.value, n % 2 ? 'stuck' : 'shipped', n)))) fresh += 1;
      handled += 1;
    });
    const refs: PostedRef[] = [];
    for (let i = 0; i < CARDS; i++) refs.push(await adapter.post('benchuser', benchOrderCard(`A${i}`, 'stuck', 0)));
    const click = (i: number): PeerClick => {
      const ref = refs[i % CARDS] as PostedRef;
      return { from: `user${i % 37}`, taskId: ref.messageId, key: `0~order.refresh~A${i % CARDS}`, createTime: 1_700_000_000 + i };
    };
    // Warm-up: a long-running bot answers with a warm JIT and connection pool; the cold burst's p99 goes to stderr.
    let coldP99 = 0;
    for (let r = 0; r < WARMUP_ROUNDS; r++) {
      const warm = await peer.ask({ cmd: 'fire', url, clicks: Array.from({ length: requests }, (_v, i) => click((r + 1) * 1_000_000 + i)) }, 'fired');
      if (r === 0) coldP99 = percentile(warm.results.map((x) => x.ms).sort((a, b) => a - b), 99);
      await adapter.idle();
    }
    const baseline = (await peer.ask({ cmd: 'bare', url: bare.url, n: requests }, 'fired')).results.map((x) => x.ms).sort((a, b) => a - b);
    handled = 0;
    fresh = 0;
    seen.clear();
    const updatesBefore = (await peer.ask({ cmd: 'count', path: '/cgi-bin/message/update_template_card' }, 'count')).n;
    const started = performance.now();
    const { results } = await peer.ask({ cmd: 'fire', url, clicks: Array.from({ length: requests }, (_v, i) => click(i)) }, 'fired');
    const wallMs = performance.now() - started;
    await adapter.idle();
    const bad = results.filter((a) => a.status !== 200);
    if (bad.length > 0) throw new Error(`${bad.length} requests failed, e.g. HTTP ${bad[0]?.status}`);
    const updates = (await peer.ask({ cmd: 'count', path: '/cgi-bin/message/update_template_card' }, 'count')).n - updatesBefore;
    const twice = [...seen.values()].filter((n) => n !== 1).length;
    if (handled !== requests || seen.size !== requests || twice > 0 || updates !== requests || fresh !== 0) {
      throw new Error(`handled ${handled}, distinct ${seen.size}, repeated ${twice}, update_template_card ${updates}, fresh ${fresh}; expected ${requests} each once, in place`);
    }
    const sorted = results.map((a) => a.ms).sort((a, b) => a - b);

    // Cards rendered + posted per second, the hub's rate limits off (adapter.post directly, 50 at a time).
    const sendsBefore = (await peer.ask({ cmd: 'count', path: '/cgi-bin/message/send' }, 'count')).n;
    let next = 0;
    const postStarted = performance.now();
    await Promise.all(Array.from({ length: POST_CONCURRENCY }, async () => {
      for (let i = next++; i < POSTS; i = next++) await adapter.post(`user${i % 97}`, benchOrderCard(`P${i}`, 'stuck', 0));
    }));
    const cardsPerSecond = POSTS / ((performance.now() - postStarted) / 1000);
    const sends = (await peer.ask({ cmd: 'count', path: '/cgi-bin/message/send' }, 'count')).n - sendsBefore;
    if (sends !== POSTS) throw new Error(`message/send accepted ${sends} of ${POSTS}`);
    const sample = JSON.stringify({ touser: 'u', msgtype: 'template_card', agentid: 1, template_card: benchOrderCard('P1', 'stuck', 0) });
    const bareRps = await postRate(bare.url, sample, POSTS, POST_CONCURRENCY);

    console.error(
      `actions-wecom: ${requests} concurrent clicks answered in ${round(wallMs)} ms wall; max ${round(sorted.at(-1) ?? 0)} ms; ${updates} cards updated in place after the acks; ` +
        `cold first burst p99 ${round(coldP99)} ms; bare node:http p50 ${round(percentile(baseline, 50))} ms p99 ${round(percentile(baseline, 99))} ms; ` +
        `${Math.round(cardsPerSecond)} cards/s posted vs ${Math.round(bareRps)} bare round trips/s`,
    );
    const result = {
      bench: 'actions-wecom',
      requests,
      p50_ms: round(percentile(sorted, 50)),
      p99_ms: round(percentile(sorted, 99)),
      baseline_p50_ms: round(percentile(baseline, 50)),
      baseline_p99_ms: round(percentile(baseline, 99)),
      p50_ratio: round(percentile(sorted, 50) / percentile(baseline, 50)),
      p99_ratio: round(percentile(sorted, 99) / percentile(baseline, 99)),
      cards_per_s: Math.round(cardsPerSecond),
      baseline_round_trips_per_s: Math.round(bareRps),
      cards_ratio: Math.round((cardsPerSecond / bareRps) * 100) / 100,
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await adapter.stop();
    await server.close();
    await bare.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await peer.ask({ cmd: 'close' }, 'closed');
    await peer.worker.terminate();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runWeComActionsBench();
