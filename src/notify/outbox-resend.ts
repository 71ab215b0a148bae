// `/notify resend`: the order's latest status message again, under a new idempotency key (`<key>#resend-<n>`).
import type { Db } from '../store/db.ts';
import { enqueueMessage, isCustomerWorthy, ORDER_VARS_SQL, outboxKey } from './outbox.ts';
import type { PrefsRepo } from './prefs.ts';
import type { NotifySettings } from './settings.ts';

/** What a resend did, or why it did not. */
export type ResendResult =
  | { ok: true; key: string; status: string; template: string; customerId: string; n: number }
  | { ok: false; reason: 'order_not_found' | 'no_customer' | 'nothing_to_resend' | 'opted_out' };

interface OrderRow {
  status: string | null;
  customer_id: string | null;
  vars: string;
}

/** Queues the latest status message of `orderId` again (the last one sent for it, else its current status). */
export async function resendLatest(deps: { db: Db; prefs: PrefsRepo; settings: NotifySettings; now: number }, orderId: string): Promise<ResendResult> {
  const { db, now } = deps;
  return db.transaction(async (): Promise<ResendResult> => {
    const order = await db.get<OrderRow>(`SELECT o.status, o.customer_id, ${ORDER_VARS_SQL} AS vars FROM order_canonical AS o WHERE o.order_id = ?`, [orderId]);
    if (!order) return { ok: false, reason: 'order_not_found' };
    const last = await db.get<{ status: string; template: string; customer_id: string; vars: string }>(
      "SELECT status, template, customer_id, vars FROM notify_outbox WHERE order_id = ? AND template = status AND instr(key, '#resend-') = 0 ORDER BY id DESC LIMIT 1",
      [orderId],
    );
    const status = last?.status ?? order.status;
    const customerId = last?.customer_id ?? order.customer_id;
    if (!customerId) return { ok: false, reason: 'no_customer' };
    if (!status || !isCustomerWorthy(status)) return { ok: false, reason: 'nothing_to_resend' };
    if ((await deps.prefs.profile(customerId)).optedOut) return { ok: false, reason: 'opted_out' };
    const base = outboxKey(orderId, status, status);
    const prefix = `${base}#resend-`;
    const count = await db.get<{ n: number }>('SELECT count(*) AS n FROM notify_outbox WHERE order_id = ? AND substr(key, 1, ?) = ?', [orderId, prefix.length, prefix]);
    const n = (count?.n ?? 0) + 1;
    const key = `${prefix}${n}`;
    const vars = JSON.parse(last?.vars ?? order.vars) as Record<string, string>;
    await enqueueMessage(db, { key, orderId, status, customerId, template: status, vars, urgent: deps.settings.urgentTemplates.includes(status) }, now);
    return { ok: true, key, status, template: status, customerId, n };
  });
}
