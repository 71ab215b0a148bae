import { netAdjustment, type NormalizedRecord, type OrderEvent, type QuarantinedRecord, type RecordError } from '../core/order.ts';
import type { CanonicalStatus } from '../core/status.ts';
import { pickCanonical, type Authority, type SystemView } from '../sync/canonical.ts';
import type { ProcessedFile } from '../sync/sources/types.ts';
import type { Db, SqlValue, Transaction } from './db.ts';
import { addressRow, addressWrites } from './order-addresses.ts';

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
  /** Runs inside the batch's transaction after its writes (the notification outbox is written here). */
  afterWrite?: ((result: BatchResult) => Promise<void>) | undefined;
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
  /** The order's event ids, oldest first (events has no index on order_id). */
  e: number[];
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

/** A record's view: the text of JSON.stringify of its StoredView. */
function viewJson(r: NormalizedRecord, updated: string, amount: string): string {
  return `[${jsonString(r.status)},${jsonString(r.rawStatus)},${updated},${amount},${jsonString(r.currency)}]`;
}

/** Per-batch constant pieces of a first sighting's document. */
interface FreshParts {
  readonly now: number;
  /** `,"<system>",` */
  readonly system: string;
  /** `,<now>],"v":{"<system>":` */
  readonly views: string;
  /** `},"n":{"<system>":[<now>,<run>]},"e":[` */
  readonly tail: string;
}

function freshParts(system: string, now: number, runId: number): FreshParts {
  const qsys = jsonString(system);
  const nowJson = jsonNumber(now);
  return { now, system: `,${qsys},`, views: `,${nowJson}],"v":{${qsys}:`, tail: `},"n":{${qsys}:[${nowJson},${jsonNumber(runId)}]},"e":[` };
}

/** `at` of a record's event and canonical view: its update time, or now when it claims to be from the future. */
function atJson(r: NormalizedRecord, updated: string, now: number): string {
  return r.updatedAt < now ? updated : jsonNumber(Math.min(r.updatedAt, now));
}

/** The document of a first sighting (canonical view = this record, `eventId` its event): the text of JSON.stringify of its OrderDoc. */
function freshDoc(r: NormalizedRecord, updated: string, amount: string, f: FreshParts, eventId: number): string {
  const status = jsonString(r.status);
  const currency = jsonString(r.currency);
  const customer = r.customer?.id == null ? 'null' : JSON.stringify(r.customer.id);
  return `{"c":[${status}${f.system}${atJson(r, updated, f.now)},${amount},${currency},${customer}${f.views}[${status},${jsonString(r.rawStatus)},${updated},${amount},${currency}]${f.tail}${jsonNumber(eventId)}]}`;
}

/**
 * Builds the text of a JSON object, `{"<key>": <value>, ...}`, as UTF-8 in one growing Buffer, written every
 * ~32 KB of text: the many small strings a batch is made of die young, and the text lives off the JS heap in
 * one allocation (all cheap for the garbage collector).
 */
class JsonObjectWriter {
  private buf: Buffer;
  private len = 0;
  private text = '{';
  private count = 0;
  /** `capacity`: the expected size in bytes (the buffer grows when it is not enough). */
  constructor(capacity = 4096) {
    this.buf = Buffer.allocUnsafe(Math.max(4096, capacity));
  }
  add(key: string, value: string): void {
    this.text += this.count === 0 ? `${key}:${value}` : `,${key}:${value}`;
    this.count++;
    if (this.text.length > 32_768) this.flush();
  }
  get size(): number {
    return this.count;
  }
  private flush(): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; count exactly only when that might not fit.
    const need = this.len + this.text.length * 3 > this.buf.length ? this.len + Buffer.byteLength(this.text, 'utf8') : 0;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.len += this.buf.write(this.text, this.len, 'utf8');
    this.text = '';
  }
  finish(): Buffer {
    this.text += '}';
    this.flush();
    return this.buf.subarray(0, this.len);
  }
}

