import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assumedPath, CANONICAL_STATUSES, isLegalTransition, isPossibleMove, LEGAL_TRANSITIONS, STATUS_RANK, STATUS_STAGE } from '../../src/core/status.ts';

test('every canonical status has a stage, a rank and a transition row', () => {
  for (const s of CANONICAL_STATUSES) {
    assert.ok(STATUS_STAGE[s], s);
    assert.equal(typeof STATUS_RANK[s], 'number', s);
    assert.ok(LEGAL_TRANSITIONS[s], s);
  }
  assert.equal(new Set(Object.values(STATUS_RANK)).size, CANONICAL_STATUSES.length, 'ranks are distinct');
});

test('forward moves are legal, backwards ones are not', () => {
  assert.ok(isLegalTransition('paid', 'shipped'));
  assert.ok(isLegalTransition('created', 'delivered'), 'systems may skip steps');
  assert.ok(isLegalTransition(null, 'delivered'), 'first sighting');
  assert.ok(isLegalTransition('shipped', 'shipped'));
  assert.equal(isLegalTransition('shipped', 'paid'), false);
  assert.equal(isLegalTransition('delivered', 'picking'), false);
  assert.equal(isLegalTransition('refunded', 'paid'), false);
  assert.equal(isLegalTransition('shipped', 'cancelled'), false, 'a shipped parcel is returned, not cancelled');
  assert.ok(isLegalTransition('refund_requested', 'refunded'));
});

test('a move that skips unseen steps is possible, and says which path is assumed; a move backwards is not', () => {
  assert.deepEqual(assumedPath('delivered', 'refunded'), ['refund_requested'], 'an after-sales refund');
  assert.deepEqual(assumedPath('paid', 'refunded'), ['cancelled'], 'cancelled and refunded before shipping');
  assert.deepEqual(assumedPath('shipped', 'refunded'), ['refund_requested']);
  assert.deepEqual(assumedPath('paid', 'shipped'), [], 'a legal move needs no assumption');
  assert.deepEqual(assumedPath(null, 'refunded'), []);
  for (const [from, to] of [['shipped', 'paid'], ['delivered', 'shipped'], ['refunded', 'paid'], ['cancelled', 'paid'], ['delivered', 'picking'], ['completed', 'in_transit']] as const) {
    assert.equal(assumedPath(from, to), undefined, `${from} → ${to} stays a regression`);
    assert.equal(isPossibleMove(from, to), false);
  }
  // A refused refund puts the order back (legal when seen), but is never assumed for a step nobody saw.
  assert.ok(isLegalTransition('refund_requested', 'paid'));
  assert.equal(isPossibleMove('shipped', 'paid'), false, 'not shipped → (refund requested) → paid');
  for (const from of CANONICAL_STATUSES) {
    for (const to of CANONICAL_STATUSES) {
      if (isLegalTransition(from, to)) assert.ok(isPossibleMove(from, to), `${from} → ${to}`);
      const path = assumedPath(from, to);
      if (!path || path.length === 0) continue;
      const chain = [from, ...path, to];
      for (let i = 1; i < chain.length; i++) assert.ok(isLegalTransition(chain[i - 1] ?? null, chain[i] as (typeof CANONICAL_STATUSES)[number]), `${chain.join(' → ')} is made of legal moves`);
    }
  }
});
