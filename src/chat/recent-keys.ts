// Delivery keys seen lately, kept in memory so a platform's quick retries (Slack after 1 and 5 minutes, Feishu after
// 15 s, a wechaty puppet re-emitting on reconnect) are dropped before any work; the hub's durable dedupe (SQLite)
// is the one that survives a restart.
import type { Clock } from '../core/clock.ts';

/** A bounded, time-limited set of delivery keys. */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Records `key`; false when it was already recorded within the TTL (a duplicate). */
  claim(key: string): boolean {
    const now = this.clock.now();
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.delete(key);
    this.seen.set(key, now + this.ttlMs);
    // Map keeps insertion order, so the oldest entries come first.
    for (const [k, t] of this.seen) {
      if (t > now && this.seen.size <= this.maxKeys) break;
      this.seen.delete(k);
    }
    return true;
  }
}
