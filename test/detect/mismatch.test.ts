import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findMismatch, pairRule, type OrderView } from '../../src/detect/mismatch.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { detectWorld, MIN, NOW, openOf } from './helpers.ts';

const authority = readDefaultSettings().authority;
const v = (system: string, status: OrderView['status'], minutesAgo = 120): OrderView => ({ system, status, raw: status, updatedAt: NOW - minutesAgo * MIN, amount: null, currency: null });
const opts = { authority, now: NOW, graceMs: 30 * MIN, sourceOf: (s: string) => s };

test('the rule: contradictions, an owner that did not follow, fulfilled-but-unpaid — and plain lag is not a mismatch', () => {
  assert.deepEqual(pairRule(v('erp', 'cancelled'), v('wms', 'shipped'), authority), { rule: 'contradiction', blamed: 'wms' });
  assert.deepEqual(pairRule(v('wms', 'delivered'), v('storefront', 'refunded'), authority), { rule: 'contradiction', blamed: 'wms' });
  assert.deepEqual(pairRule(v('wms', 'in_transit'), v('erp', 'paid'), authority), { rule: 'owner_behind', blamed: 'erp' }, 'erp owns delivery, still says paid');
  assert.deepEqual(pairRule(v('wms', 'shipped'), v('storefront', 'created'), authority), { rule: 'fulfilled_unpaid', blamed: 'storefront' });
  assert.equal(pairRule(v('wms', 'shipped'), v('storefront', 'paid'), authority), undefined, 'the storefront does not own fulfilment: lag');
  assert.equal(pairRule(v('wms', 'packed'), v('erp', 'paid'), authority), undefined, 'erp does not own fulfilment');
  assert.equal(pairRule(v('wms', 'delivered'), v('erp', 'in_transit'), authority), undefined, 'same stage: lag');
  assert.equal(pairRule(v('wms', 'shipped'), v('storefront', 'refund_requested'), authority), undefined, 'a refund request after shipping is normal');
});

test('grace: a disagreement counts only once both views have stood longer than the grace period', () => {
  assert.equal(findMismatch('A1', [v('erp', 'cancelled', 120), v('wms', 'shipped', 20)], opts), undefined);
  const found = findMismatch('A1', [v('erp', 'cancelled', 120), v('wms', 'shipped', 31)], opts);
  assert.equal(found?.fingerprint, 'mismatch:A1');
  assert.equal(found?.details.since, NOW - 31 * MIN);
  assert.deepEqual(found?.details.views.map((x) => `${x.system}:${x.status}`), ['erp:cancelled', 'wms:shipped']);
});

test('mismatch through the runner: ERP cancelled, WMS shipped after the grace; resolves when WMS agrees', async (t) => {
  const w = await detectWorld(t, [{ name: 'erp' }, { name: 'wms' }]);
  await w.commit('erp', [{ id: 'M1', status: 'cancelled', hoursAgo: 3 }, { id: 'L1', status: 'paid', hoursAgo: 3 }]);
  await w.commit('wms', [{ id: 'M1', status: 'shipped', hoursAgo: 0.25 }, { id: 'L1', status: 'packed', hoursAgo: 2 }]);
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'mismatch')).size, 0, 'within the 30 min grace; L1 is ordinary lag');
  w.clock.advance(20 * MIN);
  await w.runner.scan();
  const open = await openOf(w.store, 'mismatch');
  assert.deepEqual([...open.keys()], ['mismatch:M1'], 'M1 is a settled order (cancelled) but a batch touched it recently');
  assert.equal(w.sink.batches.at(-1)?.firing.find((f) => f.fingerprint === 'mismatch:M1')?.labels.source, 'wms');
  await w.commit('wms', [{ id: 'M1', status: 'cancelled', hoursAgo: 0 }]);
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'mismatch')).size, 0);
  assert.ok(w.sink.resolved().includes('mismatch:M1'));
});

test('restarts: the very first scan reads every order; later starts read what the event log says changed since the last scan', async (t) => {
  const w = await detectWorld(t, [{ name: 'erp' }, { name: 'wms' }]);
  await w.commit('erp', [{ id: 'M2', status: 'cancelled', hoursAgo: 30 }], { feed: false });
  await w.commit('wms', [{ id: 'M2', status: 'delivered', hoursAgo: 20 }], { feed: false });
  const first = await w.newRunner().scan();
  assert.equal(first.full, true, 'no scan ever ran on this database');
  assert.deepEqual([...(await openOf(w.store, 'mismatch')).keys()], ['mismatch:M2']);

  // While the runner is down, M3 (settled: refunded) gets a contradicting view; its events are dated long ago.
  await w.commit('storefront', [{ id: 'M3', status: 'refunded', hoursAgo: 50 }], { feed: false });
  await w.commit('wms', [{ id: 'M3', status: 'completed', hoursAgo: 40 }], { feed: false });
  w.clock.advance(5 * MIN);
  const again = await w.newRunner().scan();
  assert.equal(again.full, false, 'the event log since the last scan names the orders to look at');
  assert.deepEqual([...(await openOf(w.store, 'mismatch')).keys()].sort(), ['mismatch:M2', 'mismatch:M3']);
});
