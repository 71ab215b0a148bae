import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleErp } from './erp-api.ts';
import type { DemoFaults } from './faults.ts';
import { json, type DemoRequest, type DemoResponse } from './http.ts';
import type { DemoSystem } from './plan.ts';
import type { RequestLog } from './request-log.ts';
import type { LeakyBucket } from './shopify-bucket.ts';
import { handleShopify } from './shopify-api.ts';
import { handleWms } from './wms-api.ts';
import type { DemoWorld } from './world.ts';

/** Everything the demo server routes requests to. */
export interface DemoServerDeps {
  world: DemoWorld;
  faults: DemoFaults;
  log: RequestLog;
  bucket: LeakyBucket;
  erpToken: string;
  shopifyToken: string;
}

const MAX_BODY = 64 * 1024;

function systemOf(path: string): DemoSystem | undefined {
  if (path.startsWith('/erp/')) return 'erp';
  if (path.startsWith('/wms/')) return 'wms';
  if (path.startsWith('/shopify/')) return 'storefront';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) return { ok: false };
    chunks.push(buf);
  }
  if (size === 0) return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

function send(res: ServerResponse, out: DemoResponse): void {
  const raw = out.raw ?? JSON.stringify(out.body ?? null);
  res.writeHead(out.status, {
    'content-type': out.raw === undefined ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    ...out.headers,
  });
  res.end(raw);
}

/** Creates the demo's one HTTP server (ERP under /erp, WMS under /wms, Shopify-compatible storefront under /shopify). */
export function createDemoServer(deps: DemoServerDeps, stopping: AbortSignal): Server {
  const answer = async (req: IncomingMessage, system: DemoSystem | undefined, url: URL): Promise<DemoResponse> => {
    if (!system) return json(404, { error: 'not_found' });
    const { world, faults } = deps;
    if (world.isOutage(system) || faults.isDown(system)) return json(503, { error: 'service_unavailable' });
    const fault = faults.take(system);
    if (fault && 'status' in fault) {
      if (fault.status === 429) {
        const headers: Record<string, string> = fault.retryAfterS === undefined ? {} : { 'Retry-After': String(fault.retryAfterS) };
        return json(429, { errors: 'Too Many Requests' }, headers);
      }
      return json(fault.status, { error: `injected ${fault.status}` });
    }
    if (fault && 'garbage' in fault) return { status: 200, raw: '<html><body>upstream reset</body></html>{"data":[{"order_no":' };
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs, undefined, { signal: stopping });
    const body = await readBody(req);
    if (!body.ok) return json(400, { error: 'invalid JSON body' });
    const request: DemoRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: body.body,
      origin: `http://${req.headers.host ?? '127.0.0.1'}`,
      now: world.now(),
    };
    if (system === 'erp') return handleErp(world, deps.erpToken, request);
    if (system === 'wms') return handleWms(world, request);
    return handleShopify(world, deps.shopifyToken, deps.bucket, request);
  };

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const system = systemOf(url.pathname);
    answer(req, system, url)
      .catch((err: unknown) => (stopping.aborted ? json(503, { error: 'stopping' }) : json(500, { error: String(err) })))
      .then((out) => {
        deps.log.add({
          system: system ?? 'unknown',
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          status: out.status,
          at: deps.world.now(),
        });
        if (!res.destroyed) send(res, out);
      })
      .catch(() => res.destroy());
  });
}
