// A local fake of shop systems that speak plain REST/JSON, on 127.0.0.1: each system (a path prefix) lists its
// orders, can be taken down (503), and takes amount writes (price corrections), recording every request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One order as a fake system serves it. */
export interface FakeOrder {
  id: string;
  status: string;
  updatedAt: number;
  amount: number;
  currency: string;
  lines?: { sku: string; qty: number; price: number }[];
  /** The order's discount and shipping fee, when the system says them. */
  discount?: number;
  shipping?: number;
}

/** One fake system's state and what it was asked. */
export interface FakeSystemState {
  orders: Map<string, FakeOrder>;
  /** While true every request is answered 503. */
  down: boolean;
  /** GETs of the order list (pulls). */
  pulls: number;
  /** Bodies of amount writes, in order. */
  priceWrites: { orderId: string; body: unknown }[];
}

/** The running fake: `system(name)` is served under `/<name>/...`. */
export interface FakeOrderSystems {
  baseUrl: string;
  system(name: string): FakeSystemState;
  /** http-json source options for system `name` (fields, no retries); `extra` is merged in. */
  options(name: string, extra?: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

function readBody(req: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** Starts the fake; `now` stamps amount writes (a write is a change the next pull must see). */
export async function startFakeOrderSystems(now: () => number): Promise<FakeOrderSystems> {
  const systems = new Map<string, FakeSystemState>();
  const system = (name: string): FakeSystemState => {
    let s = systems.get(name);
    if (!s) {
      s = { orders: new Map(), down: false, pulls: 0, priceWrites: [] };
      systems.set(name, s);
    }
    return s;
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const [, name = '', collection, id, action] = url.pathname.split('/');
      const s = system(name);
      const send = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (s.down) return send(503, { error: 'unavailable' });
      if (collection !== 'orders') return send(404, { error: 'not_found' });
      if (req.method === 'GET' && id === undefined) {
        s.pulls++;
        return send(200, { orders: [...s.orders.values()] });
      }
      if (req.method === 'POST' && id !== undefined && action === 'price') {
        const orderId = decodeURIComponent(id);
        const body: unknown = JSON.parse(await readBody(req));
        s.priceWrites.push({ orderId, body });
        const order = s.orders.get(orderId);
        const amount = (body as { price?: { amount?: unknown } }).price?.amount;
        if (!order) return send(404, { error: 'not_found' });
        if (typeof amount !== 'number') return send(400, { error: 'amount missing' });
        s.orders.set(orderId, { ...order, amount, updatedAt: Math.max(now(), order.updatedAt + 1) });
        return send(200, s.orders.get(orderId));
      }
      return send(404, { error: 'not_found' });
    })().catch((err: unknown) => void res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    system,
    options: (name, extra = {}) => ({
      url: `${baseUrl}/${name}/orders`,
      recordsPath: '$.orders',
      fields: {
        orderId: '$.id',
        status: '$.status',
        updatedAt: '$.updatedAt',
        updatedAtFormat: 'epoch_ms',
        amount: '$.amount',
        currency: '$.currency',
        discount: '$.discount',
        shipping: '$.shipping',
        items: { path: '$.lines[*]', sku: '$.sku', qty: '$.qty', price: '$.price' },
      },
      retries: 0,
      timeoutMs: 2000,
      ...extra,
    }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
