import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentKeys } from '../../src/chat/recent-keys.ts';
import { ManualClock } from '../../src/core/clock.ts';

test('a key is taken once within its TTL, again after it; the set stays bounded, oldest dropped first', () => {
  const clock = new ManualClock(0);
  const keys = new RecentKeys(clock, 1000, 3);
  assert.equal(keys.claim('a'), true);
  assert.equal(keys.claim('a'), false, 'a retry within the TTL');
  clock.advance(1001);
  assert.equal(keys.claim('a'), true, 'after the TTL it is new again');
  for (const k of ['b', 'c', 'd']) assert.equal(keys.claim(k), true);
  assert.equal(keys.claim('a'), true, 'the oldest key was dropped to stay within 3');
  assert.equal(keys.claim('d'), false);
});
