import type { NormalizedRecord, OrderEvent, QuarantinedRecord, RecordError } from '../core/order.ts';
import type { CanonicalStatus } from '../core/status.ts';
import { pickCanonical, type Authority, type SystemView } from '../sync/canonical.ts';
import type { ProcessedFile } from '../sync/sources/types.ts';
import type { Db, SqlValue } from './db.ts';

/** One page of normalized records to commit atomically. */
export interface BatchInput {
  runId: number;
  source: string;
  system: string;
  now: number;
  authority: Authority;
  records: readonly NormalizedRecord[];
  quarantined?: readonly QuarantinedRecord[];
  errors?: readonly RecordError[];
  /** New resume point; undefined keeps the old one. */
  cursor?: string | null | undefined;
  processedFile?: ProcessedFile | undefined;
  /** Inbound delivery identity (webhook event id): a second batch with the same key changes nothing. */
  dedupeKey?: { scope: string; key: string } | undefined;
}

/** A change of an order's canonical (cross-system) status. */
export interface CanonicalChange {
  orderId: string;
  from: CanonicalStatus | null;
  to: CanonicalStatus;
  system: string;
  at: number;
}

/** What a committed batch did. */
export interface BatchResult {
  duplicate: boolean;
  /** Records whose snapshot changed. */
  changed: number;
  unchanged: number;
  /** Records older than what we already hold for that system (ignored). */
  stale: number;
  events: OrderEvent[];
  canonicalChanges: CanonicalChange[];
}

interface SnapshotRow {
  order_id: string;
  system: string;
  status: CanonicalStatus;
  raw_status: string;
  updated_at: number;
  amount: number | null;
  currency: string | null;
}

// Rows travel as one JSON parameter expanded by json_each inside SQLite: binding thousands of
// parameters one by one costs the main thread far more than one JSON.stringify.
const SNAPSHOT_UPSERT = `INSERT INTO snapshots (order_id, system, status, raw_status, updated_at, amount, currency, seen_at, run_id)
   SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(?) WHERE true
   ON CONFLICT(order_id, system) DO UPDATE SET status = excluded.status, raw_status = excluded.raw_status, updated_at = excluded.updated_at,
   amount = excluded.amount, currency = excluded.currency, seen_at = excluded.seen_at, run_id = excluded.run_id`;
const EVENT_INSERT = `INSERT INTO events (order_id, system, from_status, to_status, raw_status, at, run_id)
   SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 FROM json_each(?)`;
const ORDER_UPSERT = `INSERT INTO orders (order_id, status, status_system, status_since, updated_at, amount, currency, customer_id, first_seen)
   SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(?) WHERE true
   ON CONFLICT(order_id) DO UPDATE SET status = excluded.status, status_system = excluded.status_system, status_since = excluded.status_since,
   updated_at = excluded.updated_at, amount = coalesce(excluded.amount, orders.amount), currency = coalesce(excluded.currency, orders.currency),
   customer_id = coalesce(excluded.customer_id, orders.customer_id)`;
// Which incoming records differ from the stored snapshot of this system (by index in the batch).
const CANDIDATES = `SELECT j.key AS i FROM json_each(?1) AS j LEFT JOIN snapshots AS s ON s.order_id = j.value->>0 AND s.system = ?2
   WHERE s.order_id IS NULL OR s.status IS NOT j.value->>1 OR s.raw_status IS NOT j.value->>2 OR s.updated_at IS NOT j.value->>3
   OR s.amount IS NOT j.value->>4 OR s.currency IS NOT j.value->>5`;
const SNAPSHOT_READ = `SELECT order_id, system, status, raw_status, updated_at, amount, currency FROM snapshots
   WHERE order_id IN (SELECT value FROM json_each(?))`;

/** Runs `sql` (which reads its rows from `json_each(?)`) once for all `rows`; nothing when empty. */
export async function insertJsonRows(db: Db, sql: string, rows: readonly (readonly SqlValue[])[]): Promise<void> {
  if (rows.length === 0) return;
  await db.runCached(sql, [JSON.stringify(rows)]);
}

async function readSnapshots(db: Db, ids: string[]): Promise<Map<string, SnapshotRow[]>> {
  const byOrder = new Map<string, SnapshotRow[]>();
  if (ids.length === 0) return byOrder;
  const rows = await db.allCached<SnapshotRow>(SNAPSHOT_READ, [JSON.stringify(ids)]);
  for (const row of rows) {
    const list = byOrder.get(row.order_id);
    if (list) list.push(row);
    else byOrder.set(row.order_id, [row]);
  }
  return byOrder;
}

