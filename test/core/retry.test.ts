import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeBackoff, parseRetryAfter, withRetry } from '../../src/core/retry.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { PermanentError, RetryableError } from '../../src/core/errors.ts';

test('backoff doubles per attempt, is capped and jittered within [ceiling/2, ceiling]', () => {
  const opts = { baseMs: 100, maxMs: 1000 };
  assert.equal(computeBackoff(0, opts, 0), 50);
  assert.equal(computeBackoff(0, opts, 0.999), 100);
  assert.equal(computeBackoff(2, opts, 0), 200);
  assert.equal(computeBackoff(10, opts, 1), 1000);
});

test('Retry-After in seconds or as an HTTP date', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('2', now), 2000);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

test('withRetry retries retryable errors, honours Retry-After, and stops after the limit', async () => {
  const clock = new ManualClock();
  const delays: number[] = [];
  let calls = 0;
  const p = withRetry(
    async () => {
      calls++;
      throw new RetryableError('http.429', 'slow down', { retryAfterMs: 5000 });
    },
    { retries: 3, baseMs: 100, maxMs: 1000, clock, random: () => 0, onRetry: (_e, _a, d) => delays.push(d) },
  );
  const rejected = assert.rejects(p, /slow down/);
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advance(5000);
  }
  await rejected;
  assert.equal(calls, 4);
  assert.deepEqual(delays, [5000, 5000, 5000]);
});

test('withRetry does not retry permanent errors', async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(async () => {
      calls++;
      throw new PermanentError('http.404', 'gone');
    }, { retries: 3, baseMs: 1, maxMs: 1, clock: new ManualClock() }),
    /gone/,
  );
  assert.equal(calls, 1);
});

test('a 4xx reason never carries a credential we sent', async () => {
  const { errorReason } = await import('../../src/sync/http-client.ts');
  assert.equal(errorReason('{"errors":"[API] Invalid API key"}', {}), '[API] Invalid API key');
  assert.equal(errorReason('{"error":"bad token shpat_secret123456 given"}', { 'x-shopify-access-token': 'shpat_secret123456' }), 'bad token *** given');
  assert.equal(errorReason('{"message":"Bearer abcdefghijkl is wrong"}', { authorization: 'Bearer abcdefghijkl' }), 'Bearer *** is wrong');
  assert.equal(errorReason('<html>oops</html>'), undefined);
});
