import type { Clock } from '../core/clock.ts';

/** Shopify's REST rate limit: a leaky bucket of `size` requests draining `leakPerSecond`. */
export interface BucketOptions {
  size: number;
  leakPerSecond: number;
}

/** Shopify's default for standard plans: 40 requests, 2 per second. */
export const SHOPIFY_DEFAULT_BUCKET: BucketOptions = { size: 40, leakPerSecond: 2 };

/** The leaky bucket: `take` admits a request or says how long until one would be admitted. */
export class LeakyBucket {
  private level = 0;
  private last: number;
  constructor(
    private readonly opts: BucketOptions,
    private readonly clock: Clock,
  ) {
    this.last = clock.now();
  }

  /** Admits one request (ok) or refuses it with the seconds to wait. */
  take(): { ok: true; used: number } | { ok: false; retryAfterS: number; used: number } {
    const now = this.clock.now();
    this.level = Math.max(0, this.level - ((now - this.last) / 1000) * this.opts.leakPerSecond);
    this.last = now;
    if (this.level + 1 > this.opts.size) {
      const wait = (this.level + 1 - this.opts.size) / this.opts.leakPerSecond;
      return { ok: false, retryAfterS: Math.max(0.1, Math.ceil(wait * 10) / 10), used: Math.ceil(this.level) };
    }
    this.level += 1;
    return { ok: true, used: Math.ceil(this.level) };
  }

  /** Header value like "12/40". */
  header(used: number): string {
    return `${used}/${this.opts.size}`;
  }
}
