import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../src/core/clock.ts';
import { PermanentError, RetryableError, UserError } from '../../../src/core/errors.ts';
import { startDemoShop, DEMO_ENV, type DemoShop } from '../../../src/demo/index.ts';
import type { SourceSettings } from '../../../src/settings/schema.ts';
import { createHttpJsonSource } from '../../../src/sync/sources/http-json.ts';
import { collect, finalCursor, steppingClock, testDeps } from '../../demo/helpers.ts';

const START = Date.UTC(2026, 2, 1);
const FAST = { retries: 3, retryBaseMs: 1, retryMaxMs: 5, timeoutMs: 2000 };

interface Ctx {
  shop: DemoShop;
  clock: ManualClock;
  src: ReturnType<typeof steppingClock>;
  settings(name: 'erp' | 'wms', options?: Record<string, unknown>): SourceSettings;
}

async function withShop(fn: (c: Ctx) => Promise<void>, orders = 150): Promise<void> {
  const clock = new ManualClock(START);
  const shop = await startDemoShop({ clock, seed: 99, orders, troubles: false });
  try {
    await fn({
      shop,
      clock,
      src: steppingClock(clock),
      settings: (name, options = {}) => {
        const base = shop.sources.find((s) => s.name === name);
        assert.ok(base);
        return { ...base, options: { ...base.options, ...FAST, ...options } };
      },
    });
  } finally {
    await shop.stop();
  }
}

test('page pagination: every ERP order, mapped fields, resume point only on the last page', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const pagination = { type: 'page', pageParam: 'page', sizeParam: 'per_page', size: 25, start: 1 };
    const source = createHttpJsonSource(settings('erp', { pagination }), testDeps(shop.env, src));
    const pages = await collect(source, null, src);
    const expected = [...shop.world.orders()].filter((o) => shop.world.erp(o));
    assert.equal(pages.length, Math.ceil(expected.length / 25) + (expected.length % 25 === 0 ? 1 : 0));
    assert.deepEqual(shop.requestLog.entries('erp').map((e) => e.query.page), pages.map((_, i) => String(i + 1)));
    const records = pages.flatMap((p) => p.records);
    assert.equal(records.length, expected.length);
    assert.deepEqual(pages.flatMap((p) => p.errors), []);
    pages.slice(0, -1).forEach((p) => assert.equal(p.cursor, undefined, 'not sorted by update time: no resume point mid-pull'));
    const maxUpdated = Math.max(...records.map((r) => r.updatedAt));
    assert.equal(pages.at(-1)?.cursor, new Date(maxUpdated).toISOString());
    const first = expected[0];
    assert.ok(first);
    const rec = records.find((r) => r.orderId === first.orderId);
    assert.deepEqual(rec, {
      orderId: first.orderId,
      rawStatus: shop.world.erp(first)?.state.status,
      updatedAt: shop.world.erp(first)?.updatedAt,
      amount: first.amount,
      currency: first.currency,
      customer: {
        id: first.customer.id, name: first.customer.name, phone: first.customer.phone, email: first.customer.email,
        openid: first.customer.openid, language: first.customer.language, timeZone: first.customer.timeZone, preferredChannel: first.customer.preferredChannel,
      },
      items: first.items.map((it) => ({ sku: it.sku, name: it.names.zh, qty: it.qty, price: it.price })),
    });
  });
});

test('cursor pagination: every WMS shipment; sorted API lets each page commit its resume point', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const pagination = { type: 'cursor', cursorParam: 'cursor', nextCursorPath: '$.next_cursor', sizeParam: 'limit', size: 40 };
    const source = createHttpJsonSource(settings('wms', { pagination }), testDeps(shop.env, src));
    assert.equal(source.push, undefined, 'no push options, no push');
    const pages = await collect(source, null, src);
    const expected = [...shop.world.orders()].filter((o) => shop.world.wms(o));
    assert.ok(pages.length >= 3);
    assert.equal(pages.flatMap((p) => p.records).length, expected.length);
    const log = shop.requestLog.entries('wms');
    assert.equal(log[0]?.query.cursor, undefined);
    assert.ok(log.slice(1).every((e) => typeof e.query.cursor === 'string' && e.query.limit === '40'));
    const cursors = pages.map((p) => p.cursor);
    assert.ok(cursors.every((c) => typeof c === 'string'), 'each page emits its max');
    const times = cursors.map((c) => Date.parse(c ?? ''));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    pages.forEach((p) => assert.equal(Date.parse(p.cursor ?? ''), Math.max(...p.records.map((r) => r.updatedAt))));
  });
});

