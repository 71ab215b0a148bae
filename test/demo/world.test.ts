import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { compileMapping } from '../../src/sync/normalize.ts';
import { DemoWorld, type DemoOrder } from '../../src/demo/world.ts';
import { TROUBLE_KINDS, UNMAPPED_RAW } from '../../src/demo/plan.ts';

const START = Date.UTC(2026, 2, 1);

function world(seed: number, orders = 300, troubles = true, clock = new ManualClock(START)): DemoWorld {
  return new DemoWorld({ clock, seed, orders, speed: 60, troubles });
}

// Every instant at which one of the order's systems changes, so a scan sees every state.
function changeTimes(o: DemoOrder): number[] {
  return [...o.planned.erp, ...o.planned.wms, ...o.planned.storefront].map((p) => p.at).sort((a, b) => a - b);
}

function snapshot(w: DemoWorld, at: number): unknown[] {
  return [...w.orders(at)].map((o) => [o.orderId, o.customer, o.items, o.amount, w.erp(o, at), w.wms(o, at), w.storefront(o, at)]);
}

test('same seed gives the same shop; another seed a different one', () => {
  const a = world(11);
  const b = world(11);
  const c = world(12);
  for (const at of [START, START + 60_000, START + 600_000]) {
    assert.deepEqual(snapshot(a, at), snapshot(b, at));
  }
  assert.notDeepEqual(snapshot(a, START), snapshot(c, START));
  assert.equal([...a.orders(START)].length, 300, 'the initial orders all exist at the start');
});

test('customers are complete and consistent with their region', () => {
  const w = world(5);
  const seen = new Set<string>();
  for (const o of w.orders()) {
    const c = o.customer;
    for (const [key, value] of Object.entries(c)) assert.ok(value !== '' && value !== undefined && value !== null, `${o.orderId} customer.${key}`);
    const phone = { CN: /^\+861[3-9]\d{9}$/, US: /^\+1\d{3}55501\d{2}$/, ES: /^\+346\d{8}$/ }[c.region];
    assert.match(c.phone, phone, `${o.orderId} phone ${c.phone}`);
    assert.match(c.email, /^[a-z.]+\d+@example\.(cn|com|es)$/);
    assert.match(c.openid, /^o[\w-]{27}$/);
    assert.equal(c.currency, { CN: 'CNY', US: 'USD', ES: 'EUR' }[c.region]);
    assert.equal(o.currency, c.currency);
    assert.ok(['zh-CN', 'en', 'es'].includes(c.language));
    assert.ok(['wechat', 'sms', 'email', 'wechaty'].includes(c.preferredChannel));
    assert.doesNotThrow(() => new Intl.DateTimeFormat('en', { timeZone: c.timeZone }));
    assert.ok(o.items.length >= 1 && o.items.length <= 3);
    for (const it of o.items) assert.ok(it.qty >= 1 && it.price > 0 && it.sku.length > 0);
    const sum = Math.round(o.items.reduce((s, it) => s + it.qty * it.price, 0) * 100) / 100;
    assert.equal(o.amount, sum);
    seen.add(c.region);
  }
  assert.deepEqual([...seen].sort(), ['CN', 'ES', 'US']);
});