// ---- Events ------------------------------------------------------------------------------------
// A batch's events go in as ONE statement, in the order they were added, so SQLite numbers them id + 1,
// id + 2, ... in that order (ids the documents list before the rows exist; the statement's last row id
// checks it). Each row is `"<order id>": at * 64 + g`, where g numbers the batch's distinct (from, to, raw):
// SQLite reads two primitives per row and expands g with CASE (far cheaper than extracting four fields).
// Beyond 63 distinct (from, to, raw), or for an `at` that does not pack, rows carry [from, to, raw, at].

const MAX_EVENT_GROUPS = 63;
/** |at| below this packs into a safe integer with 6 bits to spare. */
const PACKABLE_AT = 2 ** 46;

interface EventStmt extends Stmt {
  /** Rows it inserts. */
  count: number;
}

/** The events of one batch, in order. */
class EventRows {
  private readonly index = new Map<CanonicalStatus | null, Map<CanonicalStatus, Map<string, number>>>();
  private readonly groups: SqlValue[] = [];
  private readonly rows: JsonObjectWriter;
  private packable = true;
  count = 0;

  constructor(expected = 0) {
    this.rows = new JsonObjectWriter(expected * 32);
  }

  add(key: string, from: CanonicalStatus | null, to: CanonicalStatus, raw: string, at: number): void {
    this.count++;
    if (!this.packable) return;
    const g = this.group(from, to, raw);
    if (g === undefined || !Number.isSafeInteger(at) || Math.abs(at) >= PACKABLE_AT) {
      this.packable = false;
      return;
    }
    this.rows.add(key, jsonNumber(at * 64 + g));
  }

  private group(from: CanonicalStatus | null, to: CanonicalStatus, raw: string): number | undefined {
    let byTo = this.index.get(from);
    if (!byTo) this.index.set(from, (byTo = new Map()));
    let byRaw = byTo.get(to);
    if (!byRaw) byTo.set(to, (byRaw = new Map()));
    let g = byRaw.get(raw);
    if (g === undefined) {
      if (this.groups.length / 3 >= MAX_EVENT_GROUPS) return undefined;
      g = this.groups.length / 3;
      byRaw.set(raw, g);
      this.groups.push(from, to, raw);
    }
    return g;
  }

  /** The INSERT; `all` lists the same events again (only read when they do not pack). */
  stmt(system: string, runId: number, all: () => Iterable<[key: string, from: CanonicalStatus | null, to: CanonicalStatus, raw: string, at: number]>): EventStmt {
    if (this.packable) {
      const k = this.groups.length / 3;
      const pick = (field: number) => `CASE value & 63 ${Array.from({ length: k }, (_v, g) => `WHEN ${g} THEN ?${4 + 3 * g + field}`).join(' ')} END`;
      return {
        sql: `INSERT INTO events (order_id, system, from_status, to_status, raw_status, at, run_id)
          SELECT key, ?2, ${pick(0)}, ${pick(1)}, ${pick(2)}, value >> 6, ?3 FROM json_each(CAST(?1 AS TEXT))`,
        params: [this.rows.finish(), system, runId, ...this.groups],
        count: this.count,
      };
    }
    const rows = new JsonObjectWriter(this.count * 64);
    for (const [key, from, to, raw, at] of all()) rows.add(key, `[${jsonString(from)},${jsonString(to)},${jsonString(raw)},${jsonNumber(at)}]`);
    return {
      sql: `INSERT INTO events (order_id, system, from_status, to_status, raw_status, at, run_id)
        SELECT key, ?2, value ->> 0, value ->> 1, value ->> 2, value ->> 3, ?3 FROM jsonb_each(CAST(?1 AS TEXT))`,
      params: [rows.finish(), system, runId],
      count: this.count,
    };
  }
}

/** Thrown when an events INSERT did not number its rows as the documents listed them. */
class EventNumberingError extends Error {}

/**
 * Per database: the id the last event of every batch prepared so far will get, when known. A bulk batch
 * reserves its ids from it while it is prepared; anything that inserts events without a reservation forgets it.
 */
const eventIds = new WeakMap<Db, number>();