function sameNumber(a: number | null, b: number | undefined): boolean {
  return (a ?? null) === (b ?? null);
}

function toViews(rows: readonly SnapshotRow[]): SystemView[] {
  return rows.map((r) => ({ system: r.system, status: r.status, updatedAt: r.updated_at }));
}

/** Diffs a page against the stored snapshots and writes snapshots, events and canonical views in one transaction. */
export function applyBatch(db: Db, input: BatchInput): Promise<BatchResult> {
  return db.transaction(async () => {
    const result: BatchResult = { duplicate: false, changed: 0, unchanged: 0, stale: 0, events: [], canonicalChanges: [] };
    if (input.dedupeKey) {
      const ins = await db.run('INSERT OR IGNORE INTO inbound_keys (scope, key, at) VALUES (?, ?, ?)', [input.dedupeKey.scope, input.dedupeKey.key, input.now]);
      if (ins.changes === 0) return { ...result, duplicate: true };
    }
    // One record per order: the latest wins when a page repeats an order.
    const latest = new Map<string, NormalizedRecord>();
    for (const r of input.records) {
      const prev = latest.get(r.orderId);
      if (!prev || r.updatedAt >= prev.updatedAt) latest.set(r.orderId, r);
    }
    const recs = [...latest.values()];
    const probe = recs.map((r) => [r.orderId, r.status, r.rawStatus, r.updatedAt, r.amount ?? null, r.currency ?? null]);
    const candidateRows = recs.length > 0 ? await db.allCached<{ i: number }>(CANDIDATES, [JSON.stringify(probe), input.system]) : [];
    result.unchanged = recs.length - candidateRows.length;
    const candidates = candidateRows.map((row) => recs[row.i]).filter((r): r is NormalizedRecord => r !== undefined);
    const existing = await readSnapshots(db, candidates.map((r) => r.orderId));
    const snapshotValues: SqlValue[][] = [];
    const eventValues: SqlValue[][] = [];
    const orderValues: SqlValue[][] = [];
    const changedIds: string[] = [];
    const customerRecords: NormalizedRecord[] = [];
    const itemRecords: NormalizedRecord[] = [];
    for (const rec of candidates) {
      const rows = existing.get(rec.orderId) ?? [];
      const old = rows.find((r) => r.system === input.system);
      if (old && rec.updatedAt < old.updated_at) {
        result.stale++;
        continue;
      }
      if (
        old &&
        old.status === rec.status &&
        old.raw_status === rec.rawStatus &&
        old.updated_at === rec.updatedAt &&
        sameNumber(old.amount, rec.amount) &&
        (old.currency ?? null) === (rec.currency ?? null)
      ) {
        result.unchanged++;
        continue;
      }
      result.changed++;
      changedIds.push(rec.orderId);
      snapshotValues.push([rec.orderId, input.system, rec.status, rec.rawStatus, rec.updatedAt, rec.amount ?? null, rec.currency ?? null, input.now, input.runId]);
      if (rec.customer?.id) customerRecords.push(rec);
      if (rec.items && rec.items.length > 0) itemRecords.push(rec);
      if (!old || old.status !== rec.status) {
        const at = Math.min(rec.updatedAt, input.now);
        eventValues.push([rec.orderId, input.system, old?.status ?? null, rec.status, rec.rawStatus, at, input.runId]);
        result.events.push({ orderId: rec.orderId, system: input.system, from: old?.status ?? null, to: rec.status, raw: rec.rawStatus, at, runId: input.runId });
        const before = rows.length > 0 ? pickCanonical(toViews(rows), input.authority) : null;
        const afterViews = toViews(rows.filter((r) => r.system !== input.system));
        afterViews.push({ system: input.system, status: rec.status, updatedAt: rec.updatedAt });
        const after = pickCanonical(afterViews, input.authority);
        if (after && (!before || before.status !== after.status)) {
          orderValues.push([rec.orderId, after.status, after.system, at, rec.updatedAt, rec.amount ?? null, rec.currency ?? null, rec.customer?.id ?? null, input.now]);
          result.canonicalChanges.push({ orderId: rec.orderId, from: before?.status ?? null, to: after.status, system: after.system, at });
        }
      }
    }
    await insertJsonRows(db, SNAPSHOT_UPSERT, snapshotValues);
    await insertJsonRows(db, EVENT_INSERT, eventValues);
    await insertJsonRows(db, ORDER_UPSERT, orderValues);
    await writeCustomers(db, customerRecords, input.now);
    await writeItems(db, itemRecords, input.system);
    if (changedIds.length > 0 && (await db.get('SELECT 1 AS x FROM quarantine WHERE system = ? AND resolved_at IS NULL LIMIT 1', [input.system]))) {
      await resolveQuarantine(db, input.system, changedIds, input.now);
    }
    if (input.quarantined && input.quarantined.length > 0) await writeQuarantine(db, input);
    if (input.errors && input.errors.length > 0) await writeRecordErrors(db, input);
    if (input.cursor !== undefined) {
      await db.run('INSERT INTO cursors (source, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT(source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at', [
        input.source,
        input.cursor,
        input.now,
      ]);
    }
    if (input.processedFile) {
      const f = input.processedFile;
      await db.run('INSERT OR REPLACE INTO processed_files (source, hash, name, rows, bad_rows, processed_at) VALUES (?, ?, ?, ?, ?, ?)', [input.source, f.hash, f.name, f.rows, f.badRows, input.now]);
    }
    return result;
  });
}

