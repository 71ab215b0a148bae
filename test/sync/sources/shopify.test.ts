import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../src/core/clock.ts';
import { PermanentError, RetryableError, UserError } from '../../../src/core/errors.ts';
import { startDemoShop, DEMO_ENV, type DemoShop, type DemoShopOptions } from '../../../src/demo/index.ts';
import { DemoWorld, shipToOf } from '../../../src/demo/world.ts';
import { shopifyOrder } from '../../../src/demo/shopify-json.ts';
import type { SourceSettings } from '../../../src/settings/schema.ts';
import { readDefaultSettings } from '../../../src/settings/store.ts';
import { compileMapping } from '../../../src/sync/normalize.ts';
import { createShopifySource } from '../../../src/sync/sources/shopify.ts';
import type { SourcePage } from '../../../src/sync/sources/types.ts';
import { shopifyRawStatus, shopifyOrderSchema } from '../../../src/sync/sources/shopify-order.ts';
import { collect, finalCursor, steppingClock, testDeps } from '../../demo/helpers.ts';

const START = Date.UTC(2026, 2, 1);
const FAST = { retries: 3, retryBaseMs: 1, retryMaxMs: 5, timeoutMs: 2000 };

interface Ctx {
  shop: DemoShop;
  clock: ManualClock;
  src: ReturnType<typeof steppingClock>;
  settings(options?: Record<string, unknown>): SourceSettings;
}

async function withShop(fn: (c: Ctx) => Promise<void>, opts: DemoShopOptions = {}): Promise<void> {
  const clock = new ManualClock(START);
  const shop = await startDemoShop({ clock, seed: 123, orders: 150, troubles: false, shopifyBucket: { size: 1000, leakPerSecond: 100 }, ...opts });
  try {
    const base = shop.sources.find((s) => s.name === 'storefront');
    assert.ok(base);
    await fn({ shop, clock, src: steppingClock(clock), settings: (options = {}) => ({ ...base, options: { ...base.options, ...FAST, ...options } }) });
  } finally {
    await shop.stop();
  }
}

const log = testDeps({}, new ManualClock()).log;

test('Link pagination: all orders, ascending, each page commits its max updated_at; next pages send only page_info and limit', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const source = createShopifySource(settings({ limit: 20 }), testDeps(shop.env, src));
    const pages = await collect(source, null, src);
    const expected = [...shop.world.orders()].filter((o) => shop.world.storefront(o));
    const records = pages.flatMap((p) => p.records);
    assert.equal(pages.length, Math.ceil(expected.length / 20));
    assert.deepEqual(records.map((r) => r.orderId).sort(), expected.map((o) => o.orderId).sort());
    assert.deepEqual(pages.flatMap((p) => p.errors), []);
    const entries = shop.requestLog.entries('storefront');
    assert.deepEqual(entries[0]?.query, { status: 'any', limit: '20', order: 'updated_at asc' });
    for (const e of entries.slice(1)) assert.deepEqual(Object.keys(e.query).sort(), ['limit', 'page_info']);
    for (const p of pages) assert.equal(Date.parse(p.cursor ?? ''), Math.max(...p.records.map((r) => r.updatedAt)));
    const o = expected.find((x) => x.customer.region === 'CN');
    assert.ok(o);
    const view = shop.world.storefront(o);
    assert.ok(view);
    const ship = shipToOf(o, view);
    assert.deepEqual(records.find((r) => r.orderId === o.orderId), {
      orderId: o.orderId,
      rawStatus: view.state.cancelledAt !== null ? 'cancelled' : `${view.state.financial}/${view.state.fulfillment ?? 'unfulfilled'}`,
      updatedAt: Math.floor(view.updatedAt / 1000) * 1000,
      amount: o.amount,
      currency: 'CNY',
      customer: { id: String(o.customer.shopifyId), name: o.customer.name, phone: o.customer.phone, email: o.customer.email, language: 'zh-CN' },
      items: o.items.map((it) => ({ sku: it.sku, name: it.names.zh, qty: it.qty, price: it.price })),
      adjustments: { discount: 0, shipping: 0, tax: 0 },
      shipTo: { name: ship.receiver.name, phone: ship.receiver.phone, country: ship.country, region: ship.region, city: ship.city, street: [ship.line1, ...(ship.line2 ? [ship.line2] : [])].join(', '), postalCode: ship.postalCode },
    });
  });
});