test('incremental: the next pull asks from the resume point minus the overlap and gets only newer changes', async () => {
  await withShop(async ({ shop, clock, src, settings }) => {
    const source = createHttpJsonSource(settings('erp'), testDeps(shop.env, src));
    const firstPages = await collect(source, null, src);
    const cursor = finalCursor(firstPages);
    assert.ok(cursor);
    const firstCount = firstPages.flatMap((p) => p.records).length;
    clock.advance(20_000);
    shop.requestLog.clear();
    const pages = await collect(source, cursor, src);
    const since = Date.parse(cursor) - 30_000;
    assert.equal(shop.requestLog.entries('erp')[0]?.query.updated_since, new Date(since).toISOString());
    const records = pages.flatMap((p) => p.records);
    assert.ok(records.length > 0 && records.length < firstCount, `${records.length} of ${firstCount}`);
    assert.ok(records.every((r) => r.updatedAt >= since));
    const changed = [...shop.world.orders()].filter((o) => (shop.world.erp(o)?.updatedAt ?? 0) > Date.parse(cursor)).map((o) => o.orderId);
    assert.ok(changed.length > 0);
    const got = new Set(records.map((r) => r.orderId));
    for (const id of changed) assert.ok(got.has(id), `changed order ${id} pulled`);
    assert.ok(Date.parse(finalCursor(pages, cursor) ?? '') > Date.parse(cursor));
    const again = await collect(source, finalCursor(pages, cursor), src);
    assert.equal(finalCursor(again), null, 'nothing new: the resume point stays');
  });
});

test('429 with Retry-After, then 5xx, then garbage JSON: retried and the pull succeeds', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const source = createHttpJsonSource(settings('wms', { pagination: { type: 'none' } }), testDeps(shop.env, src));
    shop.faults.queue('wms', { status: 429, retryAfterS: 2 });
    shop.faults.queue('wms', { status: 502 });
    shop.faults.queue('wms', { garbage: true });
    const pages = await collect(source, null, src);
    assert.ok((pages[0]?.records.length ?? 0) > 0);
    assert.deepEqual(shop.requestLog.entries('wms').map((e) => e.status), [429, 502, 200, 200]);
    assert.ok((src.sleeps[0] ?? 0) >= 2000, `Retry-After honoured: slept ${src.sleeps[0]}`);
    assert.equal(src.sleeps.length, 3);
  });
});

test('5xx or garbage forever: RetryableError after 3 retries, without the secret in the message', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const source = createHttpJsonSource(settings('erp'), testDeps(shop.env, src));
    shop.faults.queue('erp', { status: 500 }, 10);
    const err = await collect(source, null, src).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof RetryableError);
    assert.equal(err.code, 'http.500');
    assert.equal(shop.requestLog.entries('erp').length, 4);
    assert.ok(!err.message.includes(shop.env[DEMO_ENV.erpToken] ?? '?'));
    shop.faults.clear();
    shop.requestLog.clear();
    shop.faults.queue('erp', { garbage: true }, 10);
    await assert.rejects(collect(source, null, src), (e: unknown) => e instanceof RetryableError && e.code === 'http.bad_json');
    assert.equal(shop.requestLog.entries('erp').length, 4);
  });
});

test('bad token: PermanentError at once, secret not in the message', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const secret = 'wrong-secret-5f3a9c';
    const source = createHttpJsonSource(settings('erp'), testDeps({ [DEMO_ENV.erpToken]: secret }, src));
    const err = await collect(source, null, src).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof PermanentError);
    assert.equal(err.code, 'http.401');
    assert.ok(!err.message.includes(secret) && !JSON.stringify(err.details).includes(secret));
    assert.equal(shop.requestLog.entries('erp').length, 1, 'not retried');
  });
});

test('push writes the mapped raw value; the next pull shows it; unmapped statuses are refused', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const source = createHttpJsonSource(settings('erp'), testDeps(shop.env, src));
    assert.ok(source.push);
    const cursor = finalCursor(await collect(source, null, src));
    const target = [...shop.world.orders()].find((o) => shop.world.erp(o)?.state.status === '已付款');
    assert.ok(target);
    await source.push(target.orderId, 'shipped', { clock: src, log: testDeps({}, src).log });
    const records = (await collect(source, cursor, src)).flatMap((p) => p.records);
    assert.equal(records.find((r) => r.orderId === target.orderId)?.rawStatus, '已发货');
    const limited = createHttpJsonSource(
      settings('erp', { push: { url: `${shop.baseUrl}/erp/api/orders/{id}/status`, bodyField: 'status', values: { cancelled: '交易关闭' } } }),
      testDeps(shop.env, src),
    );
    await assert.rejects(limited.push?.(target.orderId, 'delivered', { clock: src, log: testDeps({}, src).log }) ?? Promise.resolve(), (e: unknown) => e instanceof PermanentError && e.code === 'push.unsupported');
    await assert.rejects(source.push('999999', 'shipped', { clock: src, log: testDeps({}, src).log }), (e: unknown) => e instanceof PermanentError && e.code === 'http.404');
  });
});

