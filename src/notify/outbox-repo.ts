// Outbox reads and writes for the dispatcher: lease-based claims and batched outcome writes.
import type { CustomerChannelName } from '../core/notify.ts';
import type { Db } from '../store/db.ts';
import type { ChannelFailure, OutboxRow, OutboxState } from './outbox.ts';

/** What one entry of the attempts log records. */
export type AttemptResult = 'sent' | 'retry' | 'failed' | 'skipped' | 'deferred' | 'cancelled' | 'undeliverable' | 'delivered' | 'blocked' | 'report_failed';

/** One entry of a message's attempts log. */
export interface AttemptEntry {
  channel: CustomerChannelName | null;
  at: number;
  result: AttemptResult;
  error: string | null;
}

/** Where the dispatcher leaves a claimed row. */
export interface RowOutcome {
  id: number;
  /** `sending` keeps the lease (a step between two channels); anything else releases it. */
  state: OutboxState;
  channel: CustomerChannelName | null;
  chainPos: number;
  channelAttempts: number;
  attempts: number;
  failures: ChannelFailure[];
  nextAt: number;
  lastError: string | null;
  providerId: string | null;
  sentAt: number | null;
  log: AttemptEntry[];
}

const CLAIM = `UPDATE notify_outbox SET state = 'sending', lease_owner = ?1, lease_until = ?2, next_at = ?2, updated_at = ?3
  WHERE id IN (SELECT id FROM notify_outbox WHERE state IN ('pending', 'sending') AND next_at <= ?3 ORDER BY next_at, id LIMIT ?4)
  RETURNING id, key, order_id, customer_id, template, vars, urgent, channel, chain_pos, channel_attempts, attempts, failures, last_error`;

// Rows: [id, state, channel, chain_pos, channel_attempts, attempts, failures, next_at, last_error, provider_id, sent_at, keep_lease].
// Only rows this sender still holds are written: after a lease expired and another sender took the row, its word counts.
const APPLY = `UPDATE notify_outbox AS o SET state = u.value ->> 1, channel = u.value ->> 2, chain_pos = u.value ->> 3,
    channel_attempts = u.value ->> 4, attempts = u.value ->> 5, failures = u.value ->> 6,
    next_at = CASE WHEN u.value ->> 11 THEN o.next_at ELSE u.value ->> 7 END, last_error = u.value ->> 8,
    provider_id = coalesce(u.value ->> 9, o.provider_id), sent_at = coalesce(u.value ->> 10, o.sent_at),
    lease_owner = CASE WHEN u.value ->> 11 THEN o.lease_owner END, lease_until = CASE WHEN u.value ->> 11 THEN o.lease_until END, updated_at = ?3
  FROM json_each(?1) AS u WHERE o.id = u.value ->> 0 AND o.lease_owner = ?2 AND o.state = 'sending'`;
const LOG = `INSERT INTO notify_attempts (outbox_id, channel, at, result, error) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)`;

/** Appends attempts-log entries for one message (inside the caller's transaction when there is one). */
export async function logAttempts(db: Db, outboxId: number, entries: readonly AttemptEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.run(LOG, [JSON.stringify(entries.map((e) => [outboxId, e.channel, e.at, e.result, e.error]))]);
}

/** The dispatcher's view of the outbox table. */
export class OutboxRepo {
  constructor(private readonly db: Db) {}

  /** Takes up to `limit` due rows (pending, or sending with an expired lease) for `owner` until `leaseUntil`. */
  claim(owner: string, limit: number, now: number, leaseUntil: number): Promise<OutboxRow[]> {
    return this.db.all<OutboxRow>(CLAIM, [owner, leaseUntil, now, limit]);
  }

  /** Writes outcomes of rows `owner` holds, with their log entries, in one transaction. */
  async apply(owner: string, outcomes: readonly RowOutcome[], now: number): Promise<void> {
    if (outcomes.length === 0) return;
    const rows = outcomes.map((o) => [o.id, o.state, o.channel, o.chainPos, o.channelAttempts, o.attempts, o.failures, o.nextAt, o.lastError, o.providerId, o.sentAt, o.state === 'sending']);
    const log = outcomes.flatMap((o) => o.log.map((e) => [o.id, e.channel, e.at, e.result, e.error]));
    await this.db.transaction(async () => {
      await this.db.run(APPLY, [JSON.stringify(rows), owner, now]);
      if (log.length > 0) await this.db.run(LOG, [JSON.stringify(log)]);
    });
  }

  /** Hands rows this owner claimed but did not send back to the queue (a stopping dispatcher). */
  async unclaim(owner: string, ids: readonly number[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.run(
      "UPDATE notify_outbox SET state = 'pending', next_at = ?3, lease_owner = NULL, lease_until = NULL, updated_at = ?3 WHERE id IN (SELECT value FROM json_each(?1)) AND lease_owner = ?2 AND state = 'sending'",
      [JSON.stringify(ids), owner, now],
    );
  }

  /** When the next row falls due (pending retry, deferred message or lease expiry), if any. */
  async nextDue(): Promise<number | undefined> {
    const row = await this.db.get<{ at: number | null }>("SELECT min(next_at) AS at FROM notify_outbox WHERE state IN ('pending', 'sending')");
    return row?.at ?? undefined;
  }

  /** Cancels a customer's messages not yet taken by a sender; returns how many. */
  async cancelPending(customerId: string, reason: string, now: number): Promise<number> {
    return this.db.transaction(async () => {
      const ids = await this.db.all<{ id: number }>(
        "UPDATE notify_outbox SET state = 'cancelled', last_error = ?2, updated_at = ?3 WHERE customer_id = ?1 AND state = 'pending' RETURNING id",
        [customerId, reason, now],
      );
      if (ids.length > 0) await this.db.run(LOG, [JSON.stringify(ids.map((r) => [r.id, null, now, 'cancelled', reason]))]);
      return ids.length;
    });
  }
}
