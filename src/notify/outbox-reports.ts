// Delivery reports (WeChat's TEMPLATESENDJOBFINISH): the provider tells us what became of a message it accepted.
import { z } from 'zod';
import { CUSTOMER_CHANNELS, type CustomerChannelName } from '../core/notify.ts';
import type { Db } from '../store/db.ts';
import type { ChannelFailure, OutboxState } from './outbox.ts';
import { logAttempts } from './outbox-repo.ts';
import type { PrefsRepo } from './prefs.ts';

/** A delivery report as the WeChat callback hands it over (`WeChatDeliveryReport` fits). */
export const deliveryReportSchema = z.object({
  msgId: z.string().min(1),
  status: z.enum(['delivered', 'blocked', 'failed']),
  channel: z.enum(CUSTOMER_CHANNELS).default('wechat_template'),
});
/** A delivery report. */
export type DeliveryReport = z.input<typeof deliveryReportSchema>;

/** What a report did: marked delivered, sent the message on to the next channel, nothing (repeat), or no such message. */
export type ReportEffect = 'delivered' | 'rerouted' | 'ignored' | 'unknown';

interface ReportRow {
  id: number;
  customer_id: string;
  channel: CustomerChannelName | null;
  state: OutboxState;
  failures: string;
}

/**
 * Applies a delivery report to the message with that provider id. `delivered` marks it delivered. `blocked` (the
 * customer blocked the account's messages) and `failed` (WeChat could not deliver) count as a failure of that channel:
 * the message goes back to pending and the dispatcher sends it on the next channel of the chain (or fails it and opens
 * the staff task when none is left); `blocked` also drops the channel from the customer's chain for later messages.
 */
export async function applyDeliveryReport(deps: { db: Db; prefs: PrefsRepo; now: number }, input: DeliveryReport): Promise<ReportEffect> {
  const report = deliveryReportSchema.parse(input);
  const { db, now } = deps;
  return db.transaction(async () => {
    const row = await db.get<ReportRow>('SELECT id, customer_id, channel, state, failures FROM notify_outbox WHERE provider_id = ? AND channel = ? ORDER BY id DESC LIMIT 1', [report.msgId, report.channel]);
    if (!row) return 'unknown';
    if (row.state !== 'sent') return 'ignored';
    if (report.status === 'delivered') {
      await db.run("UPDATE notify_outbox SET state = 'delivered', delivered_at = ?, updated_at = ? WHERE id = ?", [now, now, row.id]);
      await logAttempts(db, row.id, [{ channel: report.channel, at: now, result: 'delivered', error: null }]);
      return 'delivered';
    }
    const reason = report.status === 'blocked' ? 'delivery.blocked' : 'delivery.failed';
    const failures = JSON.parse(row.failures) as ChannelFailure[];
    failures.push([report.channel, reason]);
    await db.run("UPDATE notify_outbox SET state = 'pending', next_at = ?1, channel_attempts = 0, failures = ?2, last_error = ?3, updated_at = ?1 WHERE id = ?4", [now, JSON.stringify(failures), reason, row.id]);
    await logAttempts(db, row.id, [{ channel: report.channel, at: now, result: report.status === 'blocked' ? 'blocked' : 'report_failed', error: reason }]);
    if (report.status === 'blocked') await deps.prefs.block(row.customer_id, report.channel, now);
    return 'rerouted';
  });
}
