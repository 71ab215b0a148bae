import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ManualClock } from '../../src/core/clock.ts';
import { differingParts, missingParts } from '../../src/core/address.ts';
import type { ShippingAddress } from '../../src/core/order.ts';
import { streetLines } from '../../src/demo/addresses.ts';
import { startDemoShop, DEMO_ENV, type DemoShop } from '../../src/demo/index.ts';
import { shownSecond } from '../../src/demo/shopify-json.ts';
import { shipToOf } from '../../src/demo/world.ts';
import { sourceSettingsSchema } from '../../src/settings/schema.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { createHttpJsonSource } from '../../src/sync/sources/http-json.ts';
import { createShopifySource } from '../../src/sync/sources/shopify.ts';
import { call, collect, steppingClock, testDeps } from './helpers.ts';

const START = Date.UTC(2026, 2, 1);
const erpPage = z.object({ data: z.array(z.object({ order_no: z.string(), state: z.object({ name: z.string() }), modified: z.string() })), page: z.number(), total: z.number() });
const wmsPage = z.object({ items: z.array(z.object({ order_ref: z.string(), status: z.string(), updated_at: z.number() })), next_cursor: z.string().nullable() });
const shopPage = z.object({
  orders: z.array(z.object({ id: z.number(), name: z.string(), updated_at: z.string(), cancelled_at: z.string().nullable(), fulfillment_status: z.string().nullable(), financial_status: z.string() })),
});

async function withShop(fn: (shop: DemoShop, clock: ManualClock) => Promise<void>, opts: Parameters<typeof startDemoShop>[0] = {}): Promise<void> {
  const clock = new ManualClock(START);
  const shop = await startDemoShop({ clock, seed: 77, orders: 120, troubles: false, ...opts });
  try {
    await fn(shop, clock);
  } finally {
    await shop.stop();
  }
}

function erpHeaders(shop: DemoShop): Record<string, string> {
  return { authorization: `Bearer ${shop.env[DEMO_ENV.erpToken]}` };
}
function shopHeaders(shop: DemoShop): Record<string, string> {
  return { 'x-shopify-access-token': shop.env[DEMO_ENV.shopifyToken] ?? '' };
}

test('settings entries are valid, named erp/wms/storefront, and use mapping sets that exist', async () => {
  await withShop(async (shop) => {
    assert.deepEqual(shop.sources.map((s) => [s.name, s.kind]), [['erp', 'http-json'], ['wms', 'http-json'], ['storefront', 'shopify']]);
    const mappings = readDefaultSettings().mappings;
    for (const s of shop.sources) {
      assert.deepEqual(sourceSettingsSchema.parse(s), s);
      assert.equal(s.schedule, '*/7 * * * * *');
      for (const m of s.mapping) assert.ok(m in mappings, `mapping ${m}`);
    }
    assert.ok(shop.baseUrl.startsWith('http://127.0.0.1:'));
    assert.deepEqual(Object.keys(shop.env).sort(), [DEMO_ENV.erpToken, DEMO_ENV.shopifyToken].sort());
    assert.ok(!JSON.stringify(shop.sources).includes(shop.env[DEMO_ENV.shopifyToken] ?? '?'), 'no secret inside the settings');
  }, { syncEverySeconds: 7 });
});

test('ERP: bearer auth and page pagination over every order, filtered by updated_since', async () => {
  await withShop(async (shop) => {
    const url = `${shop.baseUrl}/erp/api/orders`;
    assert.equal((await call(`${url}?page=1`)).status, 401);
    const ids: string[] = [];
    let total = -1;
    for (let page = 1; page < 100; page++) {
      const res = await call(`${url}?page=${page}&per_page=7`, { headers: erpHeaders(shop) });
      assert.equal(res.status, 200);
      const body = erpPage.parse(res.body);
      total = body.total;
      ids.push(...body.data.map((d) => d.order_no));
      if (body.data.length < 7) break;
    }
    const expected = [...shop.world.orders()].filter((o) => shop.world.erp(o)).map((o) => o.orderId);
    assert.deepEqual(ids, expected, 'every order once, in order-number order');
    assert.equal(total, expected.length);
    const since = START - 20_000;
    const res = await call(`${url}?per_page=500&updated_since=${new Date(since).toISOString()}`, { headers: erpHeaders(shop) });
    const recent = erpPage.parse(res.body).data;
    assert.ok(recent.length > 0 && recent.length < expected.length);
    assert.ok(recent.every((d) => Date.parse(d.modified) >= since));
    assert.equal((await call(`${url}?per_page=0`, { headers: erpHeaders(shop) })).status, 400);
    assert.equal((await call(`${url}?updated_since=yesterday`, { headers: erpHeaders(shop) })).status, 400);
  });
});

