// The outbox: a notification is written in the same transaction as the order change that causes it.
import type { CustomerChannelName } from '../core/notify.ts';
import { isCanonicalStatus } from '../core/status.ts';
import type { Db } from '../store/db.ts';
import type { CanonicalChange } from '../store/sync-store.ts';
import { CUSTOMER_STATUS_TEMPLATES } from './texts.ts';

/** Where a message is in its life. */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'delivered' | 'failed' | 'cancelled';

/**
 * A channel given up on for one message, and why: the error code, then (when the channel said more) a short message with
 * customer contacts masked, and the provider's own code (e.g. WeChat's errcode `43004`).
 */
export type ChannelFailure = [CustomerChannelName, string] | [CustomerChannelName, string, string] | [CustomerChannelName, string, string, string];

/** One outbox row as the dispatcher claims it. */
export interface OutboxRow {
  id: number;
  key: string;
  order_id: string;
  customer_id: string;
  template: string;
  /** JSON object of text variables. */
  vars: string;
  urgent: number;
  channel: CustomerChannelName | null;
  chain_pos: number;
  channel_attempts: number;
  attempts: number;
  /** JSON array of ChannelFailure. */
  failures: string;
  last_error: string | null;
}

/** What `enqueueForChanges` needs besides the changes (the notify settings supply them). */
export interface EnqueueOptions {
  /** Templates that may bypass quiet hours. */
  urgentTemplates?: readonly string[];
  /** Changes whose `at` is older than this are not announced (default: no limit). */
  maxAgeMs?: number;
}

/** The idempotency key of a message: order (URI-encoded, so `:` cannot forge another key), status and template. */
export function outboxKey(orderId: string, status: string, template: string): string {
  return `${encodeURIComponent(orderId)}:${status}:${template}`;
}

/** True when customers hear about `status` (a known, non-silent canonical status). */
export function isCustomerWorthy(status: string): boolean {
  return isCanonicalStatus(status) && !CUSTOMER_STATUS_TEMPLATES[status].silent;
}

/** SQL for the text variables taken from an order's canonical view `o` (the amount: symbol + two decimals, as WeChat's `amount` keyword takes it). */
export const ORDER_VARS_SQL = `CASE WHEN o.amount IS NULL THEN '{}' ELSE json_object('amount',
    CASE o.currency WHEN 'CNY' THEN '¥' WHEN 'USD' THEN '$' WHEN 'EUR' THEN '€' WHEN 'GBP' THEN '£' ELSE '' END || printf('%.2f', o.amount)
    || CASE WHEN o.currency IS NULL OR o.currency IN ('CNY', 'USD', 'EUR', 'GBP') THEN '' ELSE ' ' || o.currency END) END`;

// Rows are [order id, status, key, urgent]; the customer and amount come from the order the batch just wrote
// (through the store's canonical view, so the notify module does not depend on how orders are laid out).
const ENQUEUE = `INSERT INTO notify_outbox (key, order_id, status, customer_id, template, vars, urgent, state, next_at, created_at, updated_at)
  SELECT j.value ->> 2, j.value ->> 0, j.value ->> 1, o.customer_id, j.value ->> 1, ${ORDER_VARS_SQL}, j.value ->> 3, 'pending', ?2, ?2, ?2
  FROM json_each(?1) AS j JOIN order_canonical AS o ON o.order_id = j.value ->> 0
  WHERE coalesce(o.customer_id, '') <> ''
  ON CONFLICT(key) DO NOTHING`;

/**
 * Writes one outbox row per customer-worthy canonical change of an order that has a customer. Call it inside the
 * sync batch's transaction (after the batch's writes), so the message exists exactly when the change does. The
 * key is unique: the same change seen again (a redelivery, a replayed page) adds nothing. Returns rows added.
 */
export async function enqueueForChanges(db: Db, changes: readonly CanonicalChange[], now: number, opts: EnqueueOptions = {}): Promise<number> {
  const urgent = new Set(opts.urgentTemplates ?? []);
  const oldest = opts.maxAgeMs === undefined ? -Infinity : now - opts.maxAgeMs;
  const rows: [string, string, string, number][] = [];
  for (const c of changes) {
    if (!isCustomerWorthy(c.to) || c.at < oldest) continue;
    rows.push([c.orderId, c.to, outboxKey(c.orderId, c.to, c.to), urgent.has(c.to) ? 1 : 0]);
  }
  if (rows.length === 0) return 0;
  const res = await db.run(ENQUEUE, [JSON.stringify(rows), now]);
  return res.changes;
}

/** One message to add by hand (a resend, a conversation question). */
export interface ManualMessage {
  key: string;
  orderId: string;
  status: string;
  customerId: string;
  template: string;
  vars: Record<string, string>;
  urgent: boolean;
}

/** Adds one message unless its key exists; true when added. */
export async function enqueueMessage(db: Db, m: ManualMessage, now: number): Promise<boolean> {
  const res = await db.run(
    `INSERT INTO notify_outbox (key, order_id, status, customer_id, template, vars, urgent, state, next_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT(key) DO NOTHING`,
    [m.key, m.orderId, m.status, m.customerId, m.template, JSON.stringify(m.vars), m.urgent ? 1 : 0, now, now, now],
  );
  return res.changes > 0;
}
