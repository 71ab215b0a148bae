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

// ---- The order document (orders.doc, JSONB) ----------------------------------------------------

/** One system's view as stored: [status, raw status, updated at, amount, currency]. */
export type StoredView = [CanonicalStatus, string, number, number | null, string | null];
/** The canonical view as stored: [status, system, since, amount, currency, customer id, first seen]. */
export type StoredCanonical = [CanonicalStatus, string, number, number | null, string | null, string | null, number];

/** Everything known about one order: canonical view, each system's view, when each system's view was written. */
export interface OrderDoc {
  c: StoredCanonical;
  v: Record<string, StoredView>;
  /** Per system: [seen at, run id] of the write that last changed its view. */
  n: Record<string, [number, number]>;
}

/** The stored view of `system` in `doc`, if any (own properties only: system names are user input). */
export function docView(doc: OrderDoc, system: string): StoredView | undefined {
  return Object.hasOwn(doc.v, system) ? doc.v[system] : undefined;
}

function docViews(doc: OrderDoc): SystemView[] {
  const out: SystemView[] = [];
  for (const system of Object.keys(doc.v)) {
    const v = doc.v[system];
    if (v) out.push({ system, status: v[0], updatedAt: v[2] });
  }
  return out;
}

/** JSON path of one system's view inside the document. */
function viewPath(system: string): string {
  if (system.includes('"')) throw new Error(`invalid system name ${JSON.stringify(system)}`);
  return `$.v."${system}"`;
}

// ---- JSON text ---------------------------------------------------------------------------------
// Batches travel to SQLite as JSON text built here piece by piece, with exactly the text JSON.stringify
// would produce: the diff query compares a record's view text with the stored one.

function finiteOrNull(n: number | undefined | null): number | null {
  return n === undefined || n === null || !Number.isFinite(n) ? null : n;
}

// Millisecond timestamps share their leading digits within a batch: converting only the last six digits
// halves the cost of the most frequent number-to-text conversion here.
let millionsNumber = Number.NaN;
let millionsText = '';

/** JSON text of a number (null when absent or not finite), as JSON.stringify writes it. */
function jsonNumber(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return 'null';
  if (n < 1e9 || !Number.isSafeInteger(n)) return String(n);
  const millions = Math.floor(n / 1e6);
  const rest = n - millions * 1e6;
  if (millions !== millionsNumber) {
    millionsNumber = millions;
    millionsText = String(millions);
  }
  return rest >= 100_000 ? millionsText + rest : millionsText + String(rest + 1_000_000).slice(1);
}

// Statuses, raw statuses, currencies and system names come from small vocabularies: quote each once.
const quoted = new Map<string, string>();
/** JSON text of a string (null when absent), as JSON.stringify writes it. */
function jsonString(s: string | undefined | null): string {
  if (s === undefined || s === null) return 'null';
  let q = quoted.get(s);
  if (q === undefined) {
    q = JSON.stringify(s);
    if (quoted.size < 4096) quoted.set(s, q);
  }
  return q;
}

/** Pushes a record's view: the text of JSON.stringify of its StoredView. */
function pushView(out: string[], r: NormalizedRecord, updated: string, amount: string): void {
  out.push('[', jsonString(r.status), ',', jsonString(r.rawStatus), ',', updated, ',', amount, ',', jsonString(r.currency), ']');
}

/** Per-batch constant pieces of a first sighting's document. */
interface FreshParts {
  readonly now: number;
  /** `,"<system>",` */
  readonly system: string;
  /** `,<now>],"v":{"<system>":` */
  readonly views: string;
  /** `},"n":{"<system>":[<now>,<run>]}}` */
  readonly tail: string;
}

function freshParts(system: string, now: number, runId: number): FreshParts {
  const qsys = jsonString(system);
  const nowJson = jsonNumber(now);
  return { now, system: `,${qsys},`, views: `,${nowJson}],"v":{${qsys}:`, tail: `},"n":{${qsys}:[${nowJson},${jsonNumber(runId)}]}}` };
}