test('option errors name the field; secrets only from the environment', () => {
  const deps = testDeps({}, new ManualClock());
  const settings = (options: Record<string, unknown>): SourceSettings => ({ name: 'erp', kind: 'http-json', enabled: true, mapping: ['zh-common'], options });
  const fields = { orderId: '$.id', status: '$.s', updatedAt: '$.t' };
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof UserError);
      return err.message;
    }
    return assert.fail('expected a UserError');
  };
  const m1 = message(() => createHttpJsonSource(settings({ url: 'ftp://x', fields: { orderId: 'id', status: '$.s' }, pagination: { type: 'page', size: 0 } }), deps));
  assert.match(m1, /sources\[erp\]\.options\.url: must be an absolute http\(s\) URL/);
  assert.match(m1, /options\.fields\.orderId: must be a JSONPath/);
  assert.match(m1, /options\.fields\.updatedAt/);
  assert.match(m1, /options\.pagination\.size/);
  const m2 = message(() => createHttpJsonSource(settings({ url: 'http://x', fields, headers: { Authorization: 'Bearer abc' }, retriez: 1 }), deps));
  assert.match(m2, /options\.headers\.Authorization: looks like a credential/);
  assert.match(m2, /retriez/);
  assert.ok(!m2.includes('Bearer abc'));
  const m3 = message(() => createHttpJsonSource(settings({ url: 'http://x', fields, authHeader: { name: 'Authorization', env: 'MY_ERP_TOKEN' } }), deps));
  assert.match(m3, /MY_ERP_TOKEN/);
  const m4 = message(() => createHttpJsonSource(settings({ url: 'http://x', fields, push: { url: 'http://x/orders/status' } }), deps));
  assert.match(m4, /options\.push\.url: .*\{id\}/);
});

