// A message no channel could deliver, as a finding: one per order and template (a second failure of the same message,
// or of its resend, is the same problem), with the per-channel reasons and no customer contact.
import type { Finding } from '../core/order.ts';
import type { UndeliverableReasonDetail } from '../detect/types.ts';
import { maskContacts } from './channels/mask.ts';
import type { Undeliverable } from './dispatcher-send.ts';

/** The source label undeliverable alerts carry (they group together on one alert card). */
export const UNDELIVERABLE_SOURCE = 'notify';

/** The fingerprint of an order's undeliverable message (template, not key: a resend has a new key but is the same problem). */
export function undeliverableFingerprint(orderId: string, template: string): string {
  return `undeliverable:${orderId}:${template}`;
}

/** The finding the dispatcher's report becomes; messages are masked again (a channel may quote the recipient). */
export function undeliverableFinding(u: Undeliverable, at: number): Finding {
  const reasons: UndeliverableReasonDetail[] = u.reasons.map((r) => ({
    channel: r.channel,
    code: r.error,
    ...(r.message ? { message: maskContacts(r.message).slice(0, 160) } : {}),
    ...(r.provider ? { provider: r.provider } : {}),
  }));
  return {
    kind: 'undeliverable',
    fingerprint: undeliverableFingerprint(u.orderId, u.template),
    source: UNDELIVERABLE_SOURCE,
    orderId: u.orderId,
    details: { template: u.template, key: u.key, customerId: u.customerId, at, reasons },
  };
}