/** `at` of a record's event and canonical view: its update time, or now when it claims to be from the future. */
function atJson(r: NormalizedRecord, updated: string, now: number): string {
  return r.updatedAt < now ? updated : jsonNumber(Math.min(r.updatedAt, now));
}

/** Pushes the document of a first sighting (canonical view = this record): the text of JSON.stringify of its OrderDoc. */
function pushFreshDoc(out: string[], r: NormalizedRecord, updated: string, amount: string, f: FreshParts): void {
  const status = jsonString(r.status);
  const currency = jsonString(r.currency);
  const customer = r.customer?.id == null ? 'null' : JSON.stringify(r.customer.id);
  out.push('{"c":[', status, f.system, atJson(r, updated, f.now), ',', amount, ',', currency, ',', customer, f.views);
  out.push('[', status, ',', jsonString(r.rawStatus), ',', updated, ',', amount, ',', currency, ']', f.tail);
}

/**
 * Builds the text of a JSON object, `{"<key>": <value>, ...}`, from pieces (joined once per ~16K pieces) into
 * UTF-8 chunks: few intermediate strings, and the text lives off the JS heap (both cheap for the garbage collector).
 */
class JsonObjectWriter {
  private readonly chunks: Buffer[] = [];
  private parts: string[] = ['{'];
  private count = 0;
  /** Starts an entry; the value's pieces are then pushed onto the returned array. */
  entry(key: string): string[] {
    if (this.parts.length > 16_384) {
      this.chunks.push(Buffer.from(this.parts.join(''), 'utf8'));
      this.parts = [];
    }
    if (this.count === 0) this.parts.push(key, ':');
    else this.parts.push(',', key, ':');
    this.count++;
    return this.parts;
  }
  add(key: string, value: string): void {
    this.entry(key).push(value);
  }
  get size(): number {
    return this.count;
  }
  finish(): Buffer {
    this.parts.push('}');
    this.chunks.push(Buffer.from(this.parts.join(''), 'utf8'));
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
  }
}

/** One (from, to, raw) group of events: rows are `{"<order id>": at, ...}`, so SQLite extracts nothing per row. */
interface EventGroup {
  from: CanonicalStatus | null;
  to: CanonicalStatus;
  raw: string;
  rows: Buffer;
}

/** The events of a batch, grouped by (from, to, raw). */
class EventGroups {
  private readonly groups = new Map<CanonicalStatus | null, Map<CanonicalStatus, Map<string, JsonObjectWriter>>>();
  private readonly list: { from: CanonicalStatus | null; to: CanonicalStatus; raw: string; rows: JsonObjectWriter }[] = [];
  add(from: CanonicalStatus | null, to: CanonicalStatus, raw: string, key: string, at: string): void {
    let byTo = this.groups.get(from);
    if (!byTo) this.groups.set(from, (byTo = new Map()));
    let byRaw = byTo.get(to);
    if (!byRaw) byTo.set(to, (byRaw = new Map()));
    let rows = byRaw.get(raw);
    if (!rows) {
      byRaw.set(raw, (rows = new JsonObjectWriter()));
      this.list.push({ from, to, raw, rows });
    }
    rows.add(key, at);
  }
  get count(): number {
    return this.list.length;
  }
  finish(): EventGroup[] {
    return this.list.map((g) => ({ from: g.from, to: g.to, raw: g.raw, rows: g.rows.finish() }));
  }
}

/** More (from, to, raw) groups than this in a batch and its events go as one statement with all fields per row. */
const MAX_EVENT_GROUPS = 16;

// ---- Preparation (pure JS: runs while SQLite commits the previous batch) -----------------------

/** Every record's document and first-sighting event as if its order were new (bulk loads). */
interface FreshBatch {
  readonly now: number;
  readonly runId: number;
  /** `{"<order id>": <document>, ...}` */
  readonly docs: Buffer;
  /** `["<order id>", ...]` */
  readonly ids: Buffer;
  readonly events: EventGroup[];
  /** New orders per canonical status. */
  readonly counts: ReadonlyMap<CanonicalStatus, number>;
}