test('every kind of trouble occurs and shows in the systems', () => {
  const w = world(3);
  const far = START + 30 * 24 * 60 * w.msPerSimMinute;
  const found = new Set<string>();
  for (const o of w.orders(START)) {
    const kind = o.trouble?.kind;
    if (!kind) continue;
    const times = changeTimes(o);
    if (kind === 'stuck') {
      const lastLife = o.life[o.life.length - 1]?.status;
      assert.equal(lastLife, o.trouble?.status);
      assert.notEqual(w.erp(o, far)?.state.status, '交易成功', 'a stuck order never completes');
    }
    if (kind === 'regression') {
      const wms = times.map((t) => w.wms(o, t)?.state.status);
      const shipped = wms.indexOf('SHIPPED');
      assert.ok(shipped >= 0 && wms.indexOf('PACKED', shipped) > shipped, `WMS goes SHIPPED then PACKED for ${o.orderId}`);
    }
    if (kind === 'disagreement') {
      assert.ok(times.some((t) => w.erp(o, t)?.state.status === '交易关闭' && ['SHIPPED', 'IN_TRANSIT'].includes(w.wms(o, t)?.state.status ?? '')));
      assert.equal(w.wms(o, far)?.state.status, 'DELIVERED', 'the WMS still delivers it');
    }
    if (kind === 'unmapped_wms') assert.ok(times.some((t) => w.wms(o, t)?.state.status === UNMAPPED_RAW.wms));
    if (kind === 'unmapped_erp') assert.ok(times.some((t) => w.erp(o, t)?.state.status === UNMAPPED_RAW.erp));
    if (kind === 'price') {
      assert.equal(w.erp(o, far)?.state.amount, Math.round(o.amount * 90) / 100, 'the ERP has it 10 % low');
      w.setErpAmount(o, o.amount);
      assert.equal(w.erp(o, far)?.state.amount, o.amount, 'until the right amount is written');
    }
    found.add(kind);
  }
  assert.deepEqual([...found].sort(), [...TROUBLE_KINDS].sort());
  const troubled = [...w.orders(START)].filter((o) => o.trouble).length;
  assert.ok(troubled >= 50 && troubled <= 70, `about 3% each of 300 orders, got ${troubled}`);
  assert.equal([...world(3, 300, false).orders(START)].filter((o) => o.trouble).length, 0, 'troubles: false means none');
});

test('one source goes down periodically', () => {
  const w = world(9);
  const o = w.outage;
  assert.ok(o);
  assert.equal(w.isOutage(o.system, o.firstAt - 1), false);
  assert.equal(w.isOutage(o.system, o.firstAt), true);
  assert.equal(w.isOutage(o.system, o.firstAt + o.durationMs), false);
  assert.equal(w.isOutage(o.system, o.firstAt + o.periodMs + 1), true, 'and again one period later');
  const other = (['erp', 'wms', 'storefront'] as const).find((s) => s !== o.system) ?? 'erp';
  assert.equal(w.isOutage(other, o.firstAt), false);
  assert.equal(world(9, 300, false).outage, null);
});

test('raw statuses: every one maps except the deliberately unmapped two', () => {
  const mappings = readDefaultSettings().mappings;
  const zh = mappings['zh-common'];
  const en = mappings['english-common'];
  assert.ok(zh && en);
  assert.equal(zh[UNMAPPED_RAW.erp], undefined);
  assert.equal(en[UNMAPPED_RAW.wms.toLowerCase()], undefined);
  const erpMap = compileMapping([zh]);
  const wmsMap = compileMapping([en]);
  const w = world(21, 600);
  const erpRaw = new Set<string>();
  const wmsRaw = new Set<string>();
  for (const o of w.orders(START)) {
    for (const t of changeTimes(o)) {
      const e = w.erp(o, t)?.state.status;
      const m = w.wms(o, t)?.state.status;
      if (e) erpRaw.add(e);
      if (m) wmsRaw.add(m);
    }
  }
  const unmappedErp = [...erpRaw].filter((r) => !erpMap(r));
  const unmappedWms = [...wmsRaw].filter((r) => !wmsMap(r));
  assert.deepEqual(unmappedErp, [UNMAPPED_RAW.erp]);
  assert.deepEqual(unmappedWms, [UNMAPPED_RAW.wms]);
  assert.ok(erpRaw.size >= 10, `ERP vocabulary ${[...erpRaw].join(',')}`);
  assert.ok(wmsRaw.has('RECEIVED') && wmsRaw.has('RETURNED') && wmsRaw.has('CANCELLED'));
});

test('new orders keep coming, old ones age out (bounded memory)', () => {
  const clock = new ManualClock(START);
  const w = world(4, 50, true, clock);
  const first = w.range();
  assert.deepEqual(first, { lo: 0, hi: 49 });
  const day = 24 * 60 * w.msPerSimMinute;
  const later = w.range(START + 30 * day);
  assert.ok(later.hi > 49 + 200, 'hundreds of new orders over 30 simulated days');
  assert.ok(later.lo > 0, 'the oldest have aged out');
  assert.ok(later.hi - later.lo + 1 <= 3 * 50, `at most ~2.7x the initial count live, got ${later.hi - later.lo + 1}`);
  clock.advance(30 * day);
  const live = [...w.orders()];
  assert.equal(live.length, later.hi - later.lo + 1);
  assert.ok(live.every((o) => o.createdAt <= clock.now()));
  assert.equal(w.findOrder('1001'), undefined, 'an aged-out order is gone');
});
