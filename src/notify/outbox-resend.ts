// `/notify resend`: the order's latest status message again, under a new idempotency key (`<key>#resend-<n>`);
// an undeliverable task's Resend: that one message again (its template and texts), under a new key the same way.
import type { Db } from '../store/db.ts';
import { enqueueMessage, isCustomerWorthy, ORDER_VARS_SQL, outboxKey } from './outbox.ts';
import type { PrefsRepo } from './prefs.ts';
import type { NotifySettings } from './settings.ts';

/** What a resend did, or why it did not. */
export type ResendResult =
  | { ok: true; key: string; status: string; template: string; customerId: string; n: number }
  | { ok: false; reason: 'order_not_found' | 'no_customer' | 'nothing_to_resend' | 'opted_out' | 'message_not_found' };

/** Which message to send again: by default the order's latest status message. */
export interface ResendTarget {
  /** The idempotency key of one message of the order (a `#resend-<n>` key means the message it re-sent). */
  key?: string | undefined;
}

interface OrderRow {
  status: string | null;
  customer_id: string | null;
  vars: string;
}

const RESEND_MARK = '#resend-';

/**
 * Queues the latest status message of `orderId` again (the last one sent for it, else its current status), or with
 * `target.key` that one message of the order.
 */
export async function resendLatest(deps: { db: Db; prefs: PrefsRepo; settings: NotifySettings; now: number }, orderId: string, target: ResendTarget = {}): Promise<ResendResult> {
  const { db, now } = deps;
  return db.transaction(async (): Promise<ResendResult> => {
    const order = await db.get<OrderRow>(`SELECT o.status, o.customer_id, ${ORDER_VARS_SQL} AS vars FROM order_canonical AS o WHERE o.order_id = ?`, [orderId]);
    if (!order) return { ok: false, reason: 'order_not_found' };
    const original = target.key === undefined ? undefined : target.key.split(RESEND_MARK)[0];
    const last = await db.get<{ key: string; status: string; template: string; customer_id: string; vars: string }>(
      original === undefined
        ? 'SELECT key, status, template, customer_id, vars FROM notify_outbox WHERE order_id = ? AND template = status AND instr(key, ?) = 0 ORDER BY id DESC LIMIT 1'
        : 'SELECT key, status, template, customer_id, vars FROM notify_outbox WHERE order_id = ? AND key = ?',
      original === undefined ? [orderId, RESEND_MARK] : [orderId, original],
    );
    if (original !== undefined && !last) return { ok: false, reason: 'message_not_found' };
    const status = last?.status ?? order.status;
    const customerId = last?.customer_id ?? order.customer_id;
    if (!customerId) return { ok: false, reason: 'no_customer' };
    // A named message was worth sending once (a question, a delay notice); only status messages are checked.
    if (!status || (original === undefined && !isCustomerWorthy(status))) return { ok: false, reason: 'nothing_to_resend' };
    if ((await deps.prefs.profile(customerId)).optedOut) return { ok: false, reason: 'opted_out' };
    const template = last?.template ?? status;
    const base = last?.key ?? outboxKey(orderId, status, status);
    const prefix = `${base}${RESEND_MARK}`;
    const count = await db.get<{ n: number }>('SELECT count(*) AS n FROM notify_outbox WHERE order_id = ? AND substr(key, 1, ?) = ?', [orderId, prefix.length, prefix]);
    const n = (count?.n ?? 0) + 1;
    const key = `${prefix}${n}`;
    const vars = JSON.parse(last?.vars ?? order.vars) as Record<string, string>;
    await enqueueMessage(db, { key, orderId, status, customerId, template, vars, urgent: deps.settings.urgentTemplates.includes(template) }, now);
    return { ok: true, key, status, template, customerId, n };
  });
}