test('incremental: the next pull sends updated_at_min = resume point and gets only newer changes', async () => {
  await withShop(async ({ shop, clock, src, settings }) => {
    const source = createShopifySource(settings(), testDeps(shop.env, src));
    const first = await collect(source, null, src);
    const cursor = finalCursor(first);
    assert.ok(cursor);
    clock.advance(15_000);
    shop.requestLog.clear();
    const pages = await collect(source, cursor, src);
    assert.equal(shop.requestLog.entries('storefront')[0]?.query.updated_at_min, cursor);
    const records = pages.flatMap((p) => p.records);
    assert.ok(records.length > 0 && records.length < first.flatMap((p) => p.records).length);
    assert.ok(records.every((r) => r.updatedAt >= Date.parse(cursor)));
    const changed = [...shop.world.orders()].filter((o) => Math.floor((shop.world.storefront(o)?.updatedAt ?? 0) / 1000) * 1000 > Date.parse(cursor));
    assert.ok(changed.length > 0);
    const got = new Set(records.map((r) => r.orderId));
    for (const o of changed) assert.ok(got.has(o.orderId), `changed order ${o.orderId}`);
  });
});

test('429 from the leaky bucket: Retry-After honoured, then the pull completes', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const source = createShopifySource(settings({ limit: 10 }), testDeps(shop.env, src));
    const before = [...shop.world.orders()].filter((o) => shop.world.storefront(o)).map((o) => o.orderId);
    const pages = await collect(source, null, src);
    // Waiting moves the demo's clock, so orders change during the pull; none present at the start may be missed.
    const got = new Set(pages.flatMap((p) => p.records).map((r) => r.orderId));
    for (const id of before) assert.ok(got.has(id), `order ${id} pulled`);
    const statuses = shop.requestLog.entries('storefront').map((e) => e.status);
    assert.ok(statuses.filter((s) => s === 429).length >= 3, statuses.join(','));
    assert.ok(src.sleeps.length >= 3 && src.sleeps.every((ms) => ms >= 500), `slept ${src.sleeps.join(',')}`);
  }, { shopifyBucket: { size: 4, leakPerSecond: 2 } });
});

test('5xx then success; 5xx forever → RetryableError after 3 retries; garbage JSON retried', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const source = createShopifySource(settings(), testDeps(shop.env, src));
    shop.faults.queue('storefront', { status: 503 }, 2);
    shop.faults.queue('storefront', { garbage: true });
    assert.ok((await collect(source, null, src)).flatMap((p) => p.records).length > 0);
    assert.deepEqual(shop.requestLog.entries('storefront').map((e) => e.status), [503, 503, 200, 200]);
    shop.requestLog.clear();
    shop.faults.queue('storefront', { status: 500 }, 10);
    const err = await collect(source, null, src).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof RetryableError && err.code === 'http.500');
    assert.equal(shop.requestLog.entries('storefront').length, 4);
    assert.ok(!err.message.includes(shop.env[DEMO_ENV.shopifyToken] ?? '?'));
  });
});

test('bad token: PermanentError 401, not retried, token not in the message', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const token = 'shpat_wrongwrongwrong0123456789abcd';
    const source = createShopifySource(settings(), testDeps({ [DEMO_ENV.shopifyToken]: token }, src));
    const err = await collect(source, null, src).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof PermanentError && err.code === 'http.401');
    assert.match(err.message, /Invalid API key or access token/);
    assert.ok(!err.message.includes(token));
    assert.equal(shop.requestLog.entries('storefront').length, 1);
  });
});