/** A page reduced to one record per order, with the JSON its commit needs. */
export interface PreparedRecords {
  readonly system: string;
  /** The batch's records array this was made from. */
  readonly source: readonly NormalizedRecord[];
  /** One record per order (the latest wins when a page repeats an order), in first-seen order. */
  readonly recs: readonly NormalizedRecord[];
  /** Order id → position in recs. */
  readonly index: ReadonlyMap<string, number>;
  /** `{"<order id>": <view>, ...}`: the diff query's input (made on first use when `fresh` is set). */
  probe: Buffer | undefined;
  /** When the batch looked like part of a bulk load: what to write if every order is new. */
  readonly fresh: FreshBatch | undefined;
}

const preparedBatches = new WeakMap<readonly NormalizedRecord[], PreparedRecords>();
/** Share of new orders in the last batch of each system: whether to prepare a FreshBatch (speed only, never results). */
const freshShare = new Map<string, number>();

interface PrepareOptions {
  /** Commit time and run the batch will be committed with: lets a bulk load serialize its documents early. */
  now?: number;
  runId?: number;
  /** Records serialized between two yields to the event loop (async preparation only). */
  slice?: number;
}

function dedupe(records: readonly NormalizedRecord[]): { recs: NormalizedRecord[]; index: Map<string, number> } {
  const index = new Map<string, number>();
  const recs: NormalizedRecord[] = [];
  for (const r of records) {
    const at = index.get(r.orderId);
    if (at === undefined) {
      index.set(r.orderId, recs.length);
      recs.push(r);
    } else if (r.updatedAt >= (recs[at] as NormalizedRecord).updatedAt) {
      recs[at] = r;
    }
  }
  return { recs, index };
}

function* prepareSteps(records: readonly NormalizedRecord[], system: string, opts: PrepareOptions): Generator<void, PreparedRecords> {
  const { recs, index } = dedupe(records);
  const n = recs.length;
  // A bulk load (the last batch of this system brought only new orders) gets its documents and events
  // serialized now; the diff query's input is then only made if the guess turns out wrong.
  const speculate = opts.now !== undefined && opts.runId !== undefined && n > 0 && (freshShare.get(system) ?? 1) === 1;
  const f = freshParts(system, opts.now ?? 0, opts.runId ?? 0);
  const probe = speculate ? undefined : new JsonObjectWriter();
  const docs = speculate ? new JsonObjectWriter() : undefined;
  const events = speculate ? new EventGroups() : undefined;
  const ids: string[] = [];
  const counts = new Map<CanonicalStatus, number>();
  const slice = opts.slice ?? n;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % slice === 0) yield;
    const r = recs[i] as NormalizedRecord;
    const key = JSON.stringify(r.orderId);
    const updated = jsonNumber(r.updatedAt);
    const amount = jsonNumber(r.amount);
    if (docs && events) {
      pushFreshDoc(docs.entry(key), r, updated, amount, f);
      events.add(null, r.status, r.rawStatus, key, atJson(r, updated, f.now));
      ids.push(key);
      counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    } else if (probe) {
      pushView(probe.entry(key), r, updated, amount);
    }
  }
  const fresh: FreshBatch | undefined =
    docs && events && events.count <= MAX_EVENT_GROUPS
      ? { now: f.now, runId: opts.runId ?? 0, docs: docs.finish(), ids: Buffer.from(`[${ids.join(',')}]`, 'utf8'), events: events.finish(), counts }
      : undefined;
  return { system, source: records, recs, index, probe: probe?.finish(), fresh };
}

/** The diff query's input of a prepared batch, made on first use. */
function probeOf(p: PreparedRecords): Buffer {
  if (p.probe === undefined) {
    const probe = new JsonObjectWriter();
    for (const r of p.recs) pushView(probe.entry(JSON.stringify(r.orderId)), r, jsonNumber(r.updatedAt), jsonNumber(r.amount));
    p.probe = probe.finish();
  }
  return p.probe;
}

