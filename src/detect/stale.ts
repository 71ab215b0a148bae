// Stale orders: an order has stayed in its canonical status longer than that status's dwell limit.
import type { CanonicalStatus } from '../core/status.ts';
import type { Settings } from '../settings/schema.ts';
import type { Db, SqlValue } from '../store/db.ts';
import { businessCutoff } from './business-hours.ts';
import { waitingSystem, type Detected, type SourceOfSystem } from './detected.ts';
import { fingerprintOf } from './types.ts';

const HOUR = 3_600_000;

/** What the stale scan needs to know. */
export interface StaleScanInput {
  settings: Pick<Settings, 'dwellHours' | 'detect' | 'authority'>;
  now: number;
  sourceOf: SourceOfSystem;
}

/** Per status with a dwell limit: the instant before which a status start makes the order stale. */
export function staleCutoffs(input: Pick<StaleScanInput, 'settings' | 'now'>): { status: CanonicalStatus; limitHours: number; cutoff: number }[] {
  const { dwellHours, detect } = input.settings;
  const out: { status: CanonicalStatus; limitHours: number; cutoff: number }[] = [];
  for (const [status, hours] of Object.entries(dwellHours) as [CanonicalStatus, number | undefined][]) {
    if (hours === undefined) continue;
    const cutoff = detect.businessHours ? businessCutoff(input.now, hours * HOUR, detect.businessHours) : input.now - hours * HOUR;
    if (Number.isFinite(cutoff)) out.push({ status, limitHours: hours, cutoff });
  }
  return out;
}

interface StaleRow {
  id: string;
  status: CanonicalStatus;
  since: number;
}

/**
 * Every stale order, one finding each (`stale:<order>`), oldest first. One pass over the orders table's
 * canonical status columns (only `order_id`, `status`, `status_since` are read); the CASE reads the age
 * only for statuses that have a limit (measured: about 0.4 s per million orders here, and no index to
 * keep up on every sync write). Then the stale orders' views from the snapshots view, to name the
 * system each one waits on.
 */
export async function scanStale(db: Db, input: StaleScanInput): Promise<Detected<'stale'>[]> {
  const cutoffs = staleCutoffs(input);
  if (cutoffs.length === 0) return [];
  const params: SqlValue[] = cutoffs.flatMap((c) => [c.status, c.cutoff]);
  const rows = await db.all<StaleRow>(
    `SELECT order_id AS id, status, status_since AS since FROM orders
     WHERE CASE status ${cutoffs.map(() => 'WHEN ? THEN status_since < ?').join(' ')} ELSE 0 END ORDER BY since, id`,
    params,
  );
  if (rows.length === 0) return [];
  const views = await viewsOf(db, rows.map((r) => r.id));
  const { authority } = input.settings;
  const limits = new Map(cutoffs.map((c) => [c.status, c.limitHours]));
  return rows.map((r) => {
    const v = views.get(r.id) ?? [];
    const statusSystem = v.find((x) => x.status === r.status)?.system ?? v[0]?.system ?? '';
    const system = waitingSystem(r.status, v.map((x) => x.system), authority, statusSystem);
    return {
      kind: 'stale',
      fingerprint: fingerprintOf('stale', [r.id]),
      source: input.sourceOf(system),
      orderId: r.id,
      details: { status: r.status, since: r.since, limitHours: limits.get(r.status) ?? 0, system },
    };
  });
}

/** Which systems report each of `orderIds`, with their statuses (from the snapshots view). */
async function viewsOf(db: Db, orderIds: readonly string[]): Promise<Map<string, { system: string; status: string }[]>> {
  const rows = await db.all<{ id: string; system: string; status: string }>(
    'SELECT order_id AS id, system, status FROM snapshots WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, system',
    [JSON.stringify(orderIds)],
  );
  const out = new Map<string, { system: string; status: string }[]>();
  for (const r of rows) {
    const list = out.get(r.id);
    if (list) list.push({ system: r.system, status: r.status });
    else out.set(r.id, [{ system: r.system, status: r.status }]);
  }
  return out;
}
