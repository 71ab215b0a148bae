// The per-channel noise budget: new alert cards per channel per clock hour, and the hour's digest card.
import type { PostedRef } from '../core/chat.ts';
import type { Db } from '../store/db.ts';

const HOUR = 3_600_000;

/** One group line of a digest card. */
export interface DigestEntry {
  groupKey: string;
  /** The group's labels as JSON (FindingLabels without orderId). */
  labels: string;
  active: number;
}

/** Start of the clock hour `now` falls in (budgets roll over on the hour). */
export function hourOf(now: number): number {
  return Math.floor(now / HOUR) * HOUR;
}

/** Counts posts and keeps the digest of each hour. */
export class NoiseBudget {
  constructor(private readonly db: Db) {}

  /** True when any of `channels` already got `limit` new alert cards in `hour`. */
  async exhausted(channels: readonly string[], hour: number, limit: number): Promise<boolean> {
    if (channels.length === 0) return false;
    const row = await this.db.get<{ posts: number | null }>('SELECT max(posts) AS posts FROM alert_posts WHERE hour = ? AND channel IN (SELECT value FROM json_each(?))', [
      hour,
      JSON.stringify(channels),
    ]);
    return (row?.posts ?? 0) >= limit;
  }

  /** Counts one new card on each channel it reached. */
  async count(refs: readonly PostedRef[], hour: number): Promise<void> {
    if (refs.length === 0) return;
    await this.db.run(
      `INSERT INTO alert_posts (channel, hour, posts) SELECT value, ?, 1 FROM json_each(?) WHERE true
       ON CONFLICT(channel, hour) DO UPDATE SET posts = posts + 1`,
      [hour, JSON.stringify(refs.map((r) => `${r.platform}:${r.channelId}`))],
    );
    await this.db.run('DELETE FROM alert_posts WHERE hour < ?', [hour - 24 * HOUR]);
  }

  /** Adds or refreshes groups in the hour's digest; returns the digest's card key and whether it was posted. */
  async addToDigest(hour: number, entries: readonly DigestEntry[], now: number): Promise<{ cardKey: string; posted: boolean }> {
    return this.db.transaction(async () => {
      const cardKey = `alerts:digest:${hour}`;
      await this.db.run('INSERT OR IGNORE INTO alert_digests (hour, card_key) VALUES (?, ?)', [hour, cardKey]);
      await this.db.run(
        `INSERT INTO alert_digest_groups (hour, group_key, labels, active, updated_at) SELECT ?1, value ->> 0, value ->> 1, value ->> 2, ?2 FROM json_each(?3) WHERE true
         ON CONFLICT(hour, group_key) DO UPDATE SET labels = excluded.labels, active = excluded.active, updated_at = excluded.updated_at`,
        [hour, now, JSON.stringify(entries.map((e) => [e.groupKey, e.labels, e.active]))],
      );
      await this.db.run('DELETE FROM alert_digest_groups WHERE hour < ?', [hour - 24 * HOUR]);
      await this.db.run('DELETE FROM alert_digests WHERE hour < ?', [hour - 24 * HOUR]);
      const row = await this.db.get<{ posted: number }>('SELECT posted FROM alert_digests WHERE hour = ?', [hour]);
      return { cardKey, posted: row?.posted === 1 };
    });
  }

  /** Records that the hour's digest card was posted (later changes update it in place). */
  async markDigestPosted(hour: number): Promise<void> {
    await this.db.run('UPDATE alert_digests SET posted = 1 WHERE hour = ?', [hour]);
  }

  /** The groups in an hour's digest. */
  entries(hour: number): Promise<DigestEntry[]> {
    return this.db.all<DigestEntry>('SELECT group_key AS groupKey, labels, active FROM alert_digest_groups WHERE hour = ? ORDER BY active DESC, group_key', [hour]);
  }
}
