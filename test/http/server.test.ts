// The shared HttpServer's own answers: malformed percent escapes are 400 on every route and method (before any
// handler, so before any signature or login check), HEAD works wherever GET does, and a client that abandons its
// body is logged at warn, not as our error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'node:http';
import { HttpServer, readBody } from '../../src/http/server.ts';
import { captureLog } from '../notify/channels/log-capture.ts';

async function serve(t: import('node:test').TestContext) {
  const logs = captureLog();
  const server = new HttpServer(logs.log);
  let reached = 0;
  server.route('GET', '/healthz', ({ res }) => {
    reached++;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('ok');
  });
  server.route('GET', '/console/assets/:file', ({ res }) => {
    reached++;
    res.end('asset');
  });
  server.route('POST', '/webhooks/orders/:source', async ({ req, res }) => {
    reached++;
    await readBody(req, 1024);
    res.end('stored');
  });
  const addr = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  return { port: addr.port, logs, reached: () => reached };
}

function send(port: number, method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a malformed percent escape anywhere in a path is 400 on every route and method, and reaches no handler', async (t) => {
  const { port, logs, reached } = await serve(t);
  const paths = ['/webhooks/orders/%E0%A4%A', '/console/assets/%', '/console/assets/%zz', '/webhooks/orders/%C0%AF', '/nowhere/%E0%A4%A', '/%'];
  for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'HEAD']) {
    for (const path of paths) {
      const r = await send(port, method, path);
      assert.equal(r.status, 400, `${method} ${path}`);
      if (method !== 'HEAD') assert.match(r.body, /"error":"bad_path"/);
    }
  }
  assert.equal(reached(), 0);
  assert.doesNotMatch(logs.text(), /"level":50/, 'nothing logged at error level');
  assert.equal((await send(port, 'GET', '/console/assets/app%2Ejs')).status, 200, 'a well-formed escape still routes');
});

test('HEAD is answered wherever GET is, without a body; other methods stay 405', async (t) => {
  const { port } = await serve(t);
  const head = await send(port, 'HEAD', '/healthz');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal((await send(port, 'GET', '/healthz')).body, 'ok');
  assert.equal((await send(port, 'HEAD', '/webhooks/orders/oms')).status, 405, 'HEAD only stands in for GET');
  assert.equal((await send(port, 'PUT', '/healthz')).status, 405);
});

test('a client that abandons its body is logged at warn, not as an error', async (t) => {
  const { port, logs } = await serve(t);
  await new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('POST /webhooks/orders/oms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"orders":');
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on('close', () => resolve());
  });
  for (let i = 0; i < 100 && !logs.text().includes('abandoned'); i++) await new Promise((r) => setTimeout(r, 10));
  assert.match(logs.text(), /"level":40[^\n]*client abandoned its request body/);
  assert.doesNotMatch(logs.text(), /"level":50/);
});

test('HEAD on the console event stream answers its headers and ends (it would otherwise hang)', async (t) => {
  const { createConsoleAdapter } = await import('../../src/adapters/console/index.ts');
  const { readDefaultSettings } = await import('../../src/settings/store.ts');
  const { systemClock } = await import('../../src/core/clock.ts');
  const logs = captureLog();
  const server = new HttpServer(logs.log);
  const settings = readDefaultSettings();
  const adapter = createConsoleAdapter({ server, settings: () => settings, clock: systemClock, log: logs.log });
  await adapter.start(async () => undefined);
  const addr = await server.listen(0, '127.0.0.1');
  t.after(async () => {
    await adapter.stop();
    await server.close();
  });
  const started = Date.now();
  const r = await send(addr.port, 'HEAD', '/console/api/events?user=alice');
  assert.equal(r.status, 200);
  assert.ok(Date.now() - started < 2000);
});
