// Mismatch: the systems disagree about an order in a way that matters, for longer than the grace period.
//
// The rule (everything else — a system that simply has not caught up yet — is ordinary lag):
//  1. contradiction: one system says cancelled or refunded while another says shipped, in transit,
//     out for delivery, delivered or completed (goods moving, or gone, for an order that was called off);
//  2. owner behind: two systems on the forward path (created … completed) are in different stages, and
//     the one behind is authoritative for the stage the other has reached (it owns that stage, so it
//     should have followed) — e.g. WMS says in transit, ERP (a delivery authority) still says paid;
//  3. fulfilled unpaid: a payment-authoritative system still says created while another system has the
//     order in fulfilment or delivery.
// A pair counts only once both of its statuses have stood for longer than `detect.mismatchGraceMinutes`
// (measured from the later of the two views' update times). One finding per order: `mismatch:<order>`.
import { STATUS_STAGE, type CanonicalStatus, type Stage } from '../core/status.ts';
import type { Authority } from '../sync/canonical.ts';
import type { Detected, SourceOfSystem } from './detected.ts';
import { fingerprintOf } from './types.ts';

/** One system's view of an order, as the detectors read it. */
export interface OrderView {
  system: string;
  status: CanonicalStatus;
  raw: string;
  updatedAt: number;
  amount: number | null;
  currency: string | null;
}

/** Which rule a disagreeing pair broke. */
export type MismatchRule = 'contradiction' | 'owner_behind' | 'fulfilled_unpaid';

const CALLED_OFF: ReadonlySet<CanonicalStatus> = new Set(['cancelled', 'refunded']);
const MOVED: ReadonlySet<CanonicalStatus> = new Set(['shipped', 'in_transit', 'out_for_delivery', 'delivered', 'completed']);
const FORWARD: ReadonlySet<CanonicalStatus> = new Set(['created', 'paid', 'allocated', 'picking', 'packed', 'shipped', 'in_transit', 'out_for_delivery', 'delivered', 'completed']);
const STAGE_ORDER: Readonly<Record<Stage, number>> = { payment: 0, fulfilment: 1, delivery: 2, after_sales: 3 };

/** The rule a pair of views breaks (`blamed` is the system that looks wrong), or undefined. */
export function pairRule(a: OrderView, b: OrderView, authority: Authority): { rule: MismatchRule; blamed: string } | undefined {
  for (const [x, y] of [[a, b], [b, a]] as const) {
    if (CALLED_OFF.has(x.status) && MOVED.has(y.status)) return { rule: 'contradiction', blamed: y.system };
  }
  for (const [ahead, behind] of [[a, b], [b, a]] as const) {
    if (!FORWARD.has(ahead.status) || !FORWARD.has(behind.status)) continue;
    const stageAhead = STATUS_STAGE[ahead.status];
    const stageBehind = STATUS_STAGE[behind.status];
    if (STAGE_ORDER[stageAhead] <= STAGE_ORDER[stageBehind]) continue;
    if (authority[stageAhead].includes(behind.system)) return { rule: 'owner_behind', blamed: behind.system };
    if (behind.status === 'created' && authority.payment.includes(behind.system)) return { rule: 'fulfilled_unpaid', blamed: behind.system };
  }
  return undefined;
}

/** The mismatch of one order, if its views break the rule for longer than `graceMs`. */
export function findMismatch(
  orderId: string,
  views: readonly OrderView[],
  opts: { authority: Authority; now: number; graceMs: number; sourceOf: SourceOfSystem },
): Detected<'mismatch'> | undefined {
  let found: { since: number; blamed: string } | undefined;
  for (let i = 0; i < views.length; i++) {
    for (let j = i + 1; j < views.length; j++) {
      const a = views[i] as OrderView;
      const b = views[j] as OrderView;
      if (a.system === b.system) continue;
      const since = Math.max(a.updatedAt, b.updatedAt);
      if (opts.now - since <= opts.graceMs) continue;
      const hit = pairRule(a, b, opts.authority);
      if (hit && (!found || since < found.since)) found = { since, blamed: hit.blamed };
    }
  }
  if (!found) return undefined;
  const sorted = [...views].sort((x, y) => x.system.localeCompare(y.system));
  return {
    kind: 'mismatch',
    fingerprint: fingerprintOf('mismatch', [orderId]),
    source: opts.sourceOf(found.blamed),
    orderId,
    details: { views: sorted.map((v) => ({ system: v.system, status: v.status, raw: v.raw, updatedAt: v.updatedAt })), since: found.since },
  };
}