test('WMS: cursor pagination in change-time order, since in epoch ms, only paid orders', async () => {
  await withShop(async (shop) => {
    const seen: { id: string; at: number }[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const body = wmsPage.parse((await call(`${shop.baseUrl}/wms/v1/shipments?limit=13${q}`)).body);
      assert.ok(body.items.length <= 13);
      seen.push(...body.items.map((it) => ({ id: it.order_ref, at: it.updated_at })));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    const expected = [...shop.world.orders()].filter((o) => shop.world.wms(o));
    assert.equal(seen.length, expected.length);
    assert.equal(new Set(seen.map((s) => s.id)).size, seen.length, 'no duplicates');
    for (let i = 1; i < seen.length; i++) assert.ok((seen[i]?.at ?? 0) >= (seen[i - 1]?.at ?? 0), 'ascending by updated_at');
    for (const o of expected) assert.ok(o.life.some((s) => s.status === 'paid'), 'the WMS only knows paid orders');
    const since = START - 20_000;
    const recent = wmsPage.parse((await call(`${shop.baseUrl}/wms/v1/shipments?limit=1000&since=${since}`)).body);
    assert.ok(recent.items.length > 0 && recent.items.every((it) => it.updated_at >= since));
    assert.equal((await call(`${shop.baseUrl}/wms/v1/shipments?cursor=garbage`)).status, 400);
  });
});

test('storefront: token, Link pagination, page_info rules, 429 from the leaky bucket', async () => {
  await withShop(async (shop, clock) => {
    const base = `${shop.baseUrl}/shopify/admin/api/2024-10/orders.json`;
    const denied = await call(`${base}?status=any`);
    assert.equal(denied.status, 401);
    assert.deepEqual(denied.body, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    let url: string | undefined = `${base}?status=any&limit=10&order=updated_at+asc`;
    const names: string[] = [];
    let last = 0;
    let second: string | undefined;
    while (url) {
      const res = await call(url, { headers: shopHeaders(shop) });
      assert.equal(res.status, 200, res.text);
      for (const o of shopPage.parse(res.body).orders) {
        names.push(o.name);
        assert.ok(Date.parse(o.updated_at) >= last, 'ascending updated_at');
        last = Date.parse(o.updated_at);
      }
      const link = res.headers.get('link') ?? '';
      url = /<([^>]+)>; rel="next"/.exec(link)?.[1];
      if (url) assert.deepEqual([...new URL(url).searchParams.keys()].sort(), ['limit', 'page_info']);
      if (names.length === 10 && url) second = url;
    }
    const expected = [...shop.world.orders()].filter((o) => shop.world.storefront(o));
    assert.equal(names.length, expected.length);
    assert.equal(new Set(names).size, names.length);
    assert.ok(second);
    const withFilter = await call(`${second}&status=any`, { headers: shopHeaders(shop) });
    assert.equal(withFilter.status, 400, 'page_info cannot be combined with filters');
    const page2 = await call(second, { headers: shopHeaders(shop) });
    const prev = /<([^>]+)>; rel="previous"/.exec(page2.headers.get('link') ?? '')?.[1];
    assert.ok(prev);
    const back = shopPage.parse((await call(prev, { headers: shopHeaders(shop) })).body).orders.map((o) => o.name);
    assert.deepEqual(back, names.slice(0, 10), 'previous link returns the first page');
  }, { shopifyBucket: { size: 1000, leakPerSecond: 1 } });
  await withShop(async (shop, clock) => {
    const url = `${shop.baseUrl}/shopify/admin/api/2024-10/orders.json?status=any&limit=1`;
    for (let i = 0; i < 3; i++) assert.equal((await call(url, { headers: shopHeaders(shop) })).status, 200);
    const limited = await call(url, { headers: shopHeaders(shop) });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1.0');
    clock.advance(1000);
    const ok = await call(url, { headers: shopHeaders(shop) });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-shopify-shop-api-call-limit'), '3/3');
  }, { shopifyBucket: { size: 3, leakPerSecond: 1 } });
});

test('faults: queued statuses, garbage, delay, down windows, injected outages; all in the request log', async () => {
  await withShop(async (shop, clock) => {
    const url = `${shop.baseUrl}/wms/v1/shipments?limit=1`;
    shop.faults.queue('wms', { status: 503 }, 2);
    shop.faults.queue('wms', { status: 429, retryAfterS: 3 });
    shop.faults.queue('wms', { garbage: true });
    shop.faults.queue('wms', { delayMs: 120 });
    assert.equal((await call(url)).status, 503);
    assert.equal((await call(url)).status, 503);
    const limited = await call(url);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '3');
    const garbage = await call(url);
    assert.equal(garbage.status, 200);
    assert.equal(garbage.body, undefined, 'not JSON');
    const t0 = performance.now();
    assert.equal((await call(url)).status, 200);
    assert.ok(performance.now() - t0 >= 100, 'delayed');
    assert.equal((await call(url)).status, 200);
    assert.equal((await call(`${shop.baseUrl}/erp/api/orders`, { headers: erpHeaders(shop) })).status, 200, 'faults are per system');
    shop.faults.down('wms', 5000);
    assert.equal((await call(url)).status, 503);
    clock.advance(5001);
    assert.equal((await call(url)).status, 200);
    assert.deepEqual(shop.requestLog.entries('wms').map((e) => e.status), [503, 503, 429, 200, 200, 200, 503, 200]);
  });
  await withShop(async (shop, clock) => {
    const outage = shop.world.outage;
    assert.ok(outage);
    const paths = { erp: '/erp/api/orders', wms: '/wms/v1/shipments', storefront: '/shopify/admin/api/2024-10/orders.json' };
    const headers = { ...erpHeaders(shop), ...shopHeaders(shop) };
    assert.equal((await call(`${shop.baseUrl}${paths[outage.system]}`, { headers })).status, 200);
    clock.advance(outage.firstAt - clock.now());
    assert.equal((await call(`${shop.baseUrl}${paths[outage.system]}`, { headers })).status, 503);
    clock.advance(outage.durationMs);
    assert.equal((await call(`${shop.baseUrl}${paths[outage.system]}`, { headers })).status, 200);
  }, { troubles: true });
});

test('pushes show up in later pulls, and planned progress continues after them', async () => {
  await withShop(async (shop, clock) => {
    const w = shop.world;
    const target = [...w.orders()].find((o) => w.erp(o)?.state.status === '已付款' && o.life.some((s) => s.status === 'in_transit'));
    assert.ok(target);
    const push = await call(`${shop.baseUrl}/erp/api/orders/${target.orderId}/status`, {
      method: 'POST', headers: { ...erpHeaders(shop), 'content-type': 'application/json' }, body: JSON.stringify({ status: '已发货' }),
    });
    assert.equal(push.status, 200, push.text);
    const since = new Date(clock.now()).toISOString();
    const after = erpPage.parse((await call(`${shop.baseUrl}/erp/api/orders?per_page=500&updated_since=${since}`, { headers: erpHeaders(shop) })).body);
    assert.deepEqual(after.data.map((d) => [d.order_no, d.state.name]), [[target.orderId, '已发货']]);
    const inTransit = target.life.find((s) => s.status === 'in_transit')?.at ?? 0;
    clock.advance(inTransit - clock.now() + 60 * w.msPerSimMinute);
    assert.equal(w.erp(target)?.state.status !== '已发货', true, 'later planned steps still happen');
    const bad = await call(`${shop.baseUrl}/erp/api/orders/${target.orderId}/status`, {
      method: 'POST', headers: { ...erpHeaders(shop), 'content-type': 'application/json' }, body: JSON.stringify({ status: 'nonsense' }),
    });
    assert.equal(bad.status, 422);
    assert.equal((await call(`${shop.baseUrl}/erp/api/orders/999999/status`, { method: 'POST', headers: erpHeaders(shop), body: '{"status":"已发货"}' })).status, 404);

    const open = [...w.orders()].find((o) => { const s = w.storefront(o)?.state; return s && s.cancelledAt === null && s.fulfillment === null; });
    assert.ok(open);
    const shop1 = `${shop.baseUrl}/shopify/admin/api/2024-10/orders/${open.shopifyId}`;
    const cancelled = await call(`${shop1}/cancel.json`, { method: 'POST', headers: { ...shopHeaders(shop), 'content-type': 'application/json' }, body: '{}' });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal((await call(`${shop1}/cancel.json`, { method: 'POST', headers: shopHeaders(shop) })).status, 422, 'already cancelled');
    assert.equal((await call(`${shop1}/fulfillments.json`, { method: 'POST', headers: shopHeaders(shop) })).status, 422, 'cannot fulfil a cancelled order');
    const list = shopPage.parse((await call(`${shop.baseUrl}/shopify/admin/api/2024-10/orders.json?status=any&name=%23${open.orderId}`, { headers: shopHeaders(shop) })).body);
    assert.equal(list.orders.length, 1);
    assert.ok(list.orders[0]?.cancelled_at);
  });
});

const shippingAddress = z.strictObject({
  first_name: z.string().min(1), last_name: z.string().min(1), name: z.string().min(1), company: z.null(), phone: z.string().regex(/^\+\d{10,13}$/),
  address1: z.string().min(1), address2: z.string().min(1).nullable(), city: z.string().min(1), province: z.string().min(1),
  province_code: z.string().min(1), zip: z.string().regex(/^\d{5,6}$/), country: z.enum(['China', 'United States', 'Spain']), country_code: z.enum(['CN', 'US', 'ES']),
});
const shipTo = z.strictObject({
  receiver: z.string().min(1), mobile: z.string().regex(/^\+\d{10,13}$/), country: z.enum(['CN', 'US', 'ES']), province: z.string().min(1),
  city: z.string().min(1), district: z.string().min(1).optional(), street: z.string().min(1), zip: z.string().regex(/^\d{5,6}$/),
});

// Both raw addresses of every order the WMS knows, and the records the demo's own source settings make of them.
async function addresses(shop: DemoShop, clock: ManualClock) {
  const sf = shopPage.extend({ orders: z.array(z.object({ name: z.string(), updated_at: z.string(), shipping_address: shippingAddress })) })
    .parse((await call(`${shop.baseUrl}/shopify/admin/api/2024-10/orders.json?status=any&limit=250`, { headers: shopHeaders(shop) })).body);
  const wms = z.object({ items: z.array(z.object({ order_ref: z.string(), updated_at: z.number(), ship_to: shipTo })) })
    .parse((await call(`${shop.baseUrl}/wms/v1/shipments?limit=1000`)).body);
  const src = steppingClock(clock);
  const source = (name: string) => {
    const settings = shop.sources.find((x) => x.name === name);
    assert.ok(settings);
    return settings;
  };
  const records = async (name: 'wms' | 'storefront'): Promise<Map<string, ShippingAddress | undefined>> => {
    const deps = testDeps(shop.env, src);
    const s = name === 'wms' ? createHttpJsonSource(source(name), deps) : createShopifySource(source(name), deps);
    const pages = await collect(s, null, src);
    assert.deepEqual(pages.flatMap((p) => p.errors), []);
    return new Map(pages.flatMap((p) => p.records).map((r) => [r.orderId, r.shipTo]));
  };
  return { sf: new Map(sf.orders.map((o) => [o.name.slice(1), o])), wms: new Map(wms.items.map((it) => [it.order_ref, it])), sfRecords: await records('storefront'), wmsRecords: await records('wms') };
}

test('addresses: the storefront and the WMS serve where each order ships, the same place unless the customer changed it', async () => {
  await withShop(async (shop, clock) => {
    const w = shop.world;
    const got = await addresses(shop, clock);
    let diverged = 0;
    let compared = 0;
    for (const o of w.orders()) {
      const sfView = w.storefront(o);
      assert.ok(sfView);
      const sf = got.sf.get(o.orderId);
      assert.ok(sf, `the storefront serves ${o.orderId}`);
      const a = shipToOf(o, sfView);
      assert.deepEqual(sf.shipping_address, {
        first_name: a.receiver.firstName, last_name: a.receiver.lastName, name: a.receiver.name, company: null, phone: a.receiver.phone,
        address1: a.line1, address2: a.line2 ?? null, city: a.city, province: a.region, province_code: sf.shipping_address.province_code,
        zip: a.postalCode, country: { CN: 'China', US: 'United States', ES: 'Spain' }[a.country], country_code: a.country,
      });
      const sfRecord = got.sfRecords.get(o.orderId);
      assert.ok(sfRecord, `the storefront source reads the address of ${o.orderId}`);
      assert.deepEqual(missingParts(sfRecord), [], `${o.orderId}: a complete address in the storefront`);
      const wmsView = w.wms(o);
      const wms = got.wms.get(o.orderId);
      assert.equal(wms !== undefined, wmsView !== undefined);
      if (!wms || !wmsView) continue;
      const b = shipToOf(o, wmsView);
      assert.deepEqual(wms.ship_to, {
        receiver: b.receiver.name, mobile: b.receiver.phone, country: b.country, province: b.region, city: b.city,
        ...(b.district ? { district: b.district } : {}), street: streetLines(b), zip: b.postalCode,
      });
      const wmsRecord = got.wmsRecords.get(o.orderId);
      assert.ok(wmsRecord, `the WMS source (fields.shipTo) reads the address of ${o.orderId}`);
      assert.deepEqual(missingParts(wmsRecord), [], `${o.orderId}: a complete address in the WMS`);
      if (o.customer.region === 'CN') assert.ok(wmsRecord.district, 'the WMS keeps the district of a Chinese address');
      compared++;
      // What the address detector compares: nothing differs, except the street of an order whose customer changed it.
      const differs = differingParts(sfRecord, wmsRecord);
      if (sfView.state.addressChanged && !wmsView.state.addressChanged) {
        assert.equal(o.trouble?.kind, 'address');
        assert.deepEqual(differs, ['street'], `${o.orderId}: ${sfRecord.street} vs ${wmsRecord.street}`);
        assert.notEqual(sf.shipping_address.address1, o.shipTo.line1, 'the storefront has the new street');
        assert.equal(wms.ship_to.street, streetLines(o.shipTo), 'the WMS the old one');
        const change = o.planned.storefront.find((p) => p.set.shipTo === 'changed');
        assert.ok(change);
        if (['RECEIVED', 'ALLOCATED', 'PICKING', 'PACKED'].includes(wmsView.state.status)) {
          // Still in the warehouse: nothing happened in the storefront since the change.
          assert.equal(Date.parse(sf.updated_at), shownSecond(change.at), "the address change moved the storefront's updated_at");
          diverged++;
        } else {
          assert.equal(o.trouble?.wmsCatchesUp, false, `${o.orderId} shipped to the old street: the WMS never caught up`);
        }
      } else {
        assert.deepEqual(differs, [], `${o.orderId}: storefront and WMS agree`);
      }
    }
    assert.ok(compared > 50, `most orders are in the WMS: ${compared}`);
    assert.ok(diverged >= 1, 'an address-trouble order is in the warehouse with the old street at the start');

    // Deterministic: another shop on the same seed serves the same addresses.
    const again = await startDemoShop({ clock, seed: 77, orders: 120, troubles: true });
    try {
      const other = await addresses(again, clock);
      assert.deepEqual([...other.sf].map(([id, o]) => [id, o.shipping_address]), [...got.sf].map(([id, o]) => [id, o.shipping_address]));
      assert.deepEqual([...other.wms].map(([id, o]) => [id, o.ship_to]), [...got.wms].map(([id, o]) => [id, o.ship_to]));
    } finally {
      await again.stop();
    }
  }, { troubles: true });
});
