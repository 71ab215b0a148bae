// Writes a detector's complete current findings of one kind to the findings table in bulk (same row
// semantics as FindingsRepo.raise/resolve, but one statement per step instead of two per finding).
import type { Db } from '../store/db.ts';
import type { AnyDetected } from './detected.ts';
import type { FindingKind } from './types.ts';

/** A stored finding as the alert pipeline needs it. */
export interface StoredFinding {
  fingerprint: string;
  kind: FindingKind;
  source: string;
  orderId: string | undefined;
  details: string;
  firstSeen: number;
}

/** What syncing one kind changed. */
export interface FindingDelta {
  /** New, reopened, or with changed details. */
  raised: StoredFinding[];
  /** Open before, absent now. */
  resolved: string[];
}

const RESOLVE_ABSENT = `UPDATE findings SET resolved_at = ?1 WHERE kind = ?2 AND resolved_at IS NULL
  AND fingerprint NOT IN (SELECT value ->> 0 FROM json_each(?3)) RETURNING fingerprint`;
const RESOLVE_LISTED = `UPDATE findings SET resolved_at = ?1 WHERE kind = ?2 AND resolved_at IS NULL
  AND fingerprint IN (SELECT value FROM json_each(?3)) RETURNING fingerprint`;
// Unchanged open rows are not rewritten (so RETURNING lists exactly the changes); their last_seen is touched after.
const UPSERT = `INSERT INTO findings (fingerprint, kind, source, order_id, details, first_seen, last_seen)
  SELECT value ->> 0, ?2, value ->> 1, value ->> 2, value ->> 3, ?1, ?1 FROM json_each(?3) WHERE true
  ON CONFLICT(fingerprint) DO UPDATE SET details = excluded.details, source = excluded.source, order_id = excluded.order_id,
    last_seen = excluded.last_seen, count = findings.count + 1, resolved_at = NULL,
    first_seen = CASE WHEN findings.resolved_at IS NULL THEN findings.first_seen ELSE excluded.first_seen END
  WHERE findings.resolved_at IS NOT NULL OR findings.details IS NOT excluded.details
  RETURNING fingerprint, source, order_id AS orderId, details, first_seen AS firstSeen`;
const TOUCH = 'UPDATE findings SET last_seen = ?1 WHERE kind = ?2 AND resolved_at IS NULL';

function rowsJson(found: readonly AnyDetected[]): string {
  return JSON.stringify(found.map((f) => [f.fingerprint, f.source, f.orderId ?? null, JSON.stringify(f.details)]));
}

async function upsert(db: Db, kind: FindingKind, found: readonly AnyDetected[], now: number): Promise<StoredFinding[]> {
  if (found.length === 0) return [];
  const rows = await db.all<{ fingerprint: string; source: string | null; orderId: string | null; details: string; firstSeen: number }>(UPSERT, [now, kind, rowsJson(found)]);
  return rows.map((r) => ({ fingerprint: r.fingerprint, kind, source: r.source ?? '', orderId: r.orderId ?? undefined, details: r.details, firstSeen: r.firstSeen }));
}

/** Makes `found` the open findings of `kind`: raises what is new or changed, resolves what is gone. */
export function syncFindings(db: Db, kind: FindingKind, found: readonly AnyDetected[], now: number): Promise<FindingDelta> {
  return db.transaction(async () => {
    const resolved = (await db.all<{ fingerprint: string }>(RESOLVE_ABSENT, [now, kind, rowsJson(found)])).map((r) => r.fingerprint);
    const raised = await upsert(db, kind, found, now);
    await db.run(TOUCH, [now, kind]);
    return { raised, resolved };
  });
}

/** Raises some findings of `kind` and resolves others by fingerprint (incremental: other open findings stay). */
export function applyFindings(db: Db, kind: FindingKind, raise: readonly AnyDetected[], resolve: readonly string[], now: number): Promise<FindingDelta> {
  return db.transaction(async () => {
    const resolved = resolve.length === 0 ? [] : (await db.all<{ fingerprint: string }>(RESOLVE_LISTED, [now, kind, JSON.stringify(resolve)])).map((r) => r.fingerprint);
    const raised = await upsert(db, kind, raise, now);
    return { raised, resolved };
  });
}

/** The open findings of some kinds (for reconciling the alert pipeline after a start). */
export async function openFindings(db: Db, kinds: readonly FindingKind[]): Promise<StoredFinding[]> {
  const rows = await db.all<{ fingerprint: string; kind: FindingKind; source: string | null; orderId: string | null; details: string; firstSeen: number }>(
    `SELECT fingerprint, kind, source, order_id AS orderId, details, first_seen AS firstSeen FROM findings
     WHERE resolved_at IS NULL AND kind IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(kinds)],
  );
  return rows.map((r) => ({ ...r, source: r.source ?? '', orderId: r.orderId ?? undefined }));
}

/** Fingerprints of findings of some kinds resolved at or after `since` and still resolved. */
export async function resolvedSince(db: Db, kinds: readonly FindingKind[], since: number): Promise<string[]> {
  const rows = await db.all<{ fingerprint: string }>('SELECT fingerprint FROM findings WHERE resolved_at >= ? AND kind IN (SELECT value FROM json_each(?))', [since, JSON.stringify(kinds)]);
  return rows.map((r) => r.fingerprint);
}
