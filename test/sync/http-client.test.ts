// The shared HTTP client (requestJsonOnce / requestJson) against local servers on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ManualClock, systemClock } from '../../src/core/clock.ts';
import { PermanentError, RetryableError } from '../../src/core/errors.ts';
import { MAX_RESPONSE_BYTES, requestJson, requestJsonOnce } from '../../src/sync/http-client.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Local {
  url: string;
  /** TCP connections the server accepted. */
  connections: number;
  /** Requests per path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

async function listen(server: Server, routes: Record<string, Handler>, scheme = 'http'): Promise<Local> {
  const local: Local = { url: '', connections: 0, hits: new Map(), close: () => Promise.resolve() };
  server.on('connection', () => local.connections++);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    local.hits.set(path, (local.hits.get(path) ?? 0) + 1);
    req.resume();
    req.on('end', () => {
      const route = routes[path];
      if (route) route(req, res);
      else json(res, 404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  local.url = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  local.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return local;
}

function serve(routes: Record<string, Handler>): Promise<Local> {
  return listen(createServer(), routes);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

const opts = { clock: systemClock };

/** A turn of the event loop: undici hands a connection back to its pool just after the body ends, so a request
 * started in the very same tick opens a second one (bounded: the pool then alternates between the two). */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('requests to one origin share a keep-alive connection', async (t) => {
  const ports: (number | undefined)[] = [];
  const local = await serve({
    '/a': (q, r) => json(r, 200, { n: 1, port: ports.push(q.socket.remotePort) }),
    '/b': (q, r) => json(r, 200, { n: 2, port: ports.push(q.socket.remotePort) }),
  });
  t.after(() => local.close());
  const first = await requestJsonOnce(`${local.url}/a`, opts);
  await tick();
  const second = await requestJsonOnce(`${local.url}/b`, { ...opts, method: 'POST', body: '{"x":1}', headers: { 'content-type': 'application/json' } });
  assert.deepEqual([first.body, second.body], [{ n: 1, port: 1 }, { n: 2, port: 2 }]);
  assert.equal(local.connections, 1);
  assert.equal(ports[0], ports[1]);
  // Back to back, without a turn in between: still a small pool, not a connection per request.
  for (let i = 0; i < 20; i++) await requestJsonOnce(`${local.url}/a`, opts);
  assert.ok(local.connections <= 2, `${local.connections} connections for 22 requests`);
});

test('headers are read by case-insensitive name; repeated ones are joined; missing ones are null', async (t) => {
  const local = await serve({ '/h': (_q, r) => json(r, 200, {}, { Link: '<https://x/next>; rel="next"', 'x-multi': ['a', 'b'] }) });
  t.after(() => local.close());
  const res = await requestJsonOnce(`${local.url}/h`, opts);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('LINK'), '<https://x/next>; rel="next"');
  assert.equal(res.headers.get('x-multi'), 'a, b');
  assert.equal(res.headers.get('x-absent'), null);
});

test('a server that does not answer in time is RetryableError http.network, without the secret in the message', async (t) => {
  const hanging: ServerResponse[] = [];
  const local = await serve({ '/slow': (_q, r) => void hanging.push(r) });
  t.after(() => local.close());
  const started = performance.now();
  const err = await requestJsonOnce(`${local.url}/slow?access_token=SECRET-TOKEN-123`, { ...opts, timeoutMs: 150 }).catch((e: unknown) => e);
  assert.ok(err instanceof RetryableError, String(err));
  assert.equal(err.code, 'http.network');
  assert.match(err.message, /timed out after 150 ms/);
  assert.doesNotMatch(err.message, /SECRET-TOKEN-123/);
  assert.ok(performance.now() - started < 2_000);
});

test('a body that stalls past the deadline is RetryableError http.body', async (t) => {
  const local = await serve({
    '/stall': (_q, r) => {
      r.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      r.write('{"partial":');
    },
  });
  t.after(() => local.close());
  await assert.rejects(requestJsonOnce(`${local.url}/stall`, { ...opts, timeoutMs: 150 }), (e: unknown) => e instanceof RetryableError && e.code === 'http.body' && /timed out/.test(e.message));
});