/** Reads the events' last id (the engine does at the start of a run), so bulk batches can number their events ahead. */
export async function syncEventIds(db: Db): Promise<void> {
  const row = await db.get<{ id: number | null }>('SELECT max(id) AS id FROM events');
  eventIds.set(db, row?.id ?? 0);
}

// ---- Preparation (pure JS: runs while SQLite commits the previous batch) -----------------------

/** Every record's document and first-sighting event as if its order were new (bulk loads). */
interface FreshBatch {
  readonly now: number;
  readonly runId: number;
  /** `{"<order id>": <document>, ...}` */
  readonly docs: Buffer;
  readonly events: EventStmt;
  /** The id the first event gets (the documents list base + 1, base + 2, ... in record order). */
  readonly eventBase: number;
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
// What the last batch of each system was like: guesses for the next one, which decide how much work is
// done ahead, never results.
/** Share of new orders in the last batch of each system: whether to prepare a FreshBatch. */
const freshShare = new Map<string, number>();
/** Whether the last batch of each system changed nothing: whether to diff before opening a transaction. */
const lastUnchanged = new Map<string, boolean>();

interface PrepareOptions {
  /** Commit time, run and database the batch will be committed with: lets a bulk load serialize its documents early. */
  now?: number;
  runId?: number;
  db?: Db;
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
  // serialized now, its event ids reserved; the diff query's input is then only made if the guess is wrong.
  const reserved = opts.db ? eventIds.get(opts.db) : undefined;
  const speculate = opts.now !== undefined && opts.runId !== undefined && opts.db !== undefined && reserved !== undefined && n > 0 && (freshShare.get(system) ?? 1) === 1;
  const eventBase = reserved ?? 0;
  if (speculate && opts.db) eventIds.set(opts.db, eventBase + n);
  const now = opts.now ?? 0;
  const runId = opts.runId ?? 0;
  const f = freshParts(system, now, runId);
  const probe = speculate ? undefined : new JsonObjectWriter(n * 64);
  const docs = speculate ? new JsonObjectWriter(n * 200) : undefined;
  const events = speculate ? new EventRows(n) : undefined;
  const counts = new Map<CanonicalStatus, number>();
  const slice = opts.slice ?? n;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % slice === 0) yield;
    const r = recs[i] as NormalizedRecord;
    const key = JSON.stringify(r.orderId);
    const updated = jsonNumber(r.updatedAt);
    const amount = jsonNumber(r.amount);
    if (docs && events) {
      docs.add(key, freshDoc(r, updated, amount, f, eventBase + 1 + i));
      events.add(key, null, r.status, r.rawStatus, Math.min(r.updatedAt, now));
      counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    } else if (probe) {
      probe.add(key, viewJson(r, updated, amount));
    }
  }
  const fresh: FreshBatch | undefined =
    docs && events
      ? {
          now,
          runId,
          docs: docs.finish(),
          events: events.stmt(system, runId, function* () {
            for (const r of recs) yield [JSON.stringify(r.orderId), null, r.status, r.rawStatus, Math.min(r.updatedAt, now)];
          }),
          eventBase: eventBase + 1,
          counts,
        }
      : undefined;
  return { system, source: records, recs, index, probe: probe?.finish(), fresh };
}

