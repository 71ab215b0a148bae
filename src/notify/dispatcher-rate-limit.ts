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
    this.refill(now);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.limit.perSecond) * 1000);
  }

  /** How long `take` would make the caller wait now, without taking anything. */
  peek(now: number): number {
    this.refill(now);
    const after = this.tokens - 1;
    return after >= 0 ? 0 : Math.ceil((-after / this.limit.perSecond) * 1000);
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
      this.last = now;
    }
  }
}

/** The token buckets of every channel, following the settings (a channel without a limit is not limited). */
export class ChannelRateLimiter {
  private readonly buckets = new Map<CustomerChannelName, { spec: string; bucket: TokenBucket }>();

  constructor(
    private readonly settings: () => NotifySettings,
    private readonly clock: Clock,
  ) {}

  /**
   * Waits for `channel`'s turn and resolves true; resolves false at once (taking nothing) when the turn is more than
   * `maxWaitMs` away, so the caller can put the message back instead of holding its lease that long.
   */
  async acquire(channel: CustomerChannelName, maxWaitMs = Infinity): Promise<boolean> {
    const limit = this.settings().rateLimits[channel];
    if (!limit) return true;
    const spec = `${limit.perSecond}/${limit.burst}`;
    let entry = this.buckets.get(channel);
    if (!entry || entry.spec !== spec) {
      entry = { spec, bucket: new TokenBucket(limit, this.clock.now()) };
      this.buckets.set(channel, entry);
    }
    if (entry.bucket.peek(this.clock.now()) > maxWaitMs) return false;
    const wait = entry.bucket.take(this.clock.now());
    if (wait > 0) await this.clock.sleep(wait);
    return true;
  }
}
