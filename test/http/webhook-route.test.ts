import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import { registerOrderWebhook } from '../../src/http/webhook-route.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { createWebhookSource, signWebhookBody } from '../../src/sync/sources/webhook.ts';
import { settingsWith, tempStore } from '../helpers/temp.ts';

const SECRET = 'whsec-test-0123456789';

async function setup(t: import('node:test').TestContext, maxBytes = 64 * 1024, options: Record<string, unknown> = {}) {
  const { store, dir } = await tempStore(t);
  const settings = settingsWith([{ name: 'oms', kind: 'webhook', mapping: ['zh-common', 'english-common'], options: { secretEnv: 'OMS_SECRET', ...options } }]);
  const cfg = settings.sources[0];
  assert.ok(cfg);
  const log = createSilentLogger();
  const source = createWebhookSource(cfg, { env: { OMS_SECRET: SECRET }, dataDir: dir, clock: systemClock, log });
  const engine = new SyncEngine({ store, settings: () => settings, sources: new Map([['oms', source]]), clock: systemClock, log });
  const server = new HttpServer(log);
  registerOrderWebhook(server, { engine, log, clock: systemClock, maxBytes: () => maxBytes, source: (n) => (n === 'oms' ? source : undefined) });
  const addr = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  const url = `http://127.0.0.1:${addr.port}/webhooks/orders/oms`;
  const post = (body: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const signed = (body: string, eventId: string) => post(body, { 'x-orderops-signature': signWebhookBody(body, SECRET), 'x-orderops-event-id': eventId });
  return { store, post, signed, url };
}

const delivery = (orders: unknown[]) => JSON.stringify({ orders });

test('a signed delivery is stored; a redelivery with the same id is a no-op', async (t) => {
  const { store, signed } = await setup(t);
  const body = delivery([{ order_id: 'W1', status: '已发货', updated_at: '2026-06-01T10:00:00Z', amount: '88.50', currency: 'CNY', customer: { id: 'c1', phone: '+8613800000000' } }]);
  const res = await signed(body, 'evt-1');
  assert.equal(res.status, 200);
  const json = (await res.json()) as { changed: number; duplicate: boolean };
  assert.deepEqual([json.changed, json.duplicate], [1, false]);
  const again = (await (await signed(body, 'evt-1')).json()) as { duplicate: boolean; changed: number };
  assert.deepEqual([again.duplicate, again.changed], [true, 0]);
  const o = await store.queries.order('W1');
  assert.equal(o?.status, 'shipped');
  assert.equal(o?.amount, 88.5);
  assert.equal(o?.events.length, 1);
});

test('a wrong or missing signature is 401 and stores nothing', async (t) => {
  const { store, post } = await setup(t);
  const body = delivery([{ order_id: 'W2', status: 'paid', updated_at: 1780000000000 }]);
  assert.equal((await post(body, { 'x-orderops-signature': signWebhookBody(body, 'wrong-secret'), 'x-orderops-event-id': 'e' })).status, 401);
  assert.equal((await post(body, { 'x-orderops-event-id': 'e' })).status, 401);
  const tampered = body.replace('paid', 'refunded');
  assert.equal((await post(tampered, { 'x-orderops-signature': signWebhookBody(body, SECRET), 'x-orderops-event-id': 'e' })).status, 401);
  assert.equal((await store.queries.totals()).orders, 0);
});

test('the signature header is exactly sha256= and 64 hex digits: trailing junk or a short or long digest are 401', async (t) => {
  const { store, post } = await setup(t);
  const body = delivery([{ order_id: 'W9', status: 'shipped', updated_at: '2026-06-01T10:00:00Z' }]);
  const good = signWebhookBody(body, SECRET);
  // (Spaces around a header value are not part of it in HTTP: they never reach us.)
  for (const [i, sig] of [`${good}!!x`, `${good}zz`, `${good}00`, good.slice(0, -2), `sha256=${good}`, `sha256:${good.slice(7)}`].entries()) {
    assert.equal((await post(body, { 'x-orderops-signature': sig, 'x-orderops-event-id': `junk-${i}` })).status, 401, sig);
  }
  assert.equal((await store.queries.order('W9')) ?? undefined, undefined);
  assert.equal((await post(body, { 'x-orderops-signature': good, 'x-orderops-event-id': 'junk-ok' })).status, 200);
});

test('a signed timestamp is checked when sent (5-minute window, signed with the body); a source may require it, refusing body-only signatures', async (t) => {
  const { store, post } = await setup(t);
  const body = delivery([{ order_id: 'T1', status: 'shipped', updated_at: '2026-06-01T10:00:00Z' }]);
  const now = Math.floor(Date.now() / 1000);
  const timed = (ts: number, id: string, signTs = ts) => post(body, { 'x-orderops-signature': signWebhookBody(body, SECRET, { timestamp: signTs }), 'x-orderops-timestamp': String(ts), 'x-orderops-event-id': id });
  assert.equal((await timed(now - 301, 'old')).status, 401, 'older than 5 minutes: a captured delivery replayed later');
  assert.equal((await timed(now + 400, 'future')).status, 401, 'from the future (beyond the window even on a slow machine)');
  assert.equal((await timed(now, 'moved', now - 10)).status, 401, 'the timestamp is part of what is signed');
  assert.equal((await post(body, { 'x-orderops-signature': signWebhookBody(body, SECRET), 'x-orderops-timestamp': String(now), 'x-orderops-event-id': 'mixed' })).status, 401, 'a body-only signature with a timestamp header is refused');
  assert.equal((await store.queries.order('T1')) ?? undefined, undefined);
  assert.equal((await timed(now, 'ok')).status, 200);
  assert.ok(await store.queries.order('T1'));

  const strict = await setup(t, 64 * 1024, { signedTimestamp: 'required' });
  assert.equal((await strict.signed(body, 'plain')).status, 401, 'required: the old body-only form is refused');
  assert.equal((await strict.post(body, { 'x-orderops-signature': signWebhookBody(body, SECRET, { timestamp: now }), 'x-orderops-timestamp': String(now), 'x-orderops-event-id': 'timed' })).status, 200);
});

test('malformed bodies are 400 with a reason; oversized bodies are 413', async (t) => {
  const { signed, post } = await setup(t, 2048);
  const bad = await signed('{"orders": [', 'e1');
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: string }).error, 'bad_json');
  const noOrders = await signed('{"orders": []}', 'e2');
  assert.equal(noOrders.status, 400);
  const noId = await post('{"orders":[{}]}', { 'x-orderops-signature': signWebhookBody('{"orders":[{}]}', SECRET) });
  assert.equal(noId.status, 400);
  assert.equal(((await noId.json()) as { error: string }).error, 'missing_event_id');
  const big = delivery([{ order_id: 'X', status: 'paid', updated_at: 1, note: 'x'.repeat(4096) }]);
  assert.equal((await signed(big, 'e3')).status, 413);
});