test('push: cancel and fulfil show up in the next pull; other statuses refused; repeats are harmless', async () => {
  await withShop(async ({ shop, src, settings }) => {
    const source = createShopifySource(settings(), testDeps(shop.env, src));
    const cursor = finalCursor(await collect(source, null, src));
    const open = [...shop.world.orders()].filter((o) => {
      const s = shop.world.storefront(o)?.state;
      return s && s.cancelledAt === null && s.fulfillment === null;
    });
    const [toCancel, toShip] = open;
    assert.ok(toCancel && toShip);
    await source.push?.(toCancel.orderId, 'cancelled', { clock: src, log });
    await source.push?.(toShip.orderId, 'shipped', { clock: src, log });
    const records = (await collect(source, cursor, src)).flatMap((p) => p.records);
    assert.equal(records.find((r) => r.orderId === toCancel.orderId)?.rawStatus, 'cancelled');
    assert.match(records.find((r) => r.orderId === toShip.orderId)?.rawStatus ?? '', /\/fulfilled$/);
    await source.push?.(toCancel.orderId, 'cancelled', { clock: src, log });
    await assert.rejects(source.push?.(toCancel.orderId, 'shipped', { clock: src, log }) ?? Promise.resolve(), (e: unknown) => e instanceof PermanentError && e.code === 'http.422');
    await assert.rejects(source.push?.(toShip.orderId, 'delivered', { clock: src, log }) ?? Promise.resolve(), (e: unknown) => e instanceof PermanentError && e.code === 'push.unsupported');
    const fresh = createShopifySource(settings(), testDeps(shop.env, src));
    await assert.rejects(fresh.push?.('999999', 'cancelled', { clock: src, log }) ?? Promise.resolve(), (e: unknown) => e instanceof PermanentError && e.code === 'push.not_found');
    const third = open[2];
    assert.ok(third);
    await fresh.push?.(third.orderId, 'cancelled', { clock: src, log });
    assert.notEqual(shop.world.storefront(third)?.state.cancelledAt, null, 'found by name without a prior pull');
  });
});

test('option errors name the field; a missing token names the variable', () => {
  const deps = testDeps({}, new ManualClock());
  const settings = (options: Record<string, unknown>): SourceSettings => ({ name: 'shop', kind: 'shopify', enabled: true, mapping: ['shopify'], options });
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof UserError);
      return err.message;
    }
    return assert.fail('expected a UserError');
  };
  const m1 = message(() => createShopifySource(settings({ shopUrl: 'my-shop', limit: 500, orderIdFrom: 'number', token: 'x' }), deps));
  assert.match(m1, /sources\[shop\]\.options\.shopUrl/);
  assert.match(m1, /options\.limit/);
  assert.match(m1, /options\.orderIdFrom/);
  assert.match(m1, /options\.tokenEnv/);
  assert.match(m1, /token/);
  const m2 = message(() => createShopifySource(settings({ shopUrl: 'https://x.myshopify.com', tokenEnv: 'SHOP_TOKEN' }), deps));
  assert.match(m2, /SHOP_TOKEN/);
});

/** Serves `orders` as one Shopify orders page from a local server and pulls that page once. */
async function onePage(orders: unknown[]): Promise<SourcePage | undefined> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ orders })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const clock = new ManualClock();
    const options = { shopUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokenEnv: 'T', ...FAST };
    const source = createShopifySource({ name: 'shop', kind: 'shopify', enabled: true, mapping: ['shopify'], options }, testDeps({ T: 'tok' }, clock));
    const [page] = await collect(source, null, clock);
    return page;
  } finally {
    await new Promise((r) => server.close(r));
  }
}

test('invalid orders are reported with refs; good ones come through', async () => {
  const good = { id: 1, name: '#A1', updated_at: '2026-03-01T10:00:00-05:00', financial_status: 'paid', fulfillment_status: null, cancelled_at: null, total_price: '10.00', currency: 'USD' };
  const orders = [good, { ...good, id: 'abc' }, { ...good, id: 3, updated_at: 'soon' }, { ...good, id: 4, name: null }, { ...good, id: 5, name: '#A5', cancelled_at: '2026-03-01T11:00:00Z' }];
  const page = await onePage(orders);
  assert.deepEqual(page?.records.map((r) => [r.orderId, r.rawStatus, r.updatedAt]), [
    ['A1', 'paid/unfulfilled', Date.parse('2026-03-01T15:00:00Z')],
    ['A5', 'cancelled', Date.parse('2026-03-01T15:00:00Z')],
  ]);
  assert.deepEqual(page?.errors.map((e) => e.ref), ['page 1 #2', 'page 1 #3', 'page 1 #4']);
  assert.match(page?.errors[0]?.message ?? '', /id/);
  assert.match(page?.errors[1]?.message ?? '', /unparsable updated_at "soon"/);
  assert.match(page?.errors[2]?.message ?? '', /missing name/);
});