function cachedPrepared(records: readonly NormalizedRecord[], system: string): PreparedRecords | undefined {
  const cached = preparedBatches.get(records);
  return cached && cached.system === system && cached.source.length === records.length ? cached : undefined;
}

/**
 * Dedupes a batch's records and serializes what its commit needs (for what looks like a bulk load: the
 * documents and events to insert). applyBatch reuses the result for the same records array.
 */
export function prepareRecords(records: readonly NormalizedRecord[], system: string, opts: PrepareOptions = {}): PreparedRecords {
  const cached = cachedPrepared(records, system);
  if (cached) return cached;
  const steps = prepareSteps(records, system, { ...opts, slice: undefined });
  let step = steps.next();
  while (!step.done) step = steps.next();
  preparedBatches.set(records, step.value);
  return step.value;
}

/** prepareRecords in slices, yielding to the event loop between them (so SQLite callbacks are served promptly). */
export async function prepareRecordsAsync(records: readonly NormalizedRecord[], system: string, opts: PrepareOptions = {}): Promise<PreparedRecords> {
  const cached = cachedPrepared(records, system);
  if (cached) return cached;
  const steps = prepareSteps(records, system, { slice: 500, ...opts });
  let step = steps.next();
  while (!step.done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    step = steps.next();
  }
  preparedBatches.set(records, step.value);
  return step.value;
}

/** The commit time a batch was prepared for (the engine commits it with that time). */
export function preparedAt(records: readonly NormalizedRecord[]): number | undefined {
  return preparedBatches.get(records)?.fresh?.now;
}

// ---- Statements --------------------------------------------------------------------------------
// Rows travel as one JSON text expanded inside SQLite (binding values one by one costs the main thread far
// more). jsonb_each hands containers over as JSONB, so `value ->> n` needs no re-parse. The big JSON texts
// are UTF-8 Buffers made while preparing (bound by a copy), hence CAST(? AS TEXT).

interface Stmt {
  sql: string;
  params: SqlValue[];
}

// Records whose stored view of this system differs: the stored document of each existing order
// (changed), the ids of new orders (missing) and their number.
const DIFF = `SELECT json_group_object(j.key, json(o.doc)) FILTER (WHERE o.doc IS NOT NULL) AS changed,
     json_group_array(j.key) FILTER (WHERE o.doc IS NULL) AS missing,
     count(*) FILTER (WHERE o.doc IS NULL) AS fresh
   FROM json_each(CAST(?1 AS TEXT)) AS j LEFT JOIN orders AS o ON o.order_id = j.key
   WHERE o.doc -> ?2 IS NOT j.value`;

interface DiffRow {
  changed: string | null;
  missing: string | null;
  fresh: number;
}

// status and status_since are real columns (scans by status and age), copied from the document.
const ORDER_COLUMNS = `key, value ->> '$.c[0]', value ->> '$.c[2]', value FROM jsonb_each(CAST(?1 AS TEXT))`;
/** New orders only: a plain INSERT, so an order that already exists fails the statement (see applyBatch). */
const ordersInsert = (docs: Buffer): Stmt => ({ sql: `INSERT INTO orders (order_id, status, status_since, doc) SELECT ${ORDER_COLUMNS}`, params: [docs] });
/** New orders and orders whose canonical status changed. */
const ordersUpsert = (docs: Buffer): Stmt => ({
  sql: `INSERT INTO orders (order_id, status, status_since, doc) SELECT ${ORDER_COLUMNS} WHERE true
    ON CONFLICT(order_id) DO UPDATE SET status = excluded.status, status_since = excluded.status_since, doc = excluded.doc`,
  params: [docs],
});
/** Orders whose canonical status stayed: the document only (an index on status is left alone). */
const ordersDocUpdate = (docs: Buffer): Stmt => ({ sql: 'UPDATE orders SET doc = j.value FROM jsonb_each(CAST(?1 AS TEXT)) AS j WHERE orders.order_id = j.key', params: [docs] });

