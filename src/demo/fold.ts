import type { Patch, StorefrontSet, WmsSet } from './plan.ts';

/** The storefront's copy of an order's state. */
export interface StorefrontState {
  financial: string;
  fulfillment: string | null;
  cancelReason: string | null;
  cancelledAt: number | null;
  closedAt: number | null;
  /** The customer changed the shipping address. */
  addressChanged: boolean;
}

/** The WMS's copy of an order's state. */
export interface WmsState {
  status: string;
  /** The WMS took over the customer's changed address. */
  addressChanged: boolean;
}

// A planned change is overridden by an earlier push that is terminal, or that already set the same
// fields to something at least as far along (so a pushed "shipped" is not repeated by the plan).
function overridden<S extends object>(p: Patch<S>, pushed: readonly Patch<S>[]): boolean {
  return pushed.some((q) => q.at < p.at && (q.terminal === true || (q.rank >= p.rank && Object.keys(p.set).every((k) => k in q.set))));
}

/** The changes visible at `now`, planned and pushed, in time order. */
export function visiblePatches<S extends object>(planned: readonly Patch<S>[], pushed: readonly Patch<S>[] | undefined, now: number): Patch<S>[] {
  const out: Patch<S>[] = [];
  for (const p of planned) {
    if (p.at > now) break;
    if (!pushed || !overridden(p, pushed)) out.push(p);
  }
  if (!pushed || pushed.length === 0) return out;
  for (const q of pushed) if (q.at <= now) out.push(q);
  // Stable sort: at equal times the planned change comes first and the push wins.
  return out.sort((a, b) => a.at - b.at);
}

/** Folds status changes into the current status and when it last changed. */
export function foldPatches(planned: readonly Patch<{ status: string }>[], pushed: readonly Patch<{ status: string }>[] | undefined, now: number): { state: { status: string }; updatedAt: number } | undefined {
  const visible = visiblePatches(planned, pushed, now);
  const last = visible[visible.length - 1];
  return last ? { state: { status: last.set.status }, updatedAt: last.at } : undefined;
}

/** Folds WMS changes into the current status, whether it has the changed address, and when it last changed. */
export function foldWms(planned: readonly Patch<WmsSet>[], pushed: readonly Patch<WmsSet>[] | undefined, now: number): { state: WmsState; updatedAt: number } | undefined {
  const visible = visiblePatches(planned, pushed, now);
  const last = visible[visible.length - 1];
  if (!last) return undefined;
  return { state: { status: last.set.status, addressChanged: visible.some((p) => p.set.shipTo === 'changed') }, updatedAt: last.at };
}

/** Folds storefront changes; cancellation and closing stamp their own time. */
export function foldStorefront(planned: readonly Patch<StorefrontSet>[], pushed: readonly Patch<StorefrontSet>[] | undefined, now: number): { state: StorefrontState; updatedAt: number } | undefined {
  const visible = visiblePatches(planned, pushed, now);
  if (visible.length === 0) return undefined;
  const state: StorefrontState = { financial: 'pending', fulfillment: null, cancelReason: null, cancelledAt: null, closedAt: null, addressChanged: false };
  let updatedAt = 0;
  for (const p of visible) {
    if (p.set.financial !== undefined) state.financial = p.set.financial;
    if (p.set.fulfillment !== undefined) state.fulfillment = p.set.fulfillment;
    if (p.set.cancelReason !== undefined) {
      state.cancelReason = p.set.cancelReason;
      state.cancelledAt = p.at;
      state.closedAt = p.at;
    }
    if (p.set.closed === true) state.closedAt = p.at;
    if (p.set.shipTo === 'changed') state.addressChanged = true;
    updatedAt = p.at;
  }
  return { state, updatedAt };
}
