// What a detector reports: one typed finding, before it is stored or alerted on.
import { STATUS_STAGE, type CanonicalStatus, type Stage } from '../core/status.ts';
import type { Settings } from '../settings/schema.ts';
import type { Authority } from '../sync/canonical.ts';
import type { FindingDetails, FindingKind } from './types.ts';

/** One finding of kind K as a detector produced it; `source` is the source name alerts are labelled with. */
export interface Detected<K extends FindingKind = FindingKind> {
  kind: K;
  fingerprint: string;
  source: string;
  orderId?: string | undefined;
  details: FindingDetails[K];
}

/** Any detected finding. */
export type AnyDetected = { [K in FindingKind]: Detected<K> }[FindingKind];

/** Maps a system name to the source name alerts use (a fallback shares its primary's system: the primary wins). */
export type SourceOfSystem = (system: string) => string;

/** Builds the system → source lookup from the configured sources; unknown systems keep their own name. */
export function sourceLookup(settings: Pick<Settings, 'sources'>): SourceOfSystem {
  const fallbacks = new Set(settings.sources.flatMap((s) => (s.fallback ? [s.fallback] : [])));
  const bySystem = new Map<string, string>();
  for (const s of settings.sources) {
    const system = s.system ?? s.name;
    const known = bySystem.get(system);
    if (known === undefined || (fallbacks.has(known) && !fallbacks.has(s.name))) bySystem.set(system, s.name);
  }
  return (system) => bySystem.get(system) ?? system;
}

// The stage whose systems must act next for an order to leave a status (what a stuck order waits on).
const WAITING_STAGE: Readonly<Record<CanonicalStatus, Stage | null>> = {
  created: 'payment',
  paid: 'fulfilment',
  allocated: 'fulfilment',
  picking: 'fulfilment',
  packed: 'fulfilment',
  shipped: 'delivery',
  in_transit: 'delivery',
  out_for_delivery: 'delivery',
  delivered: 'delivery',
  exception: 'delivery',
  refund_requested: 'after_sales',
  returned: 'after_sales',
  completed: null,
  cancelled: null,
  refunded: null,
};

/**
 * The system an order in `status` waits on: the first system authoritative for the next stage that
 * reports the order, else the first authoritative one, else the system the status came from.
 */
export function waitingSystem(status: CanonicalStatus, reporting: readonly string[], authority: Authority, statusSystem: string): string {
  const stage = WAITING_STAGE[status] ?? STATUS_STAGE[status];
  const owners = authority[stage];
  return owners.find((s) => reporting.includes(s)) ?? owners[0] ?? statusSystem;
}

/** Kinds raised outside the scans, by the sync engine and the notification dispatcher (the runner forwards them). */
export const ENGINE_KINDS: readonly FindingKind[] = ['source_down', 'unknown_status', 'bad_record', 'undeliverable'];
/** Kinds the runner's scans own: each scan states their complete current set. */
export const SCANNED_KINDS: readonly FindingKind[] = ['stale', 'regression', 'mismatch', 'price', 'stock', 'address'];
