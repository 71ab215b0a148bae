// The address check: comparison, completeness, the customer's one-line form and the staff's masked form, then the
// detector over a real store (records with addresses committed like a sync page, scans through the real runner).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskShipTo } from '../../cards/address.ts';
import { addressKey, differingParts, formatAddress, missingParts, normalizePart } from '../../src/core/address.ts';
import type { ShippingAddress } from '../../src/core/order.ts';
import { acceptAddresses, addressesOf } from '../../src/store/order-addresses.ts';
import type { Store } from '../../src/store/index.ts';
import { migrateModules } from '../../src/store/modules.ts';
import { detectWorld, MIN, openOf } from './helpers.ts';

async function doubts(store: Store): Promise<string[]> {
  return (await store.db.all<{ id: string }>('SELECT order_id AS id FROM address_doubts ORDER BY order_id')).map((r) => r.id);
}

const PUDONG: ShippingAddress = { name: '王小明', phone: '13812345678', region: '上海市', city: '上海市', district: '浦东新区', street: '世纪大道 100 号 8 楼', postalCode: '200120', country: 'CN' };
const BAKER: ShippingAddress = { name: 'Ann Hill', phone: '+44 20 7946 0018', street: '221B Baker Street, Flat 2', city: 'London', postalCode: 'NW1 6XE', country: 'GB' };

test('addresses compare by their place parts, folding width, case, spaces and punctuation', () => {
  assert.equal(normalizePart('世纪大道 100 号'), normalizePart('世纪大道１００号'));
  assert.equal(normalizePart('Baker St.'), normalizePart(' baker  st'));
  assert.notEqual(normalizePart('世纪大道 100 号'), normalizePart('世纪大道 200 号'));
  assert.equal(addressKey({ ...PUDONG, name: '王先生', phone: '13900000000' }), addressKey(PUDONG), 'receiver name and phone are not the place');
  assert.equal(addressKey({ name: 'only a name' }), '');
  assert.deepEqual(differingParts(PUDONG, { ...PUDONG, street: '世纪大道 200 号', postalCode: undefined }), ['street'], 'a part one side lacks is no difference');
  assert.deepEqual(differingParts(PUDONG, { ...PUDONG, street: '世纪大道１００号８楼' }), []);
  assert.deepEqual(differingParts(BAKER, { ...BAKER, city: 'Leeds', postalCode: 'LS1 1UR' }), ['city', 'postalCode']);
});

test('an address is incomplete without a street line, or without a locality unless one line says it all', () => {
  assert.deepEqual(missingParts({}), ['street', 'city']);
  assert.deepEqual(missingParts({ city: '杭州市' }), ['street']);
  assert.deepEqual(missingParts({ street: '文三路 90 号' }), ['city'], 'short line, no city, no postal code');
  assert.deepEqual(missingParts({ street: '浙江省杭州市西湖区文三路 90 号' }), [], 'a whole one-line address');
  assert.deepEqual(missingParts({ street: 'Main St 1', postalCode: '10115' }), []);
  assert.deepEqual(missingParts(PUDONG), []);
});

test('the customer reads their address in its own order; staff see only the locality', () => {
  assert.equal(formatAddress(PUDONG), '上海市浦东新区世纪大道 100 号 8 楼 200120', '上海市 as region and city is written once');
  assert.equal(formatAddress({ region: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 90 号' }), '浙江省杭州市西湖区文三路 90 号');
  assert.equal(formatAddress(BAKER), '221B Baker Street, Flat 2, London, NW1 6XE, GB');
  assert.equal(formatAddress({ street: 'Calle Mayor 12', city: 'Madrid', region: 'Madrid', postalCode: '28013', country: 'ES' }), 'Calle Mayor 12, Madrid, Madrid 28013, ES');
  assert.equal(maskShipTo(PUDONG), '上海市浦东新区**** (王** 138****5678)');
  assert.equal(maskShipTo(BAKER), '****, London, GB (A** +44 207***0018)');
  assert.equal(maskShipTo({ street: '广东省深圳市南山区科技园路 1 号' }), '广东省深圳市****', 'a one-line address keeps its city');
  for (const masked of [maskShipTo(PUDONG), maskShipTo(BAKER)]) assert.doesNotMatch(masked, /世纪大道|Baker|200120|NW1|13812345678|7946/);
});

test('systems that hold different addresses for an unshipped order: a finding after the grace, gone once they agree', async (t) => {
  const w = await detectWorld(t, [{ name: 'storefront' }, { name: 'wms' }]);
  await w.commit('storefront', [{ id: 'A1', status: 'paid', hoursAgo: 3, shipTo: PUDONG }]);
  // The same place written differently (full-width digits, no spaces, another receiver spelling): no problem.
  await w.commit('wms', [{ id: 'A1', status: 'paid', hoursAgo: 3, shipTo: { ...PUDONG, name: '王先生', street: '世纪大道１００号８楼' } }]);
  w.clock.advance(60 * MIN);
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'address')).size, 0);

  // The customer moves the delivery to another building in the storefront; the warehouse still has the old one.
  await w.commit('storefront', [{ id: 'A1', status: 'paid', hoursAgo: 0, shipTo: { ...PUDONG, street: '世纪大道 200 号' } }]);
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'address')).size, 0, 'inside the grace: the warehouse may just not have synced yet');
  w.clock.advance(31 * MIN);
  await w.runner.scan();
  const open = await openOf(w.store, 'address');
  const details = open.get('address:A1');
  assert.ok(details, 'raised after the grace');
  assert.deepEqual(details.problems, ['disagree']);
  assert.deepEqual(details.differs, ['street']);
  assert.equal(details.confirm, 'storefront', 'the latest change is the one to confirm');
  assert.equal((await w.store.findings.open({ kind: 'address' }))[0]?.source, 'wms', 'labelled with the system that ships with the old address');
  assert.doesNotMatch(JSON.stringify(details), /世纪大道|13812345678|200120/, 'finding details hold masked addresses only');
  assert.match(JSON.stringify(details), /上海市浦东新区\*\*\*\*/);

  assert.deepEqual(await doubts(w.store), ['A1'], 'the short list the check reads');
  // The warehouse catches up: the finding resolves.
  await w.commit('wms', [{ id: 'A1', status: 'paid', hoursAgo: 0, shipTo: { ...PUDONG, street: '世纪大道 200 号' } }]);
  assert.deepEqual(await doubts(w.store), [], 'agreeing addresses leave the list');
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'address')).size, 0);
  assert.ok(w.sink.resolved().includes('address:A1'));
  const stored = await addressesOf(w.store.db, 'A1');
  assert.deepEqual(stored.map((a) => [a.system, a.address.street]), [['storefront', '世纪大道 200 号'], ['wms', '世纪大道 200 号']]);
});