/** The diff query's input of a prepared batch, made on first use. */
function probeOf(p: PreparedRecords): Buffer {
  if (p.probe === undefined) {
    const probe = new JsonObjectWriter(p.recs.length * 64);
    for (const r of p.recs) probe.add(JSON.stringify(r.orderId), viewJson(r, jsonNumber(r.updatedAt), jsonNumber(r.amount)));
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
  const steps = prepareSteps(records, system, { slice: 250, ...opts });
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
     count(*) FILTER (WHERE o.doc IS NULL) AS fresh, count(*) AS candidates,
     (SELECT coalesce(max(id), 0) FROM events) AS lastEventId
   FROM json_each(CAST(?1 AS TEXT)) AS j LEFT JOIN orders AS o ON o.order_id = j.key
   WHERE o.doc -> ?2 IS NOT j.value`;

interface DiffRow {
  changed: string | null;
  missing: string | null;
  fresh: number;
  candidates: number;
  lastEventId: number;
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
  stmts(): Stmt[] {
    const rows: [string, string, number][] = [];
    for (const [system, m] of this.bySystem) for (const [status, n] of m) if (n !== 0) rows.push([system, status, n]);
    return rows.length > 0 ? [countsUpsert(JSON.stringify(rows))] : [];
  }
}

const CUSTOMER_UPSERT = `INSERT INTO customers (customer_id, name, phone, email, openid, language, time_zone, preferred_channel, updated_at)
   SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM jsonb_each(?1) WHERE true
   ON CONFLICT(customer_id) DO UPDATE SET name = coalesce(excluded.name, name), phone = coalesce(excluded.phone, phone), email = coalesce(excluded.email, email),
   openid = coalesce(excluded.openid, openid), language = coalesce(excluded.language, language), time_zone = coalesce(excluded.time_zone, time_zone),
   preferred_channel = coalesce(excluded.preferred_channel, preferred_channel), updated_at = excluded.updated_at`;
const ITEMS_UPSERT = 'INSERT OR REPLACE INTO order_items (order_id, system, items, adjust) SELECT value->>0, value->>1, value->>2, value->>3 FROM jsonb_each(?1)';
const QUARANTINE_UPSERT = `INSERT INTO quarantine (system, order_id, raw_status, source, record, first_seen, last_seen, run_id)
   SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7 FROM jsonb_each(?1) WHERE true
   ON CONFLICT(system, order_id, raw_status) DO UPDATE SET record = excluded.record, last_seen = excluded.last_seen, count = quarantine.count + 1,
   run_id = excluded.run_id, resolved_at = NULL`;
const ERROR_INSERT = 'INSERT INTO record_errors (source, run_id, ref, message, at) SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM jsonb_each(?1)';
// Walks the system's open quarantine (usually none) rather than the batch's ids: the id list is only read
// (once) when there is an open row to check.
const QUARANTINE_RESOLVE = `UPDATE quarantine INDEXED BY quarantine_open SET resolved_at = ?1
   WHERE system = ?2 AND resolved_at IS NULL AND order_id IN (SELECT value FROM json_each(CAST(?3 AS TEXT)))`;
// The same for a bulk batch: its orders are those of the events from id ?3 on (this batch's).
const QUARANTINE_RESOLVE_SINCE = `UPDATE quarantine INDEXED BY quarantine_open SET resolved_at = ?1
   WHERE system = ?2 AND resolved_at IS NULL AND order_id IN (SELECT order_id FROM events WHERE id >= ?3)`;

/**
 * Everything a batch writes besides documents and events, in order: customers, items, quarantine resolved
 * for the changed orders (`changed`: a JSON array of their ids, or the first event id of a bulk batch; before
 * new quarantine rows, so a record quarantined in this batch stays open), new quarantine rows, record errors,
 * cursor, processed file.
 */
function sideWrites(input: BatchInput, records: readonly NormalizedRecord[], changed: { ids: string } | { eventsFrom: number } | undefined): Stmt[] {
  const { system, now, source, runId } = input;
  const out: Stmt[] = [];
  const customers: SqlValue[][] = [];
  const seen = new Set<string>();
  const items: SqlValue[][] = [];
  const addresses: NonNullable<ReturnType<typeof addressRow>>[] = [];
  for (const r of records) {
    const c = r.customer;
    if (c?.id && !seen.has(c.id)) {
      seen.add(c.id);
      customers.push([c.id, c.name ?? null, c.phone ?? null, c.email ?? null, c.openid ?? null, c.language ?? null, c.timeZone ?? null, c.preferredChannel ?? null, now]);
    }
    if (r.items && r.items.length > 0) items.push([r.orderId, system, JSON.stringify(r.items), netAdjustment(r.adjustments) ?? null]);
    // Dated like the views the mismatch grace reads: by the source's update time (never later than now).
    const address = r.shipTo ? addressRow(r.orderId, system, r.shipTo, Math.min(r.updatedAt, now)) : undefined;
    if (address) addresses.push(address);
  }
  if (customers.length > 0) out.push({ sql: CUSTOMER_UPSERT, params: [JSON.stringify(customers)] });
  if (items.length > 0) out.push({ sql: ITEMS_UPSERT, params: [JSON.stringify(items)] });
  out.push(...addressWrites(addresses));
  if (changed !== undefined) {
    if ('ids' in changed) out.push({ sql: QUARANTINE_RESOLVE, params: [now, system, changed.ids] });
    else out.push({ sql: QUARANTINE_RESOLVE_SINCE, params: [now, system, changed.eventsFrom] });
  }
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

/** A value as an SQL literal (a string holding NUL as its UTF-8 in hex: SQL text cannot hold NUL). */
function sqlLiteral(v: SqlValue | undefined): string {
  if (v === undefined || v === null) return 'NULL';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') {
    if (v.includes('\u0000')) return `CAST(X'${Buffer.from(v, 'utf8').toString('hex')}' AS TEXT)`;
    return v.includes("'") ? `'${v.replaceAll("'", "''")}'` : `'${v}'`;
  }
  return `X'${v.toString('hex')}'`;
}