const eventGroupInsert = (g: EventGroup, system: string, runId: number): Stmt => ({
  sql: 'INSERT INTO events (order_id, system, from_status, to_status, raw_status, at, run_id) SELECT key, ?2, ?3, ?4, ?5, value, ?6 FROM json_each(CAST(?1 AS TEXT))',
  params: [g.rows, system, g.from, g.to, g.raw, runId],
});
/** Any events: rows are `{"<order id>": [from, to, raw, at], ...}`. */
function eventRowsInsert(events: readonly OrderEvent[], system: string, runId: number): Stmt {
  const rows = new JsonObjectWriter();
  for (const e of events) rows.add(JSON.stringify(e.orderId), `[${jsonString(e.from)},${jsonString(e.to)},${jsonString(e.raw)},${jsonNumber(e.at)}]`);
  return {
    sql: 'INSERT INTO events (order_id, system, from_status, to_status, raw_status, at, run_id) SELECT key, ?2, value ->> 0, value ->> 1, value ->> 2, value ->> 3, ?3 FROM jsonb_each(CAST(?1 AS TEXT))',
    params: [rows.finish(), system, runId],
  };
}

const countsUpsert = (json: string): Stmt => ({
  sql: `INSERT INTO status_counts (system, status, count) SELECT value ->> 0, value ->> 1, value ->> 2 FROM jsonb_each(?1) WHERE true
    ON CONFLICT(system, status) DO UPDATE SET count = count + excluded.count`,
  params: [json],
});

/** Status count deltas of one batch. */
class CountDeltas {
  private readonly bySystem = new Map<string, Map<string, number>>();
  add(system: string, status: string, delta: number): void {
    let m = this.bySystem.get(system);
    if (!m) this.bySystem.set(system, (m = new Map()));
    m.set(status, (m.get(status) ?? 0) + delta);
  }
  stmt(): Stmt | undefined {
    const rows: [string, string, number][] = [];
    for (const [system, m] of this.bySystem) for (const [status, n] of m) if (n !== 0) rows.push([system, status, n]);
    return rows.length > 0 ? countsUpsert(JSON.stringify(rows)) : undefined;
  }
}

const CUSTOMER_UPSERT = `INSERT INTO customers (customer_id, name, phone, email, openid, language, time_zone, preferred_channel, updated_at)
   SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM jsonb_each(?1) WHERE true
   ON CONFLICT(customer_id) DO UPDATE SET name = coalesce(excluded.name, name), phone = coalesce(excluded.phone, phone), email = coalesce(excluded.email, email),
   openid = coalesce(excluded.openid, openid), language = coalesce(excluded.language, language), time_zone = coalesce(excluded.time_zone, time_zone),
   preferred_channel = coalesce(excluded.preferred_channel, preferred_channel), updated_at = excluded.updated_at`;
const ITEMS_UPSERT = 'INSERT OR REPLACE INTO order_items (order_id, system, items) SELECT value->>0, value->>1, value->>2 FROM jsonb_each(?1)';
const QUARANTINE_UPSERT = `INSERT INTO quarantine (system, order_id, raw_status, source, record, first_seen, last_seen, run_id)
   SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7 FROM jsonb_each(?1) WHERE true
   ON CONFLICT(system, order_id, raw_status) DO UPDATE SET record = excluded.record, last_seen = excluded.last_seen, count = quarantine.count + 1,
   run_id = excluded.run_id, resolved_at = NULL`;
const ERROR_INSERT = 'INSERT INTO record_errors (source, run_id, ref, message, at) SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM jsonb_each(?1)';
// Walks the system's open quarantine (usually none) rather than the batch's ids: the id list is only read
// (once) when there is an open row to check.
const QUARANTINE_RESOLVE = `UPDATE quarantine INDEXED BY quarantine_open SET resolved_at = ?1
   WHERE system = ?2 AND resolved_at IS NULL AND order_id IN (SELECT value FROM json_each(CAST(?3 AS TEXT)))`;

