// Deliveries already acknowledged, remembered long enough to drop Slack's retries (1 min, 5 min later).
import type { Clock } from '../../core/clock.ts';
import { SLACK_DEDUPE_TTL_MS } from './limits.ts';

/** A bounded, time-limited set of delivery keys. */
export class DeliveryDedupe {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = SLACK_DEDUPE_TTL_MS,
    private readonly maxKeys = 50_000,
  ) {}

  /** Records `key`; false when it was already recorded within the TTL (a duplicate). */
  claim(key: string): boolean {
    const now = this.clock.now();
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.delete(key);
    this.seen.set(key, now + this.ttlMs);
    this.evict(now);
    return true;
  }

  private evict(now: number): void {
    // Map keeps insertion order, so the oldest entries come first.
    for (const [key, until] of this.seen) {
      if (until > now && this.seen.size <= this.maxKeys) break;
      this.seen.delete(key);
    }
  }
}
