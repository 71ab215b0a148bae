import { STATUS_RANK, type CanonicalStatus } from '../core/status.ts';
import type { Rng } from './prng.ts';

/** The demo's three systems. */
export const DEMO_SYSTEMS = ['erp', 'wms', 'storefront'] as const;
/** One of the demo's systems. */
export type DemoSystem = (typeof DEMO_SYSTEMS)[number];

/** Injected per-order trouble kinds. */
// price: the ERP records the order 10 % below what the customer paid (fixed by an approved price task).
// address: the customer corrects the street in the storefront after the WMS took the order, and the order then waits in
// the warehouse for days (a backlog) with the old street: the WMS catches up before picking, or ships to the old one.
// Appended last: the kinds before it keep their slots, so the orders they pick stay the same (world.ts troubleOf).
export const TROUBLE_KINDS = ['stuck', 'regression', 'disagreement', 'unmapped_wms', 'unmapped_erp', 'price', 'address'] as const;
/** One kind of injected per-order trouble. */
export type TroubleKind = (typeof TROUBLE_KINDS)[number];

/** Raw statuses the demo emits on purpose that no default mapping knows. */
export const UNMAPPED_RAW = { wms: 'QC_HOLD', erp: '待确认' } as const;

/** Storefront fields a change may set (cancel and close stamp the change time). */
export interface StorefrontSet {
  financial?: string;
  fulfillment?: string | null;
  cancelReason?: string;
  closed?: boolean;
  /** The customer changed the shipping address (to the order's `changedShipTo`). */
  shipTo?: 'changed';
}

/** WMS fields a change sets: its status, and once it took over the customer's changed address, `shipTo`. */
export interface WmsSet {
  status: string;
  shipTo?: 'changed';
}

/** A change one system makes to its copy of an order. `at` is in simulated minutes after creation until the world converts it. */
export interface Patch<S> {
  at: number;
  /** Progress rank of the change, to decide which planned changes a later push overrides. */
  rank: number;
  set: S;
  /** Nothing planned after it applies (a cancellation pushed by someone). */
  terminal?: boolean;
}

/** The planned life of one order: its canonical history and each system's projection of it. */
export interface OrderPlan {
  life: { status: CanonicalStatus; at: number }[];
  erp: Patch<{ status: string }>[];
  wms: Patch<WmsSet>[];
  storefront: Patch<StorefrontSet>[];
  /** `status`: where a stuck order stops; `wmsCatchesUp`: whether the WMS gets an address trouble's new address. */
  trouble: { kind: TroubleKind; status?: CanonicalStatus; wmsCatchesUp?: boolean } | null;
}

const ERP_RAW: Partial<Record<CanonicalStatus, string>> = {
  created: '待付款', paid: '已付款', shipped: '已发货', in_transit: '运输中', out_for_delivery: '派送中',
  delivered: '已签收', completed: '交易成功', cancelled: '交易关闭', refund_requested: '退款中', refunded: '已退款', returned: '已退货',
};
const WMS_RAW: Partial<Record<CanonicalStatus, string>> = {
  allocated: 'ALLOCATED', picking: 'PICKING', packed: 'PACKED', shipped: 'SHIPPED', in_transit: 'IN_TRANSIT',
  out_for_delivery: 'OUT_FOR_DELIVERY', delivered: 'DELIVERED', cancelled: 'CANCELLED', returned: 'RETURNED',
};
const DAY = 1440;
/**
 * How long an address-trouble order waits in the warehouse before picking (simulated minutes): 3-5 days, so the old
 * street stands for at least ~70 simulated hours. At the default speed (60 simulated minutes a second) that is over 70
 * clock seconds: longer than a detector scan (60 s) plus a sync (10 s), so a scan sees every such order while it waits.
 * The grace before it becomes a finding (`detect.mismatchGraceMinutes`) is measured in the sources' own update times,
 * which run on the simulated clock: 30 minutes there pass within a second, so the shipped settings show it.
 */
export const ADDRESS_HOLD = { min: 3 * DAY, max: 5 * DAY } as const;
const STUCK_AT: CanonicalStatus[] = ['allocated', 'picking', 'packed', 'shipped', 'in_transit', 'out_for_delivery'];

