import { STATUS_RANK, STATUS_STAGE, type CanonicalStatus, type Stage } from '../core/status.ts';

/** Which systems are authoritative for each stage. */
export type Authority = Readonly<Record<Stage, readonly string[]>>;

/** One system's current view of an order. */
export interface SystemView {
  system: string;
  status: CanonicalStatus;
  updatedAt: number;
}

/**
 * The order's canonical view from its per-system snapshots: a system's status counts when the system
 * is authoritative for that status's stage (or no authoritative system reported that stage); among those,
 * the furthest along wins, then the most recent.
 */
export function pickCanonical(views: readonly SystemView[], authority: Authority): SystemView | null {
  let best: SystemView | null = null;
  let bestTrusted = false;
  for (const v of views) {
    const stage = STATUS_STAGE[v.status];
    const owners = authority[stage];
    const trusted = owners.length === 0 || owners.includes(v.system) || !views.some((o) => STATUS_STAGE[o.status] === stage && owners.includes(o.system));
    if (best === null || (trusted && !bestTrusted) || (trusted === bestTrusted && isAhead(v, best))) {
      best = v;
      bestTrusted = trusted;
    }
  }
  return best;
}

function isAhead(a: SystemView, b: SystemView): boolean {
  const ra = STATUS_RANK[a.status];
  const rb = STATUS_RANK[b.status];
  return ra > rb || (ra === rb && a.updatedAt > b.updatedAt);
}
