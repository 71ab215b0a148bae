import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { compileMapping } from '../../src/sync/normalize.ts';
import { DemoWorld, type DemoOrder } from '../../src/demo/world.ts';
import { ADDRESS_HOLD, TROUBLE_KINDS, UNMAPPED_RAW } from '../../src/demo/plan.ts';

const START = Date.UTC(2026, 2, 1);

function world(seed: number, orders = 300, troubles = true, clock = new ManualClock(START)): DemoWorld {
  return new DemoWorld({ clock, seed, orders, speed: 60, troubles });
}

// Every instant at which one of the order's systems changes, so a scan sees every state.
function changeTimes(o: DemoOrder): number[] {
  return [...o.planned.erp, ...o.planned.wms, ...o.planned.storefront].map((p) => p.at).sort((a, b) => a - b);
}

function snapshot(w: DemoWorld, at: number): unknown[] {
  return [...w.orders(at)].map((o) => [o.orderId, o.customer, o.items, o.amount, o.shipTo, o.changedShipTo, w.erp(o, at), w.wms(o, at), w.storefront(o, at)]);
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

const PRE_SHIPPING = new Set(['RECEIVED', 'ALLOCATED', 'PICKING', 'PACKED']);

// An address-trouble order: the storefront's address changes (and its updated_at with it) after the WMS took the order;
// the WMS keeps the old street, before shipping, for days; then it catches up before picking, or ships the old one.
// Returns whether the WMS caught up.
function checkAddressTrouble(w: DemoWorld, o: DemoOrder, far: number): boolean {
  const changed = o.changedShipTo;
  assert.ok(changed, `${o.orderId} has a changed address`);
  assert.notEqual(changed.line1, o.shipTo.line1, 'the street line differs');
  assert.deepEqual({ ...changed, line1: '' }, { ...o.shipTo, line1: '' }, 'and nothing else: same receiver, city, postal code');
  const change = o.planned.storefront.find((p) => p.set.shipTo === 'changed');
  const received = o.planned.wms[0];
  assert.ok(change && received, `${o.orderId} changes its address in the storefront`);
  assert.ok(received.at < change.at, 'after the order reached the WMS');
  assert.equal(w.storefront(o, change.at - 1)?.state.addressChanged, false);
  const after = w.storefront(o, change.at);
  assert.equal(after?.state.addressChanged, true);
  assert.equal(after?.updatedAt, change.at, "the storefront's updated_at moves with the address");
  assert.equal(after?.state.financial, 'paid');
  const shipped = o.planned.wms.find((p) => p.set.status === 'SHIPPED');
  const caughtUp = o.planned.wms.find((p) => p.set.shipTo === 'changed');
  assert.ok(shipped);
  const until = caughtUp?.at ?? shipped.at;
  assert.ok(until - change.at >= (ADDRESS_HOLD.min - 120) * w.msPerSimMinute, `${o.orderId}: the WMS holds the old address for days before shipping`);
  for (const t of [change.at, ...o.planned.wms.map((p) => p.at).filter((t) => t > change.at && t < until), until - 1]) {
    const view = w.wms(o, t);
    assert.ok(view && PRE_SHIPPING.has(view.state.status), `${o.orderId} not shipped at ${t}: ${view?.state.status}`);
    assert.equal(view.state.addressChanged, false, 'the WMS has the old address');
  }
  if (o.trouble?.wmsCatchesUp === true) {
    assert.ok(caughtUp && caughtUp.at < shipped.at, 'the WMS re-imports the address before shipping');
    assert.deepEqual(w.wms(o, caughtUp.at), { state: { status: 'ALLOCATED', addressChanged: true }, updatedAt: caughtUp.at }, "and its updated_at moves");
    assert.equal(w.wms(o, far)?.state.addressChanged, true);
    return true;
  }
  assert.equal(caughtUp, undefined);
  assert.equal(w.wms(o, far)?.state.addressChanged, false, 'shipped to the old street');
  assert.equal(w.wms(o, far)?.state.status, 'DELIVERED');
  return false;
}

test('every kind of trouble occurs and shows in the systems', () => {
  const w = world(3);
  const far = START + 30 * 24 * 60 * w.msPerSimMinute;
  const found = new Set<string>();
  const catchUp = new Set<boolean>();
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
    if (kind === 'address') catchUp.add(checkAddressTrouble(w, o, far));
    else assert.equal(o.changedShipTo, undefined, `${o.orderId} (${kind}) keeps its address`);
    found.add(kind);
  }
  assert.deepEqual([...found].sort(), [...TROUBLE_KINDS].sort());
  assert.deepEqual([...catchUp].sort(), [false, true], 'the WMS catches up with some changed addresses, ships others to the old one');
  const troubled = [...w.orders(START)].filter((o) => o.trouble).length;
  assert.ok(troubled >= 60 && troubled <= 80, `about 1 in 30 orders per kind (7 kinds) of 300 orders, got ${troubled}`);
  assert.equal([...world(3, 300, false).orders(START)].filter((o) => o.trouble).length, 0, 'troubles: false means none');
});