test('once the order ships (or before it is paid) its address is not checked', async (t) => {
  const w = await detectWorld(t, [{ name: 'storefront' }, { name: 'wms' }]);
  await w.commit('storefront', [
    { id: 'S1', status: 'paid', hoursAgo: 3, shipTo: BAKER },
    { id: 'C1', status: 'created', hoursAgo: 3, shipTo: { street: 'Flat 2' } },
  ]);
  await w.commit('wms', [{ id: 'S1', status: 'paid', hoursAgo: 3, shipTo: { ...BAKER, street: '10 Downing Street' } }]);
  w.clock.advance(60 * MIN);
  await w.runner.scan();
  assert.deepEqual([...(await openOf(w.store, 'address')).keys()], ['address:S1'], 'C1 is not paid yet');
  await w.commit('wms', [{ id: 'S1', status: 'shipped', hoursAgo: 0.5, shipTo: { ...BAKER, street: '10 Downing Street' } }]);
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'address')).size, 0, 'shipped: the question is moot');
});

test('an incomplete address is a finding at once; accepting it as it stands clears it until an address changes', async (t) => {
  const w = await detectWorld(t, [{ name: 'storefront' }]);
  await w.commit('storefront', [{ id: 'B1', status: 'paid', hoursAgo: 2, shipTo: { region: '浙江省', street: '文三路' } }]);
  await w.runner.scan();
  const details = (await openOf(w.store, 'address')).get('address:B1');
  assert.ok(details);
  assert.deepEqual(details.problems, ['incomplete']);
  assert.deepEqual(details.views, [{ system: 'storefront', masked: '浙江省****', missing: ['city'], changedAt: w.clock.now() - 2 * 60 * MIN }], 'dated by the source');

  assert.equal(await acceptAddresses(w.store.db, 'B1', 'console:ana', w.clock.now()), true);
  assert.equal(await acceptAddresses(w.store.db, 'NOPE', 'console:ana', w.clock.now()), false, 'no address, nothing accepted');
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'address')).size, 0, 'accepted as it stands');
  // Re-synced unchanged: still accepted.
  await w.commit('storefront', [{ id: 'B1', status: 'allocated', hoursAgo: 1, shipTo: { region: '浙江省', street: ' 文三路 ' } }]);
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'address')).size, 0);
  // A different (still incomplete) address is a new question.
  await w.commit('storefront', [{ id: 'B1', status: 'allocated', hoursAgo: 0.5, shipTo: { region: '浙江省', street: '文一路' } }]);
  await w.runner.scan();
  assert.deepEqual([...(await openOf(w.store, 'address')).keys()], ['address:B1']);
});

test('the doubts list is filled from the stored addresses when its schema step first runs', async (t) => {
  const w = await detectWorld(t, [{ name: 'storefront' }, { name: 'wms' }]);
  await w.commit('storefront', [{ id: 'D1', status: 'paid', hoursAgo: 2, shipTo: PUDONG }, { id: 'D2', status: 'paid', hoursAgo: 2, shipTo: { street: 'Flat 2' } }, { id: 'D3', status: 'paid', hoursAgo: 2, shipTo: BAKER }]);
  await w.commit('wms', [{ id: 'D1', status: 'paid', hoursAgo: 2, shipTo: { ...PUDONG, postalCode: '200000' } }, { id: 'D3', status: 'paid', hoursAgo: 2, shipTo: BAKER }]);
  assert.deepEqual(await doubts(w.store), ['D1', 'D2']);
  // A store from before the step: the table is new and empty.
  await w.store.db.exec("DROP TABLE address_doubts; DELETE FROM schema_modules WHERE name = 'sync.address_doubts'");
  assert.deepEqual(await migrateModules(w.store.db), ['sync.address_doubts']);
  assert.deepEqual(await doubts(w.store), ['D1', 'D2'], 'backfilled: two postal codes, a street-only line');
});
