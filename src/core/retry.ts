import type { Clock } from './clock.ts';
import { RetryableError } from './errors.ts';

/** Backoff settings: delay = min(maxMs, baseMs * 2^attempt), then full jitter. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** Delay before retry number `attempt` (0-based): a pure function of the attempt and a random draw in [0,1). */
export function computeBackoff(attempt: number, opts: BackoffOptions, random: number): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** attempt);
  // Half fixed, half jittered: never zero, never a thundering herd.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** Options for `withRetry`. */
export interface RetryOptions extends BackoffOptions {
  /** Retries after the first try (3 means up to 4 calls). */
  retries: number;
  clock: Clock;
  random?: () => number;
  signal?: AbortSignal;
  /** Longest Retry-After we honour before giving up on this round. */
  maxRetryAfterMs?: number;
  onRetry?: (err: RetryableError, attempt: number, delayMs: number) => void;
}

/** Calls `fn` until it succeeds, retrying only RetryableError, honouring its retryAfterMs. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const random = opts.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!(err instanceof RetryableError) || attempt >= opts.retries) throw err;
      const backoff = computeBackoff(attempt, opts, random());
      const maxAfter = opts.maxRetryAfterMs ?? 60_000;
      if (err.retryAfterMs !== undefined && err.retryAfterMs > maxAfter) throw err;
      const delay = Math.max(backoff, err.retryAfterMs ?? 0);
      opts.onRetry?.(err, attempt, delay);
      await opts.clock.sleep(delay, opts.signal);
    }
  }
}

/** Parses an HTTP Retry-After header (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
