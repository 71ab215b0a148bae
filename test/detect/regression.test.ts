import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStillRegressed, regressionOf } from '../../src/detect/regression.ts';
import { detectWorld, HOUR, NOW, openOf } from './helpers.ts';

test('a forbidden transition in a committed batch is a regression finding per (order, system), raised at once', async (t) => {
  const w = await detectWorld(t, [{ name: 'wms' }]);
  await w.commit('wms', [{ id: 'A1', status: 'shipped', hoursAgo: 5 }, { id: 'A2', status: 'packed', hoursAgo: 5 }]);
  await w.commit('wms', [
    { id: 'A1', status: 'paid', raw: 'PAID', hoursAgo: 1 },
    { id: 'A2', status: 'shipped', hoursAgo: 1 },
  ]);
  const open = await openOf(w.store, 'regression');
  assert.deepEqual([...open.keys()], ['regression:A1:wms'], 'packed → shipped is legal, shipped → paid is not');
  assert.deepEqual(open.get('regression:A1:wms'), { system: 'wms', from: 'shipped', to: 'paid', raw: 'PAID', at: NOW - HOUR });
  assert.deepEqual(w.sink.firing(), ['regression:A1:wms']);
  assert.equal(w.sink.batches[0]?.firing[0]?.labels.source, 'wms');
});

test('events committed while nobody listened are caught by the next scan (from the last event checked), once', async (t) => {
  const w = await detectWorld(t, [{ name: 'erp' }]);
  await w.commit('erp', [{ id: 'B1', status: 'delivered', hoursAgo: 5 }], { feed: false });
  await w.commit('erp', [{ id: 'B1', status: 'in_transit', hoursAgo: 1 }], { feed: false });
  const runner = w.newRunner();
  await runner.scan();
  assert.deepEqual([...(await openOf(w.store, 'regression')).keys()], ['regression:B1:erp']);
  const seen = w.sink.firing().filter((f) => f === 'regression:B1:erp').length;
  await runner.scan();
  assert.equal(w.sink.firing().filter((f) => f === 'regression:B1:erp').length, seen, 'not sent again by the next scan');
});

test('a regression resolves once the system is back where it was, not while it is still behind', async (t) => {
  const w = await detectWorld(t, [{ name: 'wms' }]);
  await w.commit('wms', [{ id: 'A1', status: 'shipped', hoursAgo: 5 }]);
  await w.commit('wms', [{ id: 'A1', status: 'paid', hoursAgo: 4 }]);
  await w.commit('wms', [{ id: 'A1', status: 'allocated', hoursAgo: 3 }]);
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'regression')).size, 1, 'paid → allocated is legal, but the system is still behind shipped');
  await w.commit('wms', [{ id: 'A1', status: 'in_transit', hoursAgo: 1 }]);
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'regression')).size, 0);
  assert.ok(w.sink.resolved().includes('regression:A1:wms'));
});

test('the rule itself: first sightings and legal moves are not regressions', () => {
  const base = { orderId: 'X', system: 'erp', raw: 'r', at: 0 };
  assert.equal(regressionOf({ ...base, from: null, to: 'paid' }, (s) => s), undefined);
  assert.equal(regressionOf({ ...base, from: 'refund_requested', to: 'delivered' }, (s) => s), undefined, 'a refused refund goes back legally');
  assert.equal(regressionOf({ ...base, from: 'completed', to: 'paid' }, (s) => s)?.fingerprint, 'regression:X:erp');
  assert.equal(isStillRegressed({ from: 'shipped' }, 'shipped'), false);
  assert.equal(isStillRegressed({ from: 'shipped' }, undefined), false);
  assert.equal(isStillRegressed({ from: 'shipped' }, 'packed'), true);
});

test('skipped steps are not regressions: after-sales refunds, cancelled-and-refunded, returns; only real moves backwards are', async (t) => {
  const w = await detectWorld(t, [{ name: 'shop' }]);
  // A realistic change set between two polls: most moves skip a step the poll never saw.
  const before = [
    { id: 'R1', status: 'delivered' as const, hoursAgo: 300 },
    { id: 'R2', status: 'paid' as const, hoursAgo: 30 },
    { id: 'R3', status: 'completed' as const, hoursAgo: 900 },
    { id: 'R4', status: 'shipped' as const, hoursAgo: 20 },
    { id: 'R5', status: 'in_transit' as const, hoursAgo: 20 },
    { id: 'R6', status: 'delivered' as const, hoursAgo: 20 },
    { id: 'R7', status: 'cancelled' as const, hoursAgo: 20 },
  ];
  await w.commit('shop', before);
  await w.commit('shop', [
    { id: 'R1', status: 'refunded', raw: 'refunded/fulfilled', hoursAgo: 1 },
    { id: 'R2', status: 'refunded', raw: 'refunded/unfulfilled', hoursAgo: 1 },
    { id: 'R3', status: 'refunded', raw: 'refunded/fulfilled', hoursAgo: 1 },
    { id: 'R4', status: 'returned', raw: 'RETURNED', hoursAgo: 1 },
    { id: 'R5', status: 'paid', raw: 'paid/unfulfilled', hoursAgo: 1 },
    { id: 'R6', status: 'shipped', raw: 'shipped', hoursAgo: 1 },
    { id: 'R7', status: 'paid', raw: 'paid', hoursAgo: 1 },
  ]);
  await w.runner.scan();
  assert.deepEqual([...(await openOf(w.store, 'regression')).keys()].sort(), ['regression:R5:shop', 'regression:R6:shop', 'regression:R7:shop']);
});