test("the caller's abort rethrows its reason unwrapped, before or during the request and while reading", async (t) => {
  const local = await serve({
    '/hang': () => undefined,
    '/drip': (_q, r) => {
      r.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      r.write('{"a":');
    },
  });
  t.after(() => local.close());
  const reason = new Error('shutting down');
  const before = new AbortController();
  before.abort(reason);
  await assert.rejects(requestJsonOnce(`${local.url}/hang`, { ...opts, signal: before.signal }), (e: unknown) => e === reason);
  assert.equal(local.hits.get('/hang'), undefined);

  for (const path of ['/hang', '/drip']) {
    const during = new AbortController();
    setTimeout(() => during.abort(reason), 50);
    await assert.rejects(requestJsonOnce(`${local.url}${path}`, { ...opts, signal: during.signal, timeoutMs: 5_000 }), (e: unknown) => e === reason, path);
    assert.equal(local.hits.get(path), 1);
  }
  // requestJson (with retries) gives up at once too.
  const again = new AbortController();
  setTimeout(() => again.abort(reason), 50);
  await assert.rejects(requestJson(`${local.url}/hang`, { ...opts, signal: again.signal, timeoutMs: 5_000, retries: 3, baseDelayMs: 1 }), (e: unknown) => e === reason);
  assert.equal(local.hits.get('/hang'), 2);
});

test('429 and 5xx are RetryableError with Retry-After (seconds or a date) as retryAfterMs', async (t) => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  const local = await serve({
    '/seconds': (_q, r) => json(r, 429, { error: 'slow down' }, { 'retry-after': '7' }),
    '/date': (_q, r) => json(r, 503, {}, { 'retry-after': 'Mon, 01 Jun 2026 12:02:00 GMT' }),
    '/plain': (_q, r) => json(r, 500, {}),
    '/ok': (_q, r) => json(r, 200, { ok: true }),
  });
  t.after(() => local.close());
  await assert.rejects(requestJsonOnce(`${local.url}/seconds`, { clock }), (e: unknown) => e instanceof RetryableError && e.code === 'http.429' && e.retryAfterMs === 7_000);
  await tick();
  await assert.rejects(requestJsonOnce(`${local.url}/date`, { clock }), (e: unknown) => e instanceof RetryableError && e.code === 'http.503' && e.retryAfterMs === 120_000);
  await tick();
  await assert.rejects(requestJsonOnce(`${local.url}/plain`, { clock }), (e: unknown) => e instanceof RetryableError && e.code === 'http.500' && e.retryAfterMs === undefined);
  await tick();
  // The error bodies were read to the end: the connection serves the next request.
  assert.deepEqual((await requestJsonOnce(`${local.url}/ok`, { clock })).body, { ok: true });
  assert.equal(local.connections, 1);
});

test('4xx is PermanentError with the vendor reason, sent header values blanked; bad JSON is http.bad_json', async (t) => {
  const local = await serve({
    '/denied': (_q, r) => json(r, 401, { error: 'token shpat_0123456789abcdef is not valid' }),
    '/html': (_q, r) => {
      r.writeHead(200, { 'content-type': 'text/html' });
      r.end('<html>proxy error</html>');
    },
  });
  t.after(() => local.close());
  const err = await requestJsonOnce(`${local.url}/denied`, { ...opts, headers: { 'x-shopify-access-token': 'shpat_0123456789abcdef' } }).catch((e: unknown) => e);
  assert.ok(err instanceof PermanentError, String(err));
  assert.equal(err.code, 'http.401');
  assert.match(err.message, /answered 401: token \*\*\* is not valid/);
  await assert.rejects(requestJsonOnce(`${local.url}/html`, opts), (e: unknown) => e instanceof RetryableError && e.code === 'http.bad_json');
});

