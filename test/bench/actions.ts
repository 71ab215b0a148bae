// Button-click benchmark: the real Slack route (Bolt + our receiver on our HttpServer) takes 200 concurrent
// signed block_actions. Each click does what a real one does after the ack: look the order up, build and render
// a card, chat.update it. "Slack" (the fake Web API and the load generator) runs on a worker thread, as it is
// remote in reality; latency is what Slack would see: request sent → HTTP answer received.
import { encodeActionId } from '../../src/adapters/slack/action-id.ts';
import { createSlackAdapter } from '../../src/adapters/slack/index.ts';
import type { ActionEvent, PostedRef } from '../../src/core/chat.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import type { PeerCommand, PeerReply, PeerRequest } from '../fakes/slack-bench-peer.ts';
import { interactiveBody, signSlackBody } from '../fakes/slack-requests.ts';
import { benchOrderCard, percentile, startBenchPeer } from './click-bench.ts';

const SECRET = 'bench-signing-secret';
const CHANNEL = 'C0BENCH01';
const CARDS = 20;
const WARMUP_ROUNDS = 3;

/** The "Slack" worker: sends a command, resolves with the first reply of the wanted kind. */
/** Runs the benchmark and prints `{"bench":"actions","requests":N,"p50_ms":…,"p99_ms":…}` last. */
export async function runActionsBench(requests = Number(process.env.BENCH_REQUESTS ?? 200)): Promise<Record<string, number | string>> {
  const peer = startBenchPeer<PeerCommand, PeerReply>('slack-bench-peer.ts');
  const ready = await peer.ask(undefined, 'ready');
  const log = createSilentLogger();
  const server = new HttpServer(log);
  const adapter = createSlackAdapter({ botToken: ready.botToken, signingSecret: SECRET, apiUrl: ready.apiUrl, server, clock: systemClock, log });
  try {
    const addr = await server.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${addr.port}/slack/events`;
    const clicks = new Map<string, number>();
    let handled = 0;
    await adapter.start(async (event) => {
      if (event.kind !== 'action') return;
      const e = event as ActionEvent;
      const n = (clicks.get(e.value) ?? 0) + 1;
      clicks.set(e.value, n);
      if (e.message) await adapter.update(e.message, benchOrderCard(e.value, n % 2 ? 'stuck' : 'shipped', n));
      handled += 1;
    });
    const refs: PostedRef[] = [];
    for (let i = 0; i < CARDS; i++) refs.push(await adapter.post(CHANNEL, benchOrderCard(`A${i}`, 'stuck', 0)));

    const click = (i: number): PeerRequest => {
      const ref = refs[i % CARDS] as PostedRef;
      const body = interactiveBody({
        type: 'block_actions',
        user: { id: `U${String(i % 37).padStart(8, '0')}`, username: 'bench', team_id: 'T0FAKE01' },
        team: { id: 'T0FAKE01', domain: 'bench' },
        api_app_id: 'A0FAKE01',
        trigger_id: `trigger.${i}`,
        container: { type: 'message', message_ts: ref.messageId, channel_id: CHANNEL, is_ephemeral: false },
        channel: { id: CHANNEL, name: 'bench' },
        message: { type: 'message', ts: ref.messageId, text: 'card' },
        response_url: `${ready.url}/hooks/none`,
        actions: [{ action_id: encodeActionId('order.refresh', 0), block_id: 'b', type: 'button', value: `A${i % CARDS}`, action_ts: `${1_700_000_000 + i}.${i}` }],
      });
      const ts = String(Math.floor(Date.now() / 1000));
      return { body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackBody(SECRET, ts, body) } };
    };
    // Warm-up: a long-running bot answers with a warm JIT and connection pool, so three bursts go first.
    // The first (cold) burst's p99 is still reported on stderr.
    let coldP99 = 0;
    for (let round = 0; round < WARMUP_ROUNDS; round++) {
      const warm = await peer.ask({ cmd: 'fire', url, requests: Array.from({ length: requests }, (_v, i) => click((round + 1) * 1_000_000 + i)) }, 'fired');
      if (round === 0) coldP99 = percentile(warm.results.map((r) => r.ms).sort((a, b) => a - b), 99);
      await adapter.idle();
    }
    handled = 0;
    const updatesBefore = (await peer.ask({ cmd: 'count', method: 'chat.update' }, 'count')).n;

    const batch = Array.from({ length: requests }, (_v, i) => click(i));
    const started = performance.now();
    const { results } = await peer.ask({ cmd: 'fire', url, requests: batch }, 'fired');
    const wallMs = performance.now() - started;
    await adapter.idle();
    const bad = results.filter((a) => a.status !== 200);
    if (bad.length > 0) throw new Error(`${bad.length} requests failed, e.g. ${bad[0]?.status} ${bad[0]?.text}`);
    const updates = (await peer.ask({ cmd: 'count', method: 'chat.update' }, 'count')).n - updatesBefore;
    if (handled !== requests || updates !== requests) throw new Error(`handled ${handled}, chat.update ${updates}, expected ${requests}`);

    const sorted = results.map((a) => a.ms).sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    console.error(
      `actions: ${requests} concurrent clicks answered in ${round(wallMs)} ms wall; max ${round(sorted.at(-1) ?? 0)} ms; ` +
        `${updates} cards updated after the acks; cold first burst p99 ${round(coldP99)} ms`,
    );
    const result = { bench: 'actions', requests, p50_ms: round(percentile(sorted, 50)), p99_ms: round(percentile(sorted, 99)) };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await adapter.stop();
    await server.close();
    await peer.ask({ cmd: 'close' }, 'closed');
    await peer.worker.terminate();
  }
}