test('every status combination the demo storefront produces maps with the shopify set', () => {
  const shopify = readDefaultSettings().mappings.shopify;
  assert.ok(shopify);
  const map = compileMapping([shopify]);
  const w = new DemoWorld({ clock: new ManualClock(START), seed: 8, orders: 1500, speed: 60, troubles: true });
  const seen = new Map<string, string | undefined>();
  for (const o of w.orders()) {
    for (const p of o.planned.storefront) {
      const view = w.storefront(o, p.at);
      assert.ok(view);
      const raw = shopifyRawStatus(shopifyOrderSchema.parse(shopifyOrder(o, view)));
      seen.set(raw, map(raw));
    }
  }
  const unmapped = [...seen].filter(([, v]) => v === undefined).map(([k]) => k);
  assert.deepEqual(unmapped, []);
  for (const raw of ['pending/unfulfilled', 'authorized/unfulfilled', 'paid/unfulfilled', 'paid/fulfilled', 'cancelled', 'refunded/fulfilled', 'paid/restocked', 'refunded/restocked']) {
    assert.ok(seen.has(raw), `demo produces ${raw}`);
  }
  assert.equal(seen.get('refunded/fulfilled'), 'refunded');
  assert.equal(seen.get('paid/fulfilled'), 'shipped');
  assert.equal(seen.get('paid/restocked'), 'returned');
});

test('shipping_address becomes shipTo: two street lines joined, country_code preferred; null or blank means no shipTo', async () => {
  const base = { updated_at: '2026-03-01T10:00:00Z', financial_status: 'paid', fulfillment_status: null, cancelled_at: null };
  const orders = [
    {
      ...base, id: 11, name: '#CN1',
      shipping_address: {
        first_name: '三', last_name: '张', name: null, phone: '+86 138 0000 0000', address1: ' 文三路 90 号 ', address2: null, city: '杭州市', province: '浙江省',
        province_code: 'ZJ', zip: 310012, country: 'China', country_code: 'CN', latitude: 30.28, company: null,
      },
    },
    {
      ...base, id: 12, name: '#GB1',
      shipping_address: {
        name: 'Sherlock Holmes', first_name: 'Sherlock', last_name: 'Holmes', phone: null, address1: '221B Baker Street', address2: 'Flat 2', city: 'London',
        province: null, zip: 'NW1 6XE', country: 'United Kingdom', country_code: 'GB',
      },
    },
    { ...base, id: 13, name: '#NA1', shipping_address: { name: 'Ann', country: 'Canada', country_code: null, address1: '', address2: '' } },
    { ...base, id: 14, name: '#NULL', shipping_address: null },
    { ...base, id: 15, name: '#NONE' },
    { ...base, id: 16, name: '#BLANK', shipping_address: { name: ' ', address1: null, address2: '', city: null, zip: '', country_code: null } },
    { ...base, id: 17, name: '#BAD', shipping_address: '221B Baker Street' },
  ];
  const page = await onePage(orders);
  const byId = new Map(page?.records.map((r) => [r.orderId, r]));
  assert.deepEqual(byId.get('CN1')?.shipTo, { name: '张三', phone: '+86 138 0000 0000', country: 'CN', region: '浙江省', city: '杭州市', street: '文三路 90 号', postalCode: '310012' });
  assert.deepEqual(byId.get('GB1')?.shipTo, { name: 'Sherlock Holmes', country: 'GB', city: 'London', street: '221B Baker Street, Flat 2', postalCode: 'NW1 6XE' });
  assert.deepEqual(byId.get('NA1')?.shipTo, { name: 'Ann', country: 'Canada' });
  for (const id of ['NULL', 'NONE', 'BLANK']) {
    assert.ok(byId.has(id), id);
    assert.ok(!('shipTo' in (byId.get(id) ?? {})), `${id}: no shipTo key`);
  }
  assert.deepEqual(page?.errors.map((e) => e.ref), ['page 1 #7']);
  assert.match(page?.errors[0]?.message ?? '', /invalid order: shipping_address:/);
  assert.ok(!page?.errors[0]?.message.includes('Baker'), 'the address is not echoed');
});