test('a refused connection is RetryableError http.network', async () => {
  const closed = await serve({});
  const url = closed.url;
  await closed.close();
  await assert.rejects(requestJsonOnce(`${url}/x`, { ...opts, timeoutMs: 2_000 }), (e: unknown) => e instanceof RetryableError && e.code === 'http.network');
});

test('redirects are followed', async (t) => {
  const local = await serve({
    '/old': (_q, r) => {
      r.writeHead(302, { location: '/new' });
      r.end();
    },
    '/new': (_q, r) => json(r, 200, { moved: true }),
  });
  t.after(() => local.close());
  assert.deepEqual((await requestJsonOnce(`${local.url}/old`, opts)).body, { moved: true });
});

test('a body over the cap is refused with http.too_large (declared or streamed); an error status keeps its code', async (t) => {
  const big = JSON.stringify({ pad: 'x'.repeat(4_000) });
  const local = await serve({
    '/declared': (_q, r) => json(r, 200, JSON.parse(big)),
    '/chunked': (_q, r) => {
      r.writeHead(200, { 'content-type': 'application/json' });
      r.write(big.slice(0, 2_000));
      setTimeout(() => r.end(big.slice(2_000)), 10);
    },
    '/bad-request': (_q, r) => json(r, 400, JSON.parse(big)),
    '/huge': (_q, r) => {
      // Announces more than the default cap, then sends a little and waits: refused on the header alone.
      r.writeHead(200, { 'content-type': 'application/json', 'content-length': String(MAX_RESPONSE_BYTES + 1) });
      r.write('{"a":');
    },
    '/small': (_q, r) => json(r, 200, { small: true }),
  });
  t.after(() => local.close());
  const capped = { ...opts, maxResponseBytes: 1_024 };
  for (const path of ['/declared', '/chunked']) {
    await assert.rejects(requestJsonOnce(`${local.url}${path}`, capped), (e: unknown) => e instanceof RetryableError && e.code === 'http.too_large' && /over 1024 bytes/.test(e.message), path);
  }
  await assert.rejects(requestJsonOnce(`${local.url}/bad-request`, capped), (e: unknown) => e instanceof PermanentError && e.code === 'http.400');
  assert.equal(MAX_RESPONSE_BYTES, 50 * 1024 * 1024);
  await assert.rejects(requestJsonOnce(`${local.url}/huge`, { ...opts, timeoutMs: 5_000 }), (e: unknown) => e instanceof RetryableError && e.code === 'http.too_large');
  // Within the cap all is well, and the client still works after refusing.
  assert.deepEqual((await requestJsonOnce(`${local.url}/small`, capped)).body, { small: true });
});

test('https: works (the test certificate trusted through NODE_EXTRA_CA_CERTS in a child) and an untrusted one fails', async (t) => {
  const certPath = fileURLToPath(new URL('../fixtures/tls/localhost-cert.pem', import.meta.url));
  const keyPath = fileURLToPath(new URL('../fixtures/tls/localhost-key.pem', import.meta.url));
  const server = createHttpsServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) });
  const local = await listen(server, { '/secure': (q, r) => json(r, 200, { secure: true, method: q.method }) }, 'https');
  t.after(() => local.close());
  // This process does not trust the self-signed certificate.
  await assert.rejects(requestJsonOnce(`${local.url}/secure`, { ...opts, timeoutMs: 5_000 }), (e: unknown) => e instanceof RetryableError && e.code === 'http.network');
  const client = new URL('../../src/sync/http-client.ts', import.meta.url).href;
  const script = `const { requestJsonOnce } = await import(${JSON.stringify(client)});
const res = await requestJsonOnce(process.argv[1], { clock: { now: Date.now }, method: 'POST', body: '{}' });
process.stdout.write(JSON.stringify(res.body));`;
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, `${local.url}/secure`], { env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath }, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
  assert.deepEqual(JSON.parse(out), { secure: true, method: 'POST' });
});
