import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANONICAL_STATUSES, isLegalTransition, LEGAL_TRANSITIONS, STATUS_RANK, STATUS_STAGE } from '../../src/core/status.ts';

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