test('every order ships somewhere: complete addresses of the customer\'s region, mostly their home, deterministic', () => {
  const w = world(5, 300, false);
  const patterns = {
    CN: { postal: /^\d{6}$/, line1: /^\p{Script=Han}+ \d+ 号( \d+ 幢 \d+ 室)?$/u, line2: /^$/ },
    US: { postal: /^\d{5}$/, line1: /^\d{3,4} [A-Z0-9][\w ]+$/, line2: /^(Apt \d+[A-D])?$/ },
    ES: { postal: /^\d{5}$/, line1: /^\p{L}[\p{L} ]+, \d+$/u, line2: /^(\dº (A|B|C|D|izda\.|dcha\.))?$/ },
  };
  let home = 0;
  const regions = new Set<string>();
  for (const o of w.orders()) {
    const a = o.shipTo;
    const p = patterns[a.country];
    assert.equal(a.country, o.customer.region, `${o.orderId} ships within the customer's country`);
    assert.match(a.postalCode, p.postal, `${o.orderId} postal code`);
    assert.match(a.line1, p.line1, `${o.orderId} street line`);
    assert.match(a.line2 ?? '', p.line2, `${o.orderId} second line`);
    assert.ok(a.region && a.city, `${o.orderId} region and city`);
    assert.equal(a.district !== undefined, a.country === 'CN', 'a district for Chinese addresses only');
    assert.ok(a.receiver.name.length > 0);
    assert.match(a.receiver.phone, { CN: /^\+861[3-9]\d{9}$/, US: /^\+1\d{3}55501\d{2}$/, ES: /^\+346\d{8}$/ }[a.country]);
    if (a === o.customer.address || JSON.stringify(a) === JSON.stringify(o.customer.address)) home++;
    else assert.notEqual(a.receiver.name + a.receiver.phone, o.customer.name + o.customer.phone, `${o.orderId}: a gift goes to someone else`);
    if (a.country === 'US') assert.equal(a.receiver.phone.slice(2, 5) === '212', a.city === 'New York', 'a US address follows the phone area code');
    regions.add(`${a.country}:${a.region}`);
    assert.equal(o.changedShipTo, undefined, 'troubles are off: nobody changes their address');
  }
  const total = [...w.orders()].length;
  assert.ok(home / total > 0.8 && home < total, `most orders ship home, some elsewhere: ${home} of ${total}`);
  assert.ok(regions.size >= 12, `addresses spread over many regions: ${[...regions].join(' ')}`);
  const again = world(5, 300, false);
  assert.deepEqual([...again.orders()].map((o) => o.shipTo), [...w.orders()].map((o) => o.shipTo), 'same seed, same addresses');
  assert.notDeepEqual([...world(6, 300, false).orders()].map((o) => o.shipTo), [...w.orders()].map((o) => o.shipTo));
  const withTroubles = world(5, 300, true);
  assert.deepEqual([...withTroubles.orders()].map((o) => o.shipTo), [...w.orders()].map((o) => o.shipTo), 'troubles change no address as ordered');
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
