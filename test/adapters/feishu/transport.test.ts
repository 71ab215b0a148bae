// The SDK's HTTP layer (undici, keep-alive, timeouts): a silent or absent server is a RetryableError, a 5xx is
// retried, and nothing the SDK logs along the way carries the app secret or a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFeishuHttpInstance, FeishuHttpError } from '../../../src/adapters/feishu/http-instance.ts';
import { createFeishuAdapter } from '../../../src/adapters/feishu/index.ts';
import { card } from '../../../src/core/card.ts';
import { PermanentError, RetryableError } from '../../../src/core/errors.ts';
import { captureLog } from '../../notify/channels/log-capture.ts';
import { FakeFeishuApi } from '../../fakes/feishu-api.ts';
import { freshAppId } from '../../fakes/feishu-harness.ts';
import { SkippingClock } from '../../fakes/slack-clock.ts';

async function listen(t: import('node:test').TestContext, handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('the HTTP layer resolves bodies, throws status + headers + answer on non-2xx, and times out', async (t) => {
  const url = await listen(t, (req, res) => {
    if (req.url?.startsWith('/slow')) return;
    res.writeHead(req.url?.startsWith('/bad') ? 400 : 200, { 'content-type': 'application/json', 'x-ogw-ratelimit-reset': '2' });
    res.end(JSON.stringify({ code: req.url?.startsWith('/bad') ? 230001 : 0, q: req.url }));
  });
  const http = createFeishuHttpInstance(200);
  assert.deepEqual(await http.request({ url: `${url}/ok`, method: 'GET', params: { a: '1', b: undefined } }), { code: 0, q: '/ok?a=1' });
  await assert.rejects(http.post(`${url}/bad`, { x: 1 }), (err: unknown) => err instanceof FeishuHttpError && err.response.status === 400 && err.response.headers['x-ogw-ratelimit-reset'] === '2');
  await assert.rejects(http.get(`${url}/slow`), (err: unknown) => (err as { code?: unknown }).code === 'timeout');
});

test('an unreachable Feishu is retryable and bounded; a 5xx is retried; the log never holds the secret or a token', async (t) => {
  const appId = freshAppId();
  const secret = 'app-secret-that-must-not-leak';
  const fake = await FakeFeishuApi.start({ appId, appSecret: secret });
  t.after(() => fake.close());
  const { log, text } = captureLog();
  const clock = new SkippingClock(Date.now());
  const adapter = createFeishuAdapter({ appId, appSecret: secret, mode: 'ws', apiBase: fake.url, clock, log });
  fake.failNext('create', { code: 1000, status: 503 });
  await adapter.post('oc_ops', card().header('x').build());
  assert.equal(fake.callsTo('create').length, 2, 'the 503 was retried');
  fake.failNext('create', { code: 230001, status: 400 });
  await assert.rejects(adapter.post('oc_ops', card().header('y').build()), (err: unknown) => err instanceof PermanentError && err.code === 'feishu.230001');

  const down = createFeishuAdapter({ appId: freshAppId(), appSecret: secret, mode: 'ws', apiBase: 'http://127.0.0.1:9', clock, log, retry: { retries: 2 } });
  await assert.rejects(down.post('oc_ops', card().header('z').build()), (err: unknown) => err instanceof RetryableError && err.code === 'feishu.request_failed');
  const wrong = createFeishuAdapter({ appId, appSecret: `${secret}-wrong`, mode: 'ws', apiBase: fake.url, clock, log });
  await assert.rejects(wrong.start(async () => undefined));
  const logged = text();
  assert.ok(!logged.includes(secret), 'no app secret in the log');
  assert.ok(!/t-fake-\d/.test(logged), 'no tenant token in the log');
});