/**
 * Everything a batch writes besides documents, events and counts, in order: customers, items, quarantine
 * resolved for the changed orders (`changedIds`, a JSON array; before new quarantine rows, so a record
 * quarantined in this batch stays open), new quarantine rows, record errors, cursor, processed file.
 */
function sideWrites(input: BatchInput, changed: readonly NormalizedRecord[], changedIds: Buffer | string | undefined): Stmt[] {
  const { system, now, source, runId } = input;
  const out: Stmt[] = [];
  const customers: SqlValue[][] = [];
  const seen = new Set<string>();
  const items: SqlValue[][] = [];
  for (const r of changed) {
    const c = r.customer;
    if (c?.id && !seen.has(c.id)) {
      seen.add(c.id);
      customers.push([c.id, c.name ?? null, c.phone ?? null, c.email ?? null, c.openid ?? null, c.language ?? null, c.timeZone ?? null, c.preferredChannel ?? null, now]);
    }
    if (r.items && r.items.length > 0) items.push([r.orderId, system, JSON.stringify(r.items)]);
  }
  if (customers.length > 0) out.push({ sql: CUSTOMER_UPSERT, params: [JSON.stringify(customers)] });
  if (items.length > 0) out.push({ sql: ITEMS_UPSERT, params: [JSON.stringify(items)] });
  if (changedIds !== undefined) out.push({ sql: QUARANTINE_RESOLVE, params: [now, system, changedIds] });
  const quarantined = input.quarantined ?? [];
  if (quarantined.length > 0) {
    out.push({ sql: QUARANTINE_UPSERT, params: [JSON.stringify(quarantined.map((q) => [system, q.orderId, q.rawStatus, source, JSON.stringify(q), now, now, runId]))] });
  }
  const errors = input.errors ?? [];
  if (errors.length > 0) out.push({ sql: ERROR_INSERT, params: [JSON.stringify(errors.map((e) => [source, runId, e.ref, e.message, now]))] });
  if (input.cursor !== undefined) {
    out.push({
      sql: 'INSERT INTO cursors (source, cursor, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT(source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at',
      params: [source, input.cursor, now],
    });
  }
  if (input.processedFile) {
    const f = input.processedFile;
    out.push({ sql: 'INSERT OR REPLACE INTO processed_files (source, hash, name, rows, bad_rows, processed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)', params: [source, f.hash, f.name, f.rows, f.badRows, now] });
  }
  return out;
}

/**
 * Runs the statements, all issued at once so SQLite runs them back to back while this thread carries on;
 * resolves when all are done, with the first failure (in list order) if any.
 */
