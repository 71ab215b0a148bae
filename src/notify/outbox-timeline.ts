// Every notification of one order with its attempts, for the `/order` timeline.
import type { CustomerChannelName } from '../core/notify.ts';
import type { Db } from '../store/db.ts';
import type { OutboxState } from './outbox.ts';
import type { AttemptEntry } from './outbox-repo.ts';

/** One notification of an order as staff see it. */
export interface NotificationView {
  key: string;
  template: string;
  status: string;
  state: OutboxState;
  /** The channel it went out on (or is being tried on). */
  channel: CustomerChannelName | null;
  attempts: number;
  createdAt: number;
  sentAt: number | null;
  deliveredAt: number | null;
  /** When a pending message is due (a retry, or the end of quiet hours). */
  nextAt: number | null;
  lastError: string | null;
  /** Every try, deferral and report, oldest first. */
  history: AttemptEntry[];
}

interface Row {
  id: number;
  key: string;
  template: string;
  status: string;
  state: OutboxState;
  channel: CustomerChannelName | null;
  attempts: number;
  created_at: number;
  sent_at: number | null;
  delivered_at: number | null;
  next_at: number;
  last_error: string | null;
}

/** The notifications of `orderId`, oldest first. */
export async function notificationsFor(db: Db, orderId: string): Promise<NotificationView[]> {
  const rows = await db.all<Row>(
    'SELECT id, key, template, status, state, channel, attempts, created_at, sent_at, delivered_at, next_at, last_error FROM notify_outbox WHERE order_id = ? ORDER BY id',
    [orderId],
  );
  if (rows.length === 0) return [];
  const log = await db.all<AttemptEntry & { outbox_id: number }>(
    'SELECT outbox_id, channel, at, result, error FROM notify_attempts WHERE outbox_id IN (SELECT value FROM json_each(?)) ORDER BY id',
    [JSON.stringify(rows.map((r) => r.id))],
  );
  return rows.map((r) => ({
    key: r.key,
    template: r.template,
    status: r.status,
    state: r.state,
    channel: r.channel,
    attempts: r.attempts,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
    nextAt: r.state === 'pending' ? r.next_at : null,
    lastError: r.last_error,
    history: log.filter((e) => e.outbox_id === r.id).map(({ channel, at, result, error }) => ({ channel, at, result, error })),
  }));
}
