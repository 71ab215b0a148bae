import type { Card } from '../core/card.ts';
import type { Db } from './db.ts';

/** Schema of the cards waiting for a platform to come back (a step of the module migrations). */
export const PENDING_CARDS_SQL = `
  CREATE TABLE pending_cards (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    card_key TEXT NOT NULL,
    platform TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    language TEXT NOT NULL,
    card TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (card_key, platform, channel_id)
  );
  CREATE INDEX pending_cards_due ON pending_cards(next_at);
`;

/** A card that could not be posted yet. */
export interface PendingCard {
  id: number;
  cardKey: string;
  platform: string;
  channelId: string;
  language: string;
  card: Card;
  attempts: number;
}

interface Row {
  id: number;
  card_key: string;
  platform: string;
  channel_id: string;
  language: string;
  card: string;
  attempts: number;
}

const toPending = (r: Row): PendingCard => ({ id: r.id, cardKey: r.card_key, platform: r.platform, channelId: r.channel_id, language: r.language, card: JSON.parse(r.card) as Card, attempts: r.attempts });

/** Cards kept for a platform that is down or rate-limited: delivered when it recovers, across restarts. */
export class PendingCardsRepo {
  constructor(private readonly db: Db) {}

  /** Keeps a card for (cardKey, channel); a card already waiting there is replaced by this newer state. Returns its id. */
  async add(input: { cardKey: string; platform: string; channelId: string; language: string; card: Card; error: string }, now: number, nextAt: number): Promise<number> {
    const row = await this.db.get<{ id: number }>(
      `INSERT INTO pending_cards (card_key, platform, channel_id, language, card, next_at, last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(card_key, platform, channel_id) DO UPDATE SET card = excluded.card, last_error = excluded.last_error
       RETURNING id`,
      [input.cardKey, input.platform, input.channelId, input.language, JSON.stringify(input.card), nextAt, input.error.slice(0, 500), now],
    );
    return row?.id ?? 0;
  }

  /** Cards due at `now`, oldest first. */
  async due(now: number, limit = 100): Promise<PendingCard[]> {
    const rows = await this.db.all<Row>('SELECT id, card_key, platform, channel_id, language, card, attempts FROM pending_cards WHERE next_at <= ? ORDER BY next_at, id LIMIT ?', [now, limit]);
    return rows.map(toPending);
  }

  /** Every waiting copy of a card key (their states are replaced when the card changes). */
  async ofKey(cardKey: string): Promise<PendingCard[]> {
    return (await this.db.all<Row>('SELECT id, card_key, platform, channel_id, language, card, attempts FROM pending_cards WHERE card_key = ?', [cardKey])).map(toPending);
  }

  /** Replaces the waiting state of one row. */
  async replaceCard(id: number, card: Card): Promise<void> {
    await this.db.run('UPDATE pending_cards SET card = ? WHERE id = ?', [JSON.stringify(card), id]);
  }

  /** Another failed try: the next one at `nextAt`. */
  async retryLater(id: number, error: string, nextAt: number): Promise<void> {
    await this.db.run('UPDATE pending_cards SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?', [error.slice(0, 500), nextAt, id]);
  }

  /** Delivered (or given up on): the row goes. */
  async remove(id: number): Promise<void> {
    await this.db.run('DELETE FROM pending_cards WHERE id = ?', [id]);
  }

  /** How many cards wait, per platform. */
  async counts(): Promise<Record<string, number>> {
    const rows = await this.db.all<{ platform: string; n: number }>('SELECT platform, COUNT(*) AS n FROM pending_cards GROUP BY platform');
    return Object.fromEntries(rows.map((r) => [r.platform, r.n]));
  }
}
