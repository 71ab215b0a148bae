// "Slack" for the actions benchmark, on its own worker thread as it would be on its own machines: the fake
// Web API our adapter calls, and a load generator that fires pre-signed requests at our route concurrently and
// reports each one's latency. Keeping both off the measured event loop means the benchmark times our process.
import { Agent, request } from 'node:http';
import { parentPort } from 'node:worker_threads';
import { FakeSlackApi } from './slack-api.ts';

/** A pre-signed request to fire. */
export interface PeerRequest {
  body: string;
  headers: Record<string, string>;
}

/** Messages the benchmark sends to the peer. */
export type PeerCommand = { cmd: 'fire'; url: string; requests: PeerRequest[] } | { cmd: 'count'; method: string } | { cmd: 'close' };

/** Messages the peer answers with. */
export type PeerReply =
  | { kind: 'ready'; apiUrl: string; url: string; botToken: string }
  | { kind: 'fired'; results: { status: number; ms: number; text: string }[] }
  | { kind: 'count'; n: number }
  | { kind: 'closed' };

// node:http with keep-alive: fetch costs several times more CPU per request, and this thread must be able
// to emit a burst faster than the server answers it, or the benchmark measures the load generator.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

function fire(url: string, r: PeerRequest): Promise<{ status: number; ms: number; text: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: 'POST', agent, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

const port = parentPort;
if (port) {
  const fake = await FakeSlackApi.start();
  const send = (reply: PeerReply): void => port.postMessage(reply);
  port.on('message', (m: PeerCommand) => {
    void (async () => {
      if (m.cmd === 'fire') send({ kind: 'fired', results: await Promise.all(m.requests.map((r) => fire(m.url, r))) });
      else if (m.cmd === 'count') send({ kind: 'count', n: fake.callsTo(m.method).length });
      else {
        agent.destroy();
        await fake.close();
        send({ kind: 'closed' });
      }
    })();
  });
  send({ kind: 'ready', apiUrl: fake.apiUrl, url: fake.url, botToken: fake.botToken });
}