/**
 * The statements as SQL text, parameters inlined: small writes go with COMMIT in one round trip
 * (every statement dispatched on its own costs this thread a hand-off to SQLite's thread).
 */
function script(stmts: readonly Stmt[]): string {
  return stmts.map((st) => st.sql.replace(/\?(\d+)/g, (_m, n: string) => sqlLiteral(st.params[Number(n) - 1]))).join(';\n');
}

/**
 * Runs independent statements (different tables or rows), all issued at once so SQLite runs them back to back
 * while this thread carries on; resolves with each one's result (in list order), or rejects with the first failure.
 */
async function runAll(db: Db, stmts: readonly Stmt[]): Promise<{ lastID: number; changes: number }[]> {
  const results = await Promise.allSettled(stmts.map((st) => db.runCachedResult(st.sql, st.params)));
  return results.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}

/** Checks that an events INSERT numbered its rows `base`, `base + 1`, ... as the documents list them. */
function checkEventIds(result: { lastID: number; changes: number } | undefined, events: EventStmt, base: number): void {
  if (!result || result.changes !== events.count || result.lastID !== base + events.count - 1) {
    throw new EventNumberingError(`events got ids up to ${result?.lastID} (${result?.changes} rows), expected ${base}..${base + events.count - 1}`);
  }
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
    const counts = new CountDeltas();
    for (const [status, count] of bulk.counts) {
      counts.add('*', status, count);
      counts.add(input.system, status, count);
    }
    const side = [...counts.stmts(), ...sideWrites(input, p.recs, { eventsFrom: bulk.eventBase })];
    return db.transaction(
      async (tx) => {
        const written = runAll(db, [ordersInsert(bulk.docs), bulk.events]);
        const result = bulkResult(input, p);
        try {
          checkEventIds((await written)[1], bulk.events, bulk.eventBase);
        } catch (err) {
          // A wrong guess: an order existed, or events were added since the ids were reserved.
          if (!isExistingOrder(err) && !(err instanceof EventNumberingError)) throw err;
          await db.exec('ROLLBACK TO bulk');
          const diffed = await applyDiff(db, input, p, tx);
          await input.afterWrite?.(diffed);
          return diffed;
        }
        if (side.length > 0) tx.atCommit(script(side));
        freshShare.set(input.system, 1);
        lastUnchanged.set(input.system, false);
        await input.afterWrite?.(result);
        return result;
      },
      { savepoint: 'bulk' },
    ).catch((err: unknown) => {
      eventIds.delete(db);
      throw err;
    });
  }
  if (!input.dedupeKey && p.recs.length > 0 && lastUnchanged.get(input.system) === true) return applyUnchanged(db, input, p);
  return applyInTransaction(db, input, p);
}

function applyInTransaction(db: Db, input: BatchInput, p: PreparedRecords): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    if (input.dedupeKey) {
      const ins = await db.run('INSERT OR IGNORE INTO inbound_keys (scope, key, at) VALUES (?, ?, ?)', [input.dedupeKey.scope, input.dedupeKey.key, input.now]);
      if (ins.changes === 0) return { ...emptyResult(), duplicate: true };
    }
    const result = await applyDiff(db, input, p, tx);
    await input.afterWrite?.(result);
    return result;
  });
}

