// Regression: a system moved an order backwards: no chain of legal moves leads there (shipped → paid). A move that
// skips steps a poll missed (delivered → refunded after an after-sales refund; paid → refunded, cancelled and refunded
// before shipping) is not one.
//
// Fed by each committed batch's events and, on every scan, by the events appended since the last one
// checked (so events committed while nobody listened are caught too). One finding per order and system
// (`regression:<order>:<system>`); it resolves once that system's view is back where it was, or anywhere
// legally reachable from there (i.e. the system caught up), or the order is gone.
import type { OrderEvent } from '../core/order.ts';
import { CANONICAL_STATUSES, isPossibleMove, type CanonicalStatus } from '../core/status.ts';
import type { Db } from '../store/db.ts';
import type { Detected, SourceOfSystem } from './detected.ts';
import { fingerprintOf, type FindingDetails } from './types.ts';

/** `from>to` of every move no chain of legal moves explains (for the SQL filter). */
export const ILLEGAL_PAIRS: readonly string[] = CANONICAL_STATUSES.flatMap((from) => CANONICAL_STATUSES.filter((to) => !isPossibleMove(from, to)).map((to) => `${from}>${to}`));

/** The regression an event is, if no chain of legal moves explains it. */
export function regressionOf(e: Pick<OrderEvent, 'orderId' | 'system' | 'from' | 'to' | 'raw' | 'at'>, sourceOf: SourceOfSystem): Detected<'regression'> | undefined {
  if (e.from === null || isPossibleMove(e.from, e.to)) return undefined;
  return {
    kind: 'regression',
    fingerprint: fingerprintOf('regression', [e.orderId, e.system]),
    source: sourceOf(e.system),
    orderId: e.orderId,
    details: { system: e.system, from: e.from, to: e.to, raw: e.raw, at: e.at },
  };
}

/** True while the system still shows the order behind where it was (`current` undefined: the view is gone). */
export function isStillRegressed(d: Pick<FindingDetails['regression'], 'from'>, current: CanonicalStatus | undefined): boolean {
  return current !== undefined && !isPossibleMove(d.from, current);
}

interface EventRow {
  id: number;
  orderId: string;
  system: string;
  from: CanonicalStatus;
  to: CanonicalStatus;
  raw: string;
  at: number;
}

/** Forbidden transitions among the events after `afterId`, and the highest event id read. */
export async function scanRegressionEvents(db: Db, afterId: number, sourceOf: SourceOfSystem): Promise<{ found: Detected<'regression'>[]; lastId: number }> {
  const last = await db.get<{ id: number | null }>('SELECT max(id) AS id FROM events');
  const lastId = last?.id ?? afterId;
  if (lastId <= afterId) return { found: [], lastId: afterId };
  const rows = await db.all<EventRow>(
    `SELECT id, order_id AS orderId, system, from_status AS "from", to_status AS "to", raw_status AS raw, at FROM events
     WHERE id > ? AND id <= ? AND from_status IS NOT NULL AND (from_status || '>' || to_status) IN (SELECT value FROM json_each(?)) ORDER BY id`,
    [afterId, lastId, JSON.stringify(ILLEGAL_PAIRS)],
  );
  const found: Detected<'regression'>[] = [];
  for (const r of rows) {
    const d = regressionOf(r, sourceOf);
    if (d) found.push(d);
  }
  return { found, lastId };
}

/** Each system's current status of the given orders: `order\u0000system` → status. */
export async function currentStatuses(db: Db, orderIds: readonly string[]): Promise<Map<string, CanonicalStatus>> {
  const out = new Map<string, CanonicalStatus>();
  if (orderIds.length === 0) return out;
  const rows = await db.all<{ id: string; system: string; status: CanonicalStatus }>(
    'SELECT order_id AS id, system, status FROM snapshots WHERE order_id IN (SELECT value FROM json_each(?))',
    [JSON.stringify([...new Set(orderIds)])],
  );
  for (const r of rows) out.set(`${r.id}\u0000${r.system}`, r.status);
  return out;
}
