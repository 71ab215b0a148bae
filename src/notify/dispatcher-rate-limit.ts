// Per-channel token buckets: a channel's provider limit is shared by every message going out on it.
import type { Clock } from '../core/clock.ts';
import type { CustomerChannelName } from '../core/notify.ts';
import type { NotifySettings, RateLimit } from './settings.ts';

/** A token bucket that hands out reservations: callers wait their turn in order instead of polling. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Takes one token; returns how many ms to wait before using it (0 = at once). */
  take(now: number): number {
    if (now > this.last) {
      this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
      this.last = now;
    }
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.limit.perSecond) * 1000);
  }
}

/** The token buckets of every channel, following the settings (a channel without a limit is not limited). */
export class ChannelRateLimiter {
  private readonly buckets = new Map<CustomerChannelName, { spec: string; bucket: TokenBucket }>();

  constructor(
    private readonly settings: () => NotifySettings,
    private readonly clock: Clock,
  ) {}

  /** Resolves when `channel` may send one more message. */
  async acquire(channel: CustomerChannelName, signal?: AbortSignal): Promise<void> {
    const limit = this.settings().rateLimits[channel];
    if (!limit) return;
    const spec = `${limit.perSecond}/${limit.burst}`;
    let entry = this.buckets.get(channel);
    if (!entry || entry.spec !== spec) {
      entry = { spec, bucket: new TokenBucket(limit, this.clock.now()) };
      this.buckets.set(channel, entry);
    }
    const wait = entry.bucket.take(this.clock.now());
    if (wait > 0) await this.clock.sleep(wait, signal);
  }
}
