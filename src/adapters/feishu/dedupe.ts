// Deliveries already taken, remembered long enough to drop Feishu's retries (15 s, 5 min, 1 h, 6 h later) fast;
// the hub's durable dedupe (SQLite, by event_id) is the one that survives a restart.
import type { Clock } from '../../core/clock.ts';
import { FEISHU_DEDUPE_TTL_MS } from './limits.ts';

/** A bounded, time-limited set of delivery keys. */
export class DeliveryDedupe {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = FEISHU_DEDUPE_TTL_MS,
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
    for (const [key, until] of this.seen) {
      if (until > now && this.seen.size <= this.maxKeys) break;
      this.seen.delete(key);
    }
  }
}