async function runAll(db: Db, stmts: readonly Stmt[]): Promise<void> {
  // Independent tables may run in any order; the quarantine statements keep theirs (resolve, then upsert).
  const ordered = stmts.filter((s) => s.sql === QUARANTINE_RESOLVE || s.sql === QUARANTINE_UPSERT);
  const free = stmts.filter((s) => !ordered.includes(s));
  // A prepared statement runs one call at a time: a repeated statement gets its own copy per occurrence.
  const seen = new Map<string, number>();
  const promises: Promise<unknown>[] = free.map((s) => {
    const copy = seen.get(s.sql) ?? 0;
    seen.set(s.sql, copy + 1);
    return db.runCached(copy === 0 ? s.sql : `${s.sql} -- ${copy}`, s.params);
  });
  promises.push(ordered.reduce<Promise<unknown>>((prev, s) => prev.then(() => db.runCached(s.sql, s.params)), Promise.resolve()));
  const results = await Promise.allSettled(promises);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

// ---- Commit ------------------------------------------------------------------------------------

function emptyResult(): BatchResult {
  return { duplicate: false, changed: 0, unchanged: 0, stale: 0, events: [], canonicalChanges: [] };
}

/** The error the bulk path fails with when one of its orders already exists. */
function isExistingOrder(err: unknown): boolean {
  return err instanceof Error && err.message.includes('UNIQUE constraint failed: orders.order_id');
}

/** Diffs a page against the stored documents and writes documents, events and counts in one transaction. */
export function applyBatch(db: Db, input: BatchInput): Promise<BatchResult> {
  const p = prepareRecords(input.records, input.system);
  // Bulk load: every prepared document and event is inserted at once, without a diff query. If an order
  // already existed, its plain INSERT fails: the work is rolled back to the savepoint opened with the
  // transaction and the batch is diffed instead. (Not for a delivery with a dedupe key, checked first.)
  const bulk = p.fresh && !input.dedupeKey && p.fresh.now === input.now && p.fresh.runId === input.runId ? p.fresh : undefined;
  if (bulk) {
    const stmts: Stmt[] = [ordersInsert(bulk.docs), ...bulk.events.map((g) => eventGroupInsert(g, input.system, input.runId))];
    const counts = new CountDeltas();
    for (const [status, count] of bulk.counts) {
      counts.add('*', status, count);
      counts.add(input.system, status, count);
    }
    const countStmt = counts.stmt();
    if (countStmt) stmts.push(countStmt);
    stmts.push(...sideWrites(input, p.recs, bulk.ids));
    return db.transaction(
      async () => {
        const written = runAll(db, stmts);
        const result = bulkResult(input, p);
        try {
          await written;
        } catch (err) {
          if (!isExistingOrder(err)) throw err;
          await db.exec('ROLLBACK TO bulk');
          return applyDiff(db, input, p);
        }
        freshShare.set(input.system, 1);
        return result;
      },
      { savepoint: 'bulk' },
    );
  }
  return db.transaction(async () => {
    if (input.dedupeKey) {
      const ins = await db.run('INSERT OR IGNORE INTO inbound_keys (scope, key, at) VALUES (?, ?, ?)', [input.dedupeKey.scope, input.dedupeKey.key, input.now]);
      if (ins.changes === 0) return { ...emptyResult(), duplicate: true };
    }
    return applyDiff(db, input, p);
  });
}

/** The result of a batch whose orders are all new. */
function bulkResult(input: BatchInput, p: PreparedRecords): BatchResult {
  const { system, runId, now } = input;
  const result = emptyResult();
  for (const rec of p.recs) {
    const at = Math.min(rec.updatedAt, now);
    result.events.push({ orderId: rec.orderId, system, from: null, to: rec.status, raw: rec.rawStatus, at, runId });
    result.canonicalChanges.push({ orderId: rec.orderId, from: null, to: rec.status, system, at });
  }
  result.changed = p.recs.length;
  return result;
}

function sameNumber(a: number | null, b: number | undefined): boolean {
  return a === finiteOrNull(b);
}

const NEW = 1;
const EXISTING = 2;

/** Diffs the batch against the stored documents and writes what changed (inside the batch's transaction). */
async function applyDiff(db: Db, input: BatchInput, p: PreparedRecords): Promise<BatchResult> {
  const result = emptyResult();
  const { system, now, runId } = input;
  const n = p.recs.length;
  const kind = new Uint8Array(n);
  let docs: Record<string, OrderDoc> = {};
  if (n > 0) {
    const row = (await db.allCached<DiffRow>(DIFF, [probeOf(p), viewPath(system)]))[0];
    const fresh = row?.fresh ?? 0;
    freshShare.set(system, fresh / n);
    if (fresh === n) {
      kind.fill(NEW);
    } else {
      for (const id of JSON.parse(row?.missing ?? '[]') as string[]) {
        const i = p.index.get(id);
        if (i !== undefined) kind[i] = NEW;
      }
      docs = JSON.parse(row?.changed ?? '{}') as Record<string, OrderDoc>;
      for (const id of Object.keys(docs)) {
        const i = p.index.get(id);
        if (i !== undefined) kind[i] = EXISTING;
      }
    }
  }

  const counts = new CountDeltas();
  const f = freshParts(system, now, runId);
  const upserts = new JsonObjectWriter();
  const docUpdates = new JsonObjectWriter();
  const events = new EventGroups();
  const changed: NormalizedRecord[] = [];
  for (let i = 0; i < n; i++) {
    const k = kind[i];
    if (k !== NEW && k !== EXISTING) {
      result.unchanged++;
      continue;
    }
    const rec = p.recs[i] as NormalizedRecord;
    const id = rec.orderId;
    const key = JSON.stringify(id);
    const at = Math.min(rec.updatedAt, now);
    let from: CanonicalStatus | null = null;
    let event = true;
    if (k === NEW) {
      // First sighting of the order: its canonical view is this record.
      pushFreshDoc(upserts.entry(key), rec, jsonNumber(rec.updatedAt), jsonNumber(rec.amount), f);
      counts.add('*', rec.status, 1);
      counts.add(system, rec.status, 1);
      result.canonicalChanges.push({ orderId: id, from: null, to: rec.status, system, at });
    } else {
      const doc = docs[id] as OrderDoc;
      const old = docView(doc, system);
      if (old && rec.updatedAt < old[2]) {
        result.stale++;
        continue;
      }
      if (old && old[0] === rec.status && old[1] === rec.rawStatus && old[2] === rec.updatedAt && sameNumber(old[3], rec.amount) && old[4] === (rec.currency ?? null)) {
        result.unchanged++;
        continue;
      }
      from = old ? old[0] : null;
      event = !old || old[0] !== rec.status;
      const canonical = doc.c;
      if (event) {
        const views = docViews(doc);
        const before = views.length > 0 ? pickCanonical(views, input.authority) : null;
        const afterViews = views.filter((v) => v.system !== system);
        afterViews.push({ system, status: rec.status, updatedAt: rec.updatedAt });
        const after = pickCanonical(afterViews, input.authority);
        if (after && (!before || before.status !== after.status)) {
          doc.c = [after.status, after.system, at, finiteOrNull(rec.amount) ?? canonical[3], rec.currency ?? canonical[4], rec.customer?.id ?? canonical[5], canonical[6]];
          if (before) counts.add('*', before.status, -1);
          counts.add('*', after.status, 1);
          result.canonicalChanges.push({ orderId: id, from: before?.status ?? null, to: after.status, system: after.system, at });
        }
        if (from !== null) counts.add(system, from, -1);
        counts.add(system, rec.status, 1);
      }
      doc.v[system] = [rec.status, rec.rawStatus, rec.updatedAt, finiteOrNull(rec.amount), rec.currency ?? null];
      doc.n[system] = [now, runId];
      (doc.c[0] === canonical[0] && doc.c[2] === canonical[2] ? docUpdates : upserts).add(key, JSON.stringify(doc));
    }
    result.changed++;
    changed.push(rec);
    if (event) {
      events.add(from, rec.status, rec.rawStatus, key, jsonNumber(at));
      result.events.push({ orderId: id, system, from, to: rec.status, raw: rec.rawStatus, at, runId });
    }
  }

  const stmts: Stmt[] = [];
  if (upserts.size > 0) stmts.push(ordersUpsert(upserts.finish()));
  if (docUpdates.size > 0) stmts.push(ordersDocUpdate(docUpdates.finish()));
  if (events.count > MAX_EVENT_GROUPS) stmts.push(eventRowsInsert(result.events, system, runId));
  else stmts.push(...events.finish().map((g) => eventGroupInsert(g, system, runId)));
  const countStmt = counts.stmt();
  if (countStmt) stmts.push(countStmt);
  stmts.push(...sideWrites(input, changed, changed.length > 0 ? JSON.stringify(changed.map((r) => r.orderId)) : undefined));
  await runAll(db, stmts);
  return result;
}

/** Runs `sql` (which reads its rows from `json_each(?)`) once for all `rows`; nothing when empty. */
export async function insertJsonRows(db: Db, sql: string, rows: readonly (readonly SqlValue[])[]): Promise<void> {
  if (rows.length === 0) return;
  await db.runCached(sql, [JSON.stringify(rows)]);
}