type Outcome = 'normal' | 'unpaid' | 'cancel' | 'refund' | 'return';

function drawOutcome(rng: Rng): Outcome {
  const r = rng.next();
  if (r < 0.03) return 'unpaid';
  if (r < 0.09) return 'cancel';
  if (r < 0.13) return 'refund';
  if (r < 0.16) return 'return';
  return 'normal';
}

function planLife(rng: Rng, outcome: Outcome, trouble: OrderPlan['trouble'], holdBeforePicking: number): OrderPlan['life'] {
  const life: OrderPlan['life'] = [{ status: 'created', at: 0 }];
  if (outcome === 'unpaid') {
    life.push({ status: 'cancelled', at: rng.range(60, 180) });
    return life;
  }
  let t = rng.range(1, 60);
  const forward: [CanonicalStatus, number][] = [
    ['paid', 0], ['allocated', rng.range(10, 120)], ['picking', rng.range(30, 240)], ['packed', rng.range(20, 120)],
    ['shipped', rng.range(30, 360)], ['in_transit', rng.range(120, 720)], ['out_for_delivery', rng.range(720, 2880)],
    ['delivered', rng.range(60, 480)],
  ];
  const cancelAfter = outcome === 'cancel' ? rng.int(0, 3) : -1;
  for (const [index, [status, delay]] of forward.entries()) {
    t += delay + (status === 'picking' ? holdBeforePicking : 0);
    life.push({ status, at: t });
    if (index === cancelAfter) {
      const next = forward[index + 1]?.[1] ?? 60;
      life.push({ status: 'cancelled', at: t + next * rng.range(0.2, 0.8) });
      return life;
    }
    if (trouble?.kind === 'stuck' && trouble.status === status) return life;
  }
  if (outcome === 'refund' || outcome === 'return') {
    t += rng.range(DAY, 3 * DAY);
    life.push({ status: 'refund_requested', at: t });
    if (outcome === 'return') {
      t += rng.range(2 * DAY, 5 * DAY);
      life.push({ status: 'returned', at: t });
      t += rng.range(60, DAY);
    } else {
      t += rng.range(DAY, 2 * DAY);
    }
    life.push({ status: 'refunded', at: t });
    return life;
  }
  life.push({ status: 'completed', at: t + rng.range(3 * DAY, 7 * DAY) });
  return life;
}

function patch<S>(at: number, status: CanonicalStatus, set: S): Patch<S> {
  return { at, rank: STATUS_RANK[status], set };
}