test('bad records are reported with page refs while good ones come through', async () => {
  const body = {
    result: {
      rows: [
        { no: 'A1', st: 'paid', ts: '2026-03-01T10:00:00Z', amt: '12.50', cust: { lang: 'es' } },
        { st: 'paid', ts: '2026-03-01T10:00:00Z' },
        { no: 'A3', ts: 1772359200 },
        { no: 'A4', st: 'shipped', ts: 'yesterday' },
        { no: 'A5', st: 'shipped', ts: 1772359200 },
        { no: 6, st: 'SHIPPED', ts: 1772359200123, lines: [{ sku: 'X', q: 2 }, { q: 1 }] },
      ],
    },
  };
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rows`;
    const clock = new ManualClock();
    const options = {
      url, recordsPath: '$.result.rows', ...FAST,
      incremental: { param: 'since' },
      fields: { orderId: '$.no', status: '$.st', updatedAt: '$.ts', amount: '$.amt', customer: { language: '$.cust.lang' }, items: { path: '$.lines[*]', sku: '$.sku', qty: '$.q' } },
    };
    const source = createHttpJsonSource({ name: 'legacy', kind: 'http-json', enabled: true, mapping: ['english-common'], options }, testDeps({}, clock));
    const [page] = await collect(source, null, clock);
    assert.ok(page);
    assert.deepEqual(page.records, [
      { orderId: 'A1', rawStatus: 'paid', updatedAt: Date.parse('2026-03-01T10:00:00Z'), amount: 12.5, customer: { language: 'es' } },
      { orderId: 'A5', rawStatus: 'shipped', updatedAt: 1772359200_000 },
      { orderId: '6', rawStatus: 'SHIPPED', updatedAt: 1772359200123, items: [{ sku: 'X', qty: 2 }] },
    ]);
    assert.deepEqual(page.errors, [
      { ref: 'page 1 #2', message: 'missing order id at $.no' },
      { ref: 'page 1 #3', message: 'order A3: missing status at $.st' },
      { ref: 'page 1 #4', message: 'order A4: unparsable updated time "yesterday" at $.ts' },
    ]);
    assert.equal(page.cursor, new Date(1772359200123).toISOString());
    const wrongPath = createHttpJsonSource({ name: 'legacy', kind: 'http-json', enabled: true, mapping: ['x'], options: { ...options, recordsPath: '$.data' } }, testDeps({}, clock));
    await assert.rejects(collect(wrongPath, null, clock), (e: unknown) => e instanceof PermanentError && e.code === 'source.bad_response');
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('a few thousand orders pull quickly', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const t0 = performance.now();
    const erp = (await collect(createHttpJsonSource(settings('erp'), testDeps(shop.env, src)), null, src)).flatMap((p) => p.records);
    const wms = (await collect(createHttpJsonSource(settings('wms'), testDeps(shop.env, src)), null, src)).flatMap((p) => p.records);
    const ms = performance.now() - t0;
    assert.ok(erp.length >= 3000 && wms.length > 2500, `${erp.length} / ${wms.length}`);
    assert.ok(ms < 4000, `took ${Math.round(ms)} ms`);
  }, 3000);
});

test('fields.shipTo: each path read like the customer fields, numbers as text; no address, no shipTo', async () => {
  const body = {
    data: [
      {
        no: 'CN1', st: 'paid', ts: '2026-03-01T10:00:00Z',
        addr: { to: '张三', tel: 13800000000, nation: 'CN', prov: '浙江省', city: '杭州市', dist: '西湖区', line: ' 文三路 90 号 ', zip: 310012 },
      },
      {
        no: 'GB1', st: 'paid', ts: '2026-03-01T10:00:00Z',
        addr: { to: 'Sherlock Holmes', tel: null, nation: 'GB', city: 'London', line: '221B Baker Street, Flat 2', zip: 'NW1 6XE' },
      },
      { no: 'NONE', st: 'paid', ts: '2026-03-01T10:00:00Z' },
      { no: 'BLANK', st: 'paid', ts: '2026-03-01T10:00:00Z', addr: { to: '  ', city: '', line: { nested: true } } },
    ],
  };
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
    const clock = new ManualClock();
    const shipTo = { name: '$.addr.to', phone: '$.addr.tel', country: '$.addr.nation', region: '$.addr.prov', city: '$.addr.city', district: '$.addr.dist', street: '$.addr.line', postalCode: '$.addr.zip' };
    const options = { url, recordsPath: '$.data', ...FAST, fields: { orderId: '$.no', status: '$.st', updatedAt: '$.ts', shipTo } };
    const source = createHttpJsonSource({ name: 'oms', kind: 'http-json', enabled: true, mapping: ['english-common'], options }, testDeps({}, clock));
    const [page] = await collect(source, null, clock);
    assert.ok(page);
    assert.deepEqual(page.errors, []);
    const at = Date.parse('2026-03-01T10:00:00Z');
    assert.deepEqual(page.records, [
      {
        orderId: 'CN1', rawStatus: 'paid', updatedAt: at,
        shipTo: { name: '张三', phone: '13800000000', country: 'CN', region: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 90 号', postalCode: '310012' },
      },
      { orderId: 'GB1', rawStatus: 'paid', updatedAt: at, shipTo: { name: 'Sherlock Holmes', country: 'GB', city: 'London', street: '221B Baker Street, Flat 2', postalCode: 'NW1 6XE' } },
      { orderId: 'NONE', rawStatus: 'paid', updatedAt: at },
      { orderId: 'BLANK', rawStatus: 'paid', updatedAt: at },
    ]);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('fields.shipTo is strict: an unknown key or a path without $ is an option error', () => {
  const deps = testDeps({}, new ManualClock());
  const settings = (shipTo: Record<string, unknown>): SourceSettings => ({
    name: 'oms', kind: 'http-json', enabled: true, mapping: ['zh-common'],
    options: { url: 'http://x', fields: { orderId: '$.id', status: '$.s', updatedAt: '$.t', shipTo } },
  });
  assert.throws(
    () => createHttpJsonSource(settings({ city: '$.city', zip: '$.zip' }), deps),
    (e: unknown) => e instanceof UserError && /options\.fields\.shipTo/.test(e.message) && /unknown option "zip"/.test(e.message),
  );
  assert.throws(() => createHttpJsonSource(settings({ street: 'addr.line' }), deps), (e: unknown) => e instanceof UserError && /options\.fields\.shipTo\.street: must be a JSONPath/.test(e.message));
  assert.ok(createHttpJsonSource(settings({ postalCode: '$.zip' }), deps));
});
