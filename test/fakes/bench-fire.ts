// The load generator's one request: node:http with keep-alive (fetch costs several times more CPU per request, and
// the peer thread must emit a burst faster than the server answers it, or the benchmark measures the generator).
import { Agent, request } from 'node:http';

/** One request a peer sends. */
export interface PeerRequest {
  body: string;
  headers: Record<string, string>;
}

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** POSTs `r` to `url`; resolves with the status, the time to the answer and its text. */
export function fireBenchRequest(url: string, r: PeerRequest): Promise<{ status: number; ms: number; text: string }> {
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

/** Closes the keep-alive sockets (when the peer closes). */
export function closeBenchAgent(): void {
  agent.destroy();
}
