// A fake SMS gateway on 127.0.0.1 implementing the contract documented in src/notify/channels/sms.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted answer for the next call. */
export type FakeSmsFailure = { status: 429; retryAfter?: string } | { status: 500 } | { status: 422; error: string } | { status: 'drop' };

/** One SMS the fake handed to a handset. */
export interface FakeSms {
  id: string;
  to: string;
  text: string;
  sender: string | undefined;
  idempotencyKey: string;
}

/** The fake gateway and what it saw. */
export class FakeSmsGateway {
  readonly sent: FakeSms[] = [];
  calls = 0;
  /** Authorization header values seen (to prove the key travels only there). */
  readonly authHeaders: string[] = [];
  private readonly byKey = new Map<string, FakeSms>();
  private readonly script: FakeSmsFailure[] = [];
  private readonly invalid = new Set<string>();
  private server: Server | undefined;
  private seq = 0;
  url = '';

  constructor(private readonly apiKey: string) {}

  /** Starts listening on a free port. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops the server. */
  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** The next calls answer like this, one entry per call. */
  failNext(...failures: FakeSmsFailure[]): void {
    this.script.push(...failures);
  }

  /** Numbers the carrier reports as not in service. */
  markInvalid(phone: string): void {
    this.invalid.add(phone);
  }

  /** How many SMS went out under this idempotency key. */
  deliveryCount(idempotencyKey: string): number {
    return this.sent.filter((s) => s.idempotencyKey === idempotencyKey).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/messages') return json(res, 404, { error: 'not_found' });
    this.calls++;
    const auth = req.headers.authorization ?? '';
    this.authHeaders.push(auth);
    if (auth !== `Bearer ${this.apiKey}`) return json(res, 401, { error: 'unauthorized' });
    const scripted = this.script.shift();
    if (scripted?.status === 'drop') return void res.socket?.destroy();
    if (scripted?.status === 429) return json(res, 429, { error: 'rate_limited' }, scripted.retryAfter ? { 'retry-after': scripted.retryAfter } : {});
    if (scripted?.status === 500) return json(res, 500, { error: 'internal' });
    if (scripted?.status === 422) return json(res, 422, { error: scripted.error });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return json(res, 400, { error: 'invalid_json' });
    }
    const { to, text, idempotency_key: key, sender } = body;
    if (typeof to !== 'string' || typeof text !== 'string' || typeof key !== 'string' || text === '') return json(res, 400, { error: 'invalid_request' });
    if (req.headers['idempotency-key'] !== key) return json(res, 400, { error: 'idempotency_key_mismatch' });
    const previous = this.byKey.get(key);
    if (previous) return json(res, 200, { id: previous.id });
    if (!/^\+?\d{6,15}$/.test(to) || this.invalid.has(to)) return json(res, 422, { error: 'invalid_number', message: 'number not in service' });
    const sms: FakeSms = { id: `sms_${++this.seq}`, to, text, sender: typeof sender === 'string' ? sender : undefined, idempotencyKey: key };
    this.byKey.set(key, sms);
    this.sent.push(sms);
    json(res, 201, { id: sms.id });
  }
}

/** Starts a fake SMS gateway that accepts `apiKey`. */
export function startFakeSmsGateway(apiKey: string): Promise<FakeSmsGateway> {
  return new FakeSmsGateway(apiKey).start();
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