/**
 * Steady state (the last batch changed nothing): diff before opening a transaction. A batch that changes no
 * order is a no-op at the state the diff read, so committing only its other writes afterwards (cursor,
 * quarantine, errors) is the same as committing the batch then: that takes one statement, or one transaction
 * for several. Otherwise the batch is committed as usual (and diffed again, inside the transaction).
 */
async function applyUnchanged(db: Db, input: BatchInput, p: PreparedRecords): Promise<BatchResult> {
  const row = (await db.allCached<DiffRow>(DIFF, [probeOf(p), viewPath(input.system)]))[0];
  if ((row?.candidates ?? 0) > 0) {
    lastUnchanged.set(input.system, false);
    return applyInTransaction(db, input, p);
  }
  const writes = sideWrites(input, [], undefined);
  const only = writes.length === 1 ? writes[0] : undefined;
  if (only) await db.runCached(only.sql, only.params);
  else if (writes.length > 1) await db.transaction(async (tx) => tx.atCommit(script(writes)));
  freshShare.set(input.system, 0);
  return { ...emptyResult(), unchanged: p.recs.length };
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
async function applyDiff(db: Db, input: BatchInput, p: PreparedRecords, tx: Transaction): Promise<BatchResult> {
  const result = emptyResult();
  const { system, now, runId } = input;
  const n = p.recs.length;
  const kind = new Uint8Array(n);
  let docs: Record<string, OrderDoc> = {};
  let lastEventId = 0;
  if (n > 0) {
    const row = (await db.allCached<DiffRow>(DIFF, [probeOf(p), viewPath(system)]))[0];
    lastEventId = row?.lastEventId ?? 0;
    const fresh = row?.fresh ?? 0;
    freshShare.set(system, fresh / n);
    lastUnchanged.set(system, (row?.candidates ?? 0) === 0);
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
  const events = new EventRows();
  // Events are numbered from the last id, in the order they are added (see EventRows).
  const eventBase = lastEventId + 1;
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
      upserts.add(key, freshDoc(rec, jsonNumber(rec.updatedAt), jsonNumber(rec.amount), f, eventBase + events.count));
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
      if (event) doc.e = [...(doc.e ?? []), eventBase + events.count];
      (doc.c[0] === canonical[0] && doc.c[2] === canonical[2] ? docUpdates : upserts).add(key, JSON.stringify(doc));
    }
    result.changed++;
    changed.push(rec);
    if (event) {
      events.add(key, from, rec.status, rec.rawStatus, at);
      result.events.push({ orderId: id, system, from, to: rec.status, raw: rec.rawStatus, at, runId });
    }
  }

  const eventStmt =
    events.count > 0
      ? events.stmt(system, runId, function* () {
          for (const e of result.events) yield [JSON.stringify(e.orderId), e.from, e.to, e.raw, e.at];
        })
      : undefined;
  const stmts: Stmt[] = eventStmt ? [eventStmt] : [];
  if (upserts.size > 0) stmts.push(ordersUpsert(upserts.finish()));
  if (docUpdates.size > 0) stmts.push(ordersDocUpdate(docUpdates.finish()));
  const side = [...counts.stmts(), ...sideWrites(input, changed, changed.length > 0 ? { ids: JSON.stringify(changed.map((r) => r.orderId)) } : undefined)];
  if (side.length > 0) tx.atCommit(script(side));
  const results = await runAll(db, stmts);
  if (eventStmt) {
    checkEventIds(results[0], eventStmt, eventBase);
    // These events had no reservation: bulk batches prepared meanwhile numbered theirs wrongly.
    eventIds.delete(db);
  }
  return result;
}

/** Runs `sql` (which reads its rows from `json_each(?)`) once for all `rows`; nothing when empty. */
export async function insertJsonRows(db: Db, sql: string, rows: readonly (readonly SqlValue[])[]): Promise<void> {
  if (rows.length === 0) return;
  await db.runCached(sql, [JSON.stringify(rows)]);
}
