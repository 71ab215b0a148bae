// Stock: a system (a WMS, typically) reports "not enough stock" for an order that is paid and not yet shipped.
//
// A raw status counts when it is in `detect.stockRawStatuses` (case-insensitive), whether the source's
// mapping maps it (to any status) or it sits unmapped in quarantine. "Paid and not shipped": the order's
// canonical status is paid, allocated, picking, packed, or exception (a mapping may send stock shortage
// there). One finding per order and reporting system: `stock:<order>:<system>`.
import type { CanonicalStatus } from '../core/status.ts';
import type { Detected, SourceOfSystem } from './detected.ts';
import { fingerprintOf } from './types.ts';

/** Canonical statuses of an order that is paid and not yet shipped. */
export const PAID_UNSHIPPED: ReadonlySet<CanonicalStatus> = new Set(['paid', 'allocated', 'picking', 'packed', 'exception']);

/** A system's "out of stock" report about one order. */
export interface StockReport {
  orderId: string;
  system: string;
  raw: string;
  /** When the system reported it (its view's update time, or when quarantine first saw it). */
  since: number;
  items?: { sku: string; qty: number }[] | undefined;
}

/** Normalises the configured raw statuses for comparison. */
export function stockRawSet(raws: readonly string[]): ReadonlySet<string> {
  return new Set(raws.map((r) => r.trim().toLowerCase()));
}

/** The stock finding for one report, if the order is paid and not yet shipped. */
export function findStockProblem(report: StockReport, canonical: CanonicalStatus | undefined, sourceOf: SourceOfSystem): Detected<'stock'> | undefined {
  if (canonical === undefined || !PAID_UNSHIPPED.has(canonical)) return undefined;
  return {
    kind: 'stock',
    fingerprint: fingerprintOf('stock', [report.orderId, report.system]),
    source: sourceOf(report.system),
    orderId: report.orderId,
    details: { system: report.system, raw: report.raw, status: canonical, since: report.since, ...(report.items && report.items.length > 0 ? { items: report.items } : {}) },
  };
}
