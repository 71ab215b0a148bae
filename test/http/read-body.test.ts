// readBody on a real socket: the whole body, a 413 over the limit (declared or streamed), and a client that
// breaks off mid-body is a rejection, never a handler left waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createServer, request, type IncomingMessage } from 'node:http';
import { readBody } from '../../src/http/server.ts';

async function serve(t: import('node:test').TestContext, maxBytes: number): Promise<{ port: number; results: Promise<Buffer | Error>[] }> {
  const results: Promise<Buffer | Error>[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const r = readBody(req, maxBytes).then(
      (b) => b,
      (e: unknown) => e as Error,
    );
    results.push(r);
    void r.then((v) => {
      if (!res.writable) return;
      res.writeHead(v instanceof Error ? 413 : 200);
      res.end(v instanceof Error ? v.message : String(v.length));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as { port: number }).port, results };
}

function post(port: number, body: Buffer, headers: Record<string, string | number> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('reads a body sent in pieces, whole', async (t) => {
  const { port, results } = await serve(t, 1024);
  const r = await post(port, Buffer.alloc(700, 1), { 'transfer-encoding': 'chunked' });
  assert.deepEqual(r, { status: 200, text: '700' });
  const body = await results[0];
  assert.ok(Buffer.isBuffer(body) && body.every((b) => b === 1));
});

test('over the limit: 413 by Content-Length and while streaming', async (t) => {
  const { port } = await serve(t, 100);
  assert.equal((await post(port, Buffer.alloc(101))).status, 413);
  assert.equal((await post(port, Buffer.alloc(5000), { 'transfer-encoding': 'chunked' })).status, 413);
});

test('a client that breaks off mid-body rejects the read instead of leaving it waiting', async (t) => {
  const { port, results } = await serve(t, 1024);
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n' + 'a'.repeat(100));
  while (results.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  socket.destroy();
  const outcome = await results[0];
  assert.ok(outcome instanceof Error, 'rejected');
});