test('unreadable orders are reported with their index; good ones and unknown statuses are kept', async (t) => {
  const { store, signed } = await setup(t);
  const body = delivery([
    { order_id: 'W3', status: 'shipped', updated_at: '2026-06-01T10:00:00Z' },
    { status: 'shipped', updated_at: '2026-06-01T10:00:00Z' },
    { order_id: 'W4', status: 'WEIRD', updated_at: '2026-06-01T10:00:00Z' },
    { order_id: 'W5', status: 'paid', updated_at: 'yesterday-ish' },
  ]);
  const res = await signed(body, 'evt-9');
  assert.equal(res.status, 200);
  const json = (await res.json()) as { changed: number; quarantined: number; errors: { ref: string }[] };
  assert.equal(json.changed, 1);
  assert.equal(json.quarantined, 1);
  assert.deepEqual(json.errors.map((e) => e.ref), ['event evt-9 #1', 'event evt-9 #3']);
  assert.deepEqual((await store.queries.quarantine()).map((q) => q.rawStatus), ['WEIRD']);
});

test('unknown webhook source is 404; wrong method is 405', async (t) => {
  const { url } = await setup(t);
  assert.equal((await fetch(url.replace('/oms', '/nope'), { method: 'POST', body: '{}' })).status, 404);
  assert.equal((await fetch(url)).status, 405);
});
