// Message ids seen lately: a puppet that reconnects may emit a message again, and a repeated reply code must not be
// looked up twice (its card may have changed in between, which would answer "unknown code" to a click that worked).
// The hub's durable dedupe still guards whatever reaches it (across restarts too).
import type { Clock } from '../../core/clock.ts';

/** How long a message id is remembered. */
export const RECENT_TTL_MS = 15 * 60_000;
/** How many message ids are remembered at most. */
export const RECENT_MAX = 5000;

/** A bounded, expiring set of message ids. */
export class RecentMessages {
  private readonly seen = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** True the first time `id` is seen within the window; false for a repeat. */
  claim(id: string): boolean {
    const now = this.clock.now();
    const at = this.seen.get(id);
    if (at !== undefined && now - at < RECENT_TTL_MS) return false;
    this.seen.delete(id);
    this.seen.set(id, now);
    // Map keeps insertion order: the first entries are the oldest.
    for (const [key, t] of this.seen) {
      if (this.seen.size <= RECENT_MAX && now - t < RECENT_TTL_MS) break;
      this.seen.delete(key);
    }
    return true;
  }
}