/** Plans order life and projections from the order's own random stream. */
export function planOrder(rng: Rng, opts: { trouble: TroubleKind | null; authorizeFirst: boolean }): OrderPlan {
  const trouble: OrderPlan['trouble'] = opts.trouble === null ? null : opts.trouble === 'stuck' ? { kind: 'stuck', status: rng.pick(STUCK_AT) } : { kind: opts.trouble };
  const outcome = trouble ? 'normal' : drawOutcome(rng);
  const hold = trouble?.kind === 'address' ? rng.range(ADDRESS_HOLD.min, ADDRESS_HOLD.max) : 0;
  const life = planLife(rng, outcome, trouble, hold);
  const at = (s: CanonicalStatus): number | undefined => life.find((e) => e.status === s)?.at;
  const paidAt = at('paid');
  const plan: OrderPlan = { life, erp: [], wms: [], storefront: [], trouble };

  // ERP: learns every customer-facing step a little late; knows nothing of the warehouse steps.
  for (const step of life) {
    const raw = ERP_RAW[step.status];
    if (!raw) continue;
    const lag = step.status === 'created' ? rng.range(0, 1) : step.status === 'returned' ? rng.range(30, 240) : rng.range(1, 60);
    plan.erp.push(patch(step.at + lag, step.status, { status: raw }));
  }
  if (trouble?.kind === 'unmapped_erp' && paidAt !== undefined) {
    plan.erp.push(patch(paidAt * 0.5, 'created', { status: UNMAPPED_RAW.erp }));
  }

  // WMS: only for paid orders, from when the order reaches the warehouse.
  let addressChangedAt: number | undefined;
  if (paidAt !== undefined) {
    const allocatedAt = at('allocated') ?? paidAt + 60;
    const receivedAt = paidAt + (allocatedAt - paidAt) * 0.3;
    const cancelledAt = at('cancelled');
    if (cancelledAt === undefined || cancelledAt > receivedAt) {
      plan.wms.push(patch(receivedAt, 'allocated', { status: 'RECEIVED' }));
      for (const step of life) {
        const raw = WMS_RAW[step.status];
        if (raw) plan.wms.push(patch(step.status === 'cancelled' ? step.at + rng.range(1, 10) : step.at, step.status, { status: raw }));
      }
    }
    const pickingAt = at('picking');
    const packedAt = at('packed');
    const shippedAt = at('shipped');
    if (trouble?.kind === 'unmapped_wms' && pickingAt !== undefined && packedAt !== undefined) {
      plan.wms.push(patch(pickingAt + (packedAt - pickingAt) * rng.range(0.3, 0.6), 'picking', { status: UNMAPPED_RAW.wms }));
    }
    if (trouble?.kind === 'regression' && shippedAt !== undefined) {
      plan.wms.push(patch(shippedAt + rng.range(10, 40), 'packed', { status: 'PACKED' }));
      plan.wms.push(patch(shippedAt + rng.range(50, 100), 'shipped', { status: 'SHIPPED' }));
    }
    if (trouble?.kind === 'disagreement' && shippedAt !== undefined) {
      const closeAt = shippedAt + rng.range(10, 60);
      plan.erp = plan.erp.filter((p) => p.at < closeAt);
      plan.erp.push(patch(closeAt, 'cancelled', { status: ERP_RAW.cancelled ?? '交易关闭' }));
    }
    if (trouble?.kind === 'address' && pickingAt !== undefined) {
      // The customer corrects the address after the WMS received the order (before the long wait for picking). The WMS
      // either re-imports the order shortly before picking starts, or never does and ships to the old street.
      addressChangedAt = receivedAt + rng.range(5, 90);
      trouble.wmsCatchesUp = rng.chance(0.5);
      if (trouble.wmsCatchesUp) plan.wms.push(patch(pickingAt - rng.range(10, 60), 'allocated', { status: WMS_RAW.allocated ?? 'ALLOCATED', shipTo: 'changed' }));
    }
  }

  plan.storefront = planStorefront(rng, life, opts.authorizeFirst);
  if (addressChangedAt !== undefined) plan.storefront.push(patch(addressChangedAt, 'paid', { shipTo: 'changed' }));
  for (const list of [plan.erp, plan.wms, plan.storefront]) list.sort((a, b) => a.at - b.at);
  return plan;
}

function planStorefront(rng: Rng, life: OrderPlan['life'], authorizeFirst: boolean): Patch<StorefrontSet>[] {
  const out: Patch<StorefrontSet>[] = [];
  let paid = false;
  for (const step of life) {
    switch (step.status) {
      case 'created':
        out.push(patch(step.at, 'created', { financial: authorizeFirst ? 'authorized' : 'pending', fulfillment: null }));
        break;
      case 'paid':
        paid = true;
        out.push(patch(step.at, 'paid', { financial: 'paid' }));
        break;
      case 'shipped':
        out.push(patch(step.at + rng.range(1, 30), 'shipped', { fulfillment: 'fulfilled' }));
        break;
      case 'completed':
        out.push(patch(step.at, 'completed', { closed: true }));
        break;
      case 'cancelled':
        out.push(patch(step.at + rng.range(0, 5), 'cancelled', { cancelReason: paid ? 'customer' : 'other', financial: paid ? 'refunded' : 'voided' }));
        break;
      case 'returned':
        out.push(patch(step.at + rng.range(60, 240), 'returned', { fulfillment: 'restocked' }));
        break;
      case 'refunded':
        out.push(patch(step.at, 'refunded', { financial: 'refunded' }));
        break;
      default:
        break;
    }
  }
  return out;
}
