import type { CanonicalStatus } from '../core/status.ts';
import type { Db } from './db.ts';

/** Orders past their status's dwell limit, per status (one scan of the orders table). */
export async function countStuck(db: Db, dwellHours: Partial<Record<CanonicalStatus, number>>, now: number): Promise<{ status: CanonicalStatus; count: number; limitHours: number }[]> {
  const limits = Object.entries(dwellHours).filter((e): e is [CanonicalStatus, number] => typeof e[1] === 'number');
  if (limits.length === 0) return [];
  const cases = limits.map(() => '(status = ? AND status_since < ?)').join(' OR ');
  const params = limits.flatMap(([status, hours]) => [status, now - hours * 3_600_000]);
  const rows = await db.all<{ status: CanonicalStatus; count: number }>(`SELECT status, count(*) AS count FROM orders WHERE ${cases} GROUP BY status`, params);
  const byStatus = new Map(rows.map((r) => [r.status, r.count]));
  return limits.map(([status, limitHours]) => ({ status, count: byStatus.get(status) ?? 0, limitHours }));
}