const CUSTOMER_UPSERT = `INSERT INTO customers (customer_id, name, phone, email, openid, language, time_zone, preferred_channel, updated_at)
   SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(?) WHERE true
   ON CONFLICT(customer_id) DO UPDATE SET name = coalesce(excluded.name, name), phone = coalesce(excluded.phone, phone), email = coalesce(excluded.email, email),
   openid = coalesce(excluded.openid, openid), language = coalesce(excluded.language, language), time_zone = coalesce(excluded.time_zone, time_zone),
   preferred_channel = coalesce(excluded.preferred_channel, preferred_channel), updated_at = excluded.updated_at`;
const ITEMS_UPSERT = `INSERT OR REPLACE INTO order_items (order_id, system, items) SELECT value->>0, value->>1, value->>2 FROM json_each(?)`;
const QUARANTINE_UPSERT = `INSERT INTO quarantine (system, order_id, raw_status, source, record, first_seen, last_seen, run_id)
   SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7 FROM json_each(?) WHERE true
   ON CONFLICT(system, order_id, raw_status) DO UPDATE SET record = excluded.record, last_seen = excluded.last_seen, count = quarantine.count + 1,
   run_id = excluded.run_id, resolved_at = NULL`;
const ERROR_INSERT = `INSERT INTO record_errors (source, run_id, ref, message, at) SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM json_each(?)`;

async function writeCustomers(db: Db, recs: readonly NormalizedRecord[], now: number): Promise<void> {
  const rows: SqlValue[][] = [];
  const seen = new Set<string>();
  for (const r of recs) {
    const c = r.customer;
    if (!c?.id || seen.has(c.id)) continue;
    seen.add(c.id);
    rows.push([c.id, c.name ?? null, c.phone ?? null, c.email ?? null, c.openid ?? null, c.language ?? null, c.timeZone ?? null, c.preferredChannel ?? null, now]);
  }
  await insertJsonRows(db, CUSTOMER_UPSERT, rows);
}

async function writeItems(db: Db, recs: readonly NormalizedRecord[], system: string): Promise<void> {
  await insertJsonRows(db, ITEMS_UPSERT, recs.map((r) => [r.orderId, system, JSON.stringify(r.items)]));
}

async function writeQuarantine(db: Db, input: BatchInput): Promise<void> {
  const rows = (input.quarantined ?? []).map((q) => [input.system, q.orderId, q.rawStatus, input.source, JSON.stringify(q), input.now, input.now, input.runId]);
  await insertJsonRows(db, QUARANTINE_UPSERT, rows);
}

async function writeRecordErrors(db: Db, input: BatchInput): Promise<void> {
  await insertJsonRows(db, ERROR_INSERT, (input.errors ?? []).map((e) => [input.source, input.runId, e.ref, e.message, input.now]));
}

/** Marks quarantined records resolved once their order arrives with a mapped status (inside a transaction). */
async function resolveQuarantine(db: Db, system: string, orderIds: readonly string[], now: number): Promise<number> {
  const res = await db.run('UPDATE quarantine SET resolved_at = ? WHERE resolved_at IS NULL AND system = ? AND order_id IN (SELECT value FROM json_each(?))', [
    now,
    system,
    JSON.stringify(orderIds),
  ]);
  return res.changes;
}
