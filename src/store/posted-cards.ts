import type { PostedRef } from '../core/chat.ts';
import type { Db } from './db.ts';

/** Schema of the chat tables (a step of the module migrations). */
export const POSTED_CARDS_SQL = `
  CREATE TABLE posted_cards (
    card_key TEXT NOT NULL,
    platform TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    language TEXT NOT NULL,
    posted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (platform, channel_id, message_id)
  );
  CREATE INDEX posted_cards_key ON posted_cards(card_key);
`;

/** One posted copy of a card. */
export interface PostedCopy extends PostedRef {
  cardKey: string;
  language: string;
}

/** Every place a card was posted, so a state change can update each copy. */
export class PostedCardsRepo {
  constructor(private readonly db: Db) {}

  /** Remembers a posted copy. */
  async remember(cardKey: string, ref: PostedRef, language: string, now: number): Promise<void> {
    await this.db.run(
      `INSERT INTO posted_cards (card_key, platform, channel_id, message_id, language, posted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(platform, channel_id, message_id) DO UPDATE SET card_key = excluded.card_key, updated_at = excluded.updated_at`,
      [cardKey, ref.platform, ref.channelId, ref.messageId, language, now, now],
    );
  }

  /** Every copy posted under a card key. */
  async copies(cardKey: string): Promise<PostedCopy[]> {
    return this.db.all<PostedCopy>(
      'SELECT card_key AS cardKey, platform, channel_id AS channelId, message_id AS messageId, language FROM posted_cards WHERE card_key = ? ORDER BY posted_at',
      [cardKey],
    );
  }

  /** The card key of a posted message, if it was tracked. */
  async keyOf(ref: PostedRef): Promise<string | undefined> {
    const row = await this.db.get<{ card_key: string }>('SELECT card_key FROM posted_cards WHERE platform = ? AND channel_id = ? AND message_id = ?', [ref.platform, ref.channelId, ref.messageId]);
    return row?.card_key;
  }

  /** Records that a copy was updated. */
  async touch(ref: PostedRef, now: number): Promise<void> {
    await this.db.run('UPDATE posted_cards SET updated_at = ? WHERE platform = ? AND channel_id = ? AND message_id = ?', [now, ref.platform, ref.channelId, ref.messageId]);
  }

  /** Puts `fresh` in the place of `old` (same card key and language): the platform made us post a new copy. */
  async replace(old: PostedRef, fresh: PostedRef, now: number): Promise<void> {
    await this.db.run(
      'UPDATE posted_cards SET platform = ?, channel_id = ?, message_id = ?, updated_at = ? WHERE platform = ? AND channel_id = ? AND message_id = ?',
      [fresh.platform, fresh.channelId, fresh.messageId, now, old.platform, old.channelId, old.messageId],
    );
  }

  /** Claims an inbound delivery key; false when it was already seen (a platform retry). */
  async claimInbound(scope: string, key: string, now: number): Promise<boolean> {
    const res = await this.db.run('INSERT OR IGNORE INTO inbound_keys (scope, key, at) VALUES (?, ?, ?)', [scope, key, now]);
    return res.changes > 0;
  }
}
