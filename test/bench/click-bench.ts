// What the click benchmarks share: the card every click renders, the load generator in a worker thread ("the
// platform" is remote in reality, so it must not share the server's event loop), and percentiles.
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { card, type Card } from '../../src/core/card.ts';

/** The card each benchmark click renders and sends: header, fields, a table and two buttons. */
export function benchOrderCard(id: string, status: string, clicks: number): Card {
  return card()
    .header(`Order ${id}: ${status}`, status === 'stuck' ? 'warning' : 'success')
    .fields([
      { label: 'ERP', value: status },
      { label: 'WMS', value: 'packed' },
      { label: 'Clicks', value: String(clicks) },
    ])
    .table(['system', 'status', 'seen'], [['erp', status, '10:00'], ['wms', 'packed', '10:01'], ['shop', 'paid', '09:58']])
    .actions([
      { actionId: 'order.refresh', label: 'Refresh', value: id },
      { actionId: 'task.approve', label: 'Approve', value: id, style: 'primary' },
    ])
    .build();
}

/** Sends a command to the peer and resolves with its first reply of the wanted kind. */
export type PeerAsk<C, R extends { kind: string }> = <K extends R['kind']>(cmd: C | undefined, kind: K) => Promise<Extract<R, { kind: K }>>;

/** Starts a TypeScript peer module (under test/fakes/) in a worker thread. */
export function startBenchPeer<C, R extends { kind: string }>(file: string, workerData?: unknown): { ask: PeerAsk<C, R>; worker: Worker } {
  // A worker does not inherit the tsx loader: register it first, then load the TypeScript peer.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const peer = JSON.stringify(new URL(`../fakes/${file}`, import.meta.url).href);
  const worker = new Worker(`import(${tsx}).then((m) => { m.register(); return import(${peer}); })`, { eval: true, workerData });
  const ask: PeerAsk<C, R> = (cmd, kind) =>
    new Promise((resolve, reject) => {
      const onMessage = (m: R): void => {
        if (m.kind !== kind) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(m as Extract<R, { kind: typeof kind }>);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      if (cmd) worker.postMessage(cmd);
    });
  return { ask, worker };
}

/** The p-th percentile of ascending `sorted` (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** A bare node:http server answering `{}` once it has read the request: the baseline a route is compared with. */
export async function startBaselineServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `n` POSTs of `body` to `url`, `concurrency` at a time over keep-alive; resolves with requests per second. */
export async function postRate(url: string, body: string, n: number, concurrency: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < n) await one();
  }));
  agent.destroy();
  return n / ((performance.now() - started) / 1000);
}
