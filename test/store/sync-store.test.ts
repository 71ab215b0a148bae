import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NormalizedRecord, QuarantinedRecord } from '../../src/core/order.ts';
import type { CanonicalStatus } from '../../src/core/status.ts';
import type { Store } from '../../src/store/index.ts';
import { prepareRecords, syncEventIds, type BatchInput, type BatchResult } from '../../src/store/sync-store.ts';
import type { Authority } from '../../src/sync/canonical.ts';
import { tempStore } from '../helpers/temp.ts';

const T0 = Date.UTC(2026, 5, 1);
const NOW = T0 + 86_400_000;
const NO_AUTHORITY: Authority = { payment: [], fulfilment: [], delivery: [], after_sales: [] };
const WMS_FULFILMENT: Authority = { payment: ['erp'], fulfilment: ['wms'], delivery: [], after_sales: [] };

let systems = 0;
/** A system name of its own: the store's bulk-load guess is kept per system, so each test starts clean. */
function freshSystem(prefix: string): string {
  systems++;
  return `${prefix}${systems}`;
}

function rec(system: string, orderId: string, status: CanonicalStatus, minutes: number, extra: Partial<NormalizedRecord> = {}): NormalizedRecord {
  return { orderId, system, status, rawStatus: status.toUpperCase(), updatedAt: T0 + minutes * 60_000, ...extra };
}

interface BatchOptions {
  now?: number;
  authority?: Authority;
  cursor?: string | null;
  quarantined?: QuarantinedRecord[];
  dedupeKey?: { scope: string; key: string };
  /** Serialize ahead as the engine does for bulk loads (exercises the bulk path when every order is new). */
  prepared?: boolean;
}

async function batch(store: Store, system: string, records: NormalizedRecord[], opts: BatchOptions = {}): Promise<BatchResult> {
  const runId = await store.runs.start(system, system, 'test', T0);
  const now = opts.now ?? NOW;
  if (opts.prepared) {
    // As the engine does: event ids known at the start of a run, records serialized ahead of the commit.
    await syncEventIds(store.db);
    prepareRecords(records, system, { now, runId, db: store.db });
  }
  const input: BatchInput = {
    runId,
    source: system,
    system,
    now,
    authority: opts.authority ?? NO_AUTHORITY,
    records,
    quarantined: opts.quarantined ?? [],
    errors: [],
    cursor: opts.cursor,
    dedupeKey: opts.dedupeKey,
  };
  return store.applyBatch(input);
}

async function eventsOf(store: Store, orderId: string): Promise<[string, string | null, string, string][]> {
  const rows = await store.db.all<{ system: string; from_status: string | null; to_status: string; raw_status: string }>(
    'SELECT system, from_status, to_status, raw_status FROM events WHERE order_id = ? ORDER BY id',
    [orderId],
  );
  return rows.map((r) => [r.system, r.from_status, r.to_status, r.raw_status]);
}

/** Each document's event ids must be exactly its order's rows in events, oldest first. */
async function assertEventLinks(store: Store): Promise<void> {
  const docs = await store.db.all<{ order_id: string; e: string }>("SELECT order_id, json(doc -> '$.e') AS e FROM orders ORDER BY order_id");
  const rows = await store.db.all<{ order_id: string; ids: string }>('SELECT order_id, json_group_array(id) AS ids FROM (SELECT order_id, id FROM events ORDER BY id) GROUP BY order_id ORDER BY order_id');
  assert.deepEqual(
    docs.map((d) => [d.order_id, JSON.parse(d.e) as number[]]),
    rows.map((r) => [r.order_id, JSON.parse(r.ids) as number[]]),
  );
}

/** status_counts (what statusCounts returns) must equal counting the documents themselves; event links must hold. */
async function assertCountsMatch(store: Store): Promise<void> {
  await assertEventLinks(store);
  const kept = (await store.queries.statusCounts()).map((c) => `${c.system}/${c.status}=${c.count}`).sort();
  const canonical = await store.db.all<{ system: string; status: string; count: number }>("SELECT '*' AS system, status, count(*) AS count FROM orders GROUP BY status");
  const perSystem = await store.db.all<{ system: string; status: string; count: number }>('SELECT system, status, count(*) AS count FROM snapshots GROUP BY system, status');
  const counted = [...canonical, ...perSystem].map((c) => `${c.system}/${c.status}=${c.count}`).sort();
  assert.deepEqual(kept, counted);
}

for (const prepared of [false, true]) {
  const path = prepared ? 'bulk path' : 'diff path';

  test(`first sighting writes the snapshot, a from-null event and the canonical row (${path})`, async (t) => {
    const { store } = await tempStore(t);
    const sys = freshSystem('wms');
    const r = await batch(store, sys, [rec(sys, 'A1', 'packed', 5, { amount: 12.5, currency: 'CNY', customer: { id: 'C9' } }), rec(sys, 'A2', 'paid', 1)], { prepared, cursor: 'c1' });
    assert.deepEqual([r.changed, r.unchanged, r.stale, r.duplicate], [2, 0, 0, false]);
    assert.deepEqual(
      r.events.map((e) => [e.orderId, e.from, e.to, e.raw, e.at]),
      [
        ['A1', null, 'packed', 'PACKED', T0 + 5 * 60_000],
        ['A2', null, 'paid', 'PAID', T0 + 60_000],
      ],
    );
    assert.deepEqual(
      r.canonicalChanges.map((c) => [c.orderId, c.from, c.to, c.system]),
      [
        ['A1', null, 'packed', sys],
        ['A2', null, 'paid', sys],
      ],
    );
    const o = await store.queries.order('A1');
    assert.ok(o);
    assert.deepEqual([o.status, o.statusSystem, o.statusSince, o.amount, o.currency, o.customerId, o.firstSeen], ['packed', sys, T0 + 5 * 60_000, 12.5, 'CNY', 'C9', NOW]);
    assert.deepEqual(o.snapshots, [{ system: sys, status: 'packed', rawStatus: 'PACKED', updatedAt: T0 + 5 * 60_000, amount: 12.5, currency: 'CNY', seenAt: NOW }]);
    assert.deepEqual(await eventsOf(store, 'A1'), [[sys, null, 'packed', 'PACKED']]);
    assert.equal(await store.runs.getCursor(sys), 'c1');
    // The views other modules read.
    const canonical = await store.db.get<Record<string, unknown>>('SELECT * FROM order_canonical WHERE order_id = ?', ['A1']);
    assert.deepEqual(canonical, { order_id: 'A1', status: 'packed', status_system: sys, status_since: T0 + 5 * 60_000, amount: 12.5, currency: 'CNY', customer_id: 'C9', first_seen: NOW });
    const snapshot = await store.db.get<Record<string, unknown>>('SELECT * FROM snapshots WHERE order_id = ?', ['A2']);
    assert.deepEqual(snapshot, { order_id: 'A2', system: sys, status: 'paid', raw_status: 'PAID', updated_at: T0 + 60_000, amount: null, currency: null, seen_at: NOW, run_id: snapshot?.run_id });
    const customer = await store.db.get<{ customer_id: string }>('SELECT customer_id FROM customers');
    assert.equal(customer?.customer_id, 'C9');
    assert.deepEqual(await store.queries.totals(), { orders: 2, snapshots: 2, events: 2 });
    await assertCountsMatch(store);
  });

  test(`a batch that fails leaves rows and cursor as they were (${path})`, async (t) => {
    const { store } = await tempStore(t);
    const sys = freshSystem('erp');
    await batch(store, sys, [rec(sys, 'B1', 'paid', 1)], { cursor: 'c1' });
    // rawStatus null breaks events.raw_status NOT NULL, after the documents were written in the same transaction.
    const bad = { ...rec(sys, 'B3', 'paid', 2), rawStatus: null } as unknown as NormalizedRecord;
    await assert.rejects(batch(store, sys, [rec(sys, 'B2', 'paid', 2), bad, rec(sys, 'B1', 'shipped', 3)], { cursor: 'c2', prepared }), /NOT NULL constraint failed: events.raw_status/);
    assert.equal(await store.runs.getCursor(sys), 'c1');
    assert.equal(await store.queries.order('B2'), undefined);
    assert.equal((await store.queries.order('B1'))?.status, 'paid');
    assert.deepEqual(await store.queries.totals(), { orders: 1, snapshots: 1, events: 1 });
    // The small writes that go with COMMIT fail too: a quarantined record without an order id.
    const noId = { rawStatus: 'ODD', updatedAt: T0, system: sys, reason: 'unknown_status' } as unknown as QuarantinedRecord;
    await assert.rejects(batch(store, sys, [rec(sys, 'B4', 'paid', 2)], { cursor: 'c3', prepared, quarantined: [noId] }), /NOT NULL constraint failed: quarantine.order_id/);
    assert.equal(await store.runs.getCursor(sys), 'c1');
    assert.equal(await store.queries.order('B4'), undefined);
    assert.deepEqual(await store.queries.totals(), { orders: 1, snapshots: 1, events: 1 });
    await assertCountsMatch(store);
  });
}

test('an unchanged record writes nothing and is counted; an older one is ignored as stale', async (t) => {
  const { store } = await tempStore(t);
  const sys = freshSystem('wms');
  await batch(store, sys, [rec(sys, 'U1', 'packed', 5, { amount: 0.1 + 0.2, currency: 'CNY' }), rec(sys, 'U2', 'paid', 5)], { now: NOW });
  const again = await batch(store, sys, [rec(sys, 'U1', 'packed', 5, { amount: 0.1 + 0.2, currency: 'CNY' }), rec(sys, 'U2', 'paid', 4)], { now: NOW + 1000 });
  assert.deepEqual([again.changed, again.unchanged, again.stale, again.events.length, again.canonicalChanges.length], [0, 1, 1, 0, 0]);
  const o = await store.queries.order('U1');
  assert.equal(o?.snapshots[0]?.seenAt, NOW, 'not rewritten');
  assert.equal((await store.queries.order('U2'))?.snapshots[0]?.updatedAt, T0 + 5 * 60_000);
  assert.deepEqual(await store.queries.totals(), { orders: 2, snapshots: 2, events: 2 });
});

test("the stored view is exactly the JSON the diff query compares with (so unchanged records cost no document read)", async (t) => {
  const { store } = await tempStore(t);
  const sys = freshSystem('shop');
  const odd: NormalizedRecord[] = [
    rec(sys, 'V1', 'paid', 0, { amount: 0.1 + 0.2, currency: 'CNY', rawStatus: '已付款' }),
    rec(sys, 'V"2\\', 'shipped', 0, { updatedAt: 1_000_000_000, amount: 1e21, rawStatus: "it's \"quoted\"\u0001" }),
    rec(sys, 'V3', 'paid', 0, { updatedAt: 1_767_225_000_007, amount: -0, currency: undefined }),
    rec(sys, 'V4', 'paid', 0, { updatedAt: 1_767_225_100_000, amount: Number.NaN }),
  ];
  for (const prepared of [true, false]) {
    const system = prepared ? sys : `${sys}x`;
    const records = odd.map((r) => ({ ...r, system }));
    await batch(store, system, records, { prepared });
    for (const r of records) {
      const row = await store.db.get<{ view: string }>('SELECT doc -> ? AS view FROM orders WHERE order_id = ?', [`$.v."${system}"`, r.orderId]);
      const amount = r.amount === undefined || !Number.isFinite(r.amount) ? null : r.amount;
      assert.equal(row?.view, JSON.stringify([r.status, r.rawStatus, r.updatedAt, amount, r.currency ?? null]), `${r.orderId} (${prepared ? 'bulk' : 'diff'})`);
    }
    const again = await batch(store, system, records.map((r) => ({ ...r })));
    assert.deepEqual([again.changed, again.unchanged], [0, records.length]);
  }
});

test('a status change writes an event from/to; a raw change within the same status updates the snapshot only', async (t) => {
  const { store } = await tempStore(t);
  const sys = freshSystem('wms');
  await batch(store, sys, [rec(sys, 'S1', 'packed', 1, { rawStatus: 'PACKED' })]);
  const moved = await batch(store, sys, [rec(sys, 'S1', 'shipped', 2, { rawStatus: 'SHIPPED' })], { now: NOW + 1 });
  assert.deepEqual(
    moved.events.map((e) => [e.from, e.to, e.raw]),
    [['packed', 'shipped', 'SHIPPED']],
  );
  assert.deepEqual(
    moved.canonicalChanges.map((c) => [c.from, c.to, c.at]),
    [['packed', 'shipped', T0 + 2 * 60_000]],
  );
  const raw = await batch(store, sys, [rec(sys, 'S1', 'shipped', 3, { rawStatus: 'IN_TRUCK' })], { now: NOW + 2 });
  assert.deepEqual([raw.changed, raw.events.length, raw.canonicalChanges.length], [1, 0, 0]);
  const o = await store.queries.order('S1');
  assert.deepEqual([o?.status, o?.statusSince, o?.snapshots[0]?.rawStatus, o?.snapshots[0]?.updatedAt, o?.snapshots[0]?.seenAt], ['shipped', T0 + 2 * 60_000, 'IN_TRUCK', T0 + 3 * 60_000, NOW + 2]);
  assert.deepEqual(await eventsOf(store, 'S1'), [
    [sys, null, 'packed', 'PACKED'],
    [sys, 'packed', 'shipped', 'SHIPPED'],
  ]);
  const row = await store.db.get<{ status: string; status_since: number }>('SELECT status, status_since FROM orders WHERE order_id = ?', ['S1']);
  assert.deepEqual(row, { status: 'shipped', status_since: T0 + 2 * 60_000 });
  await assertCountsMatch(store);
});

test('two systems: the authoritative one for a stage wins the canonical view', async (t) => {
  const { store } = await tempStore(t);
  const authority = WMS_FULFILMENT;
  await batch(store, 'erp', [rec('erp', 'M1', 'shipped', 1)], { authority });
  assert.equal((await store.queries.order('M1'))?.status, 'shipped');
  // WMS (authoritative for fulfilment) says packed: it overrides ERP's shipped.
  const wms = await batch(store, 'wms', [rec('wms', 'M1', 'packed', 2)], { authority, now: NOW + 1 });
  assert.deepEqual(
    wms.events.map((e) => [e.system, e.from, e.to]),
    [['wms', null, 'packed']],
  );
  assert.deepEqual(
    wms.canonicalChanges.map((c) => [c.from, c.to, c.system]),
    [['shipped', 'packed', 'wms']],
  );
  let o = await store.queries.order('M1');
  assert.deepEqual([o?.status, o?.statusSystem, o?.snapshots.map((s) => [s.system, s.status])], [
    'packed',
    'wms',
    [
      ['erp', 'shipped'],
      ['wms', 'packed'],
    ],
  ]);
  // ERP moves on within fulfilment: WMS still decides, the canonical view stays.
  const erp = await batch(store, 'erp', [rec('erp', 'M1', 'picking', 3)], { authority, now: NOW + 2 });
  assert.deepEqual([erp.events.length, erp.canonicalChanges.length], [1, 0]);
  // WMS ships: the canonical view follows.
  const shipped = await batch(store, 'wms', [rec('wms', 'M1', 'shipped', 4)], { authority, now: NOW + 3 });
  assert.deepEqual(
    shipped.canonicalChanges.map((c) => [c.from, c.to, c.system]),
    [['packed', 'shipped', 'wms']],
  );
  o = await store.queries.order('M1');
  assert.deepEqual([o?.status, o?.statusSince], ['shipped', T0 + 4 * 60_000]);
  await assertCountsMatch(store);
});

test('a page repeating an order keeps its latest record only', async (t) => {
  const { store } = await tempStore(t);
  for (const prepared of [false, true]) {
    const sys = freshSystem('oms');
    const r = await batch(store, sys, [rec(sys, 'D1', 'paid', 1), rec(sys, 'D2', 'paid', 1), rec(sys, 'D1', 'shipped', 5), rec(sys, 'D1', 'packed', 3)], { prepared });
    assert.deepEqual([r.changed, r.events.length], [2, 2]);
    assert.deepEqual(
      r.events.map((e) => [e.orderId, e.to]),
      [
        ['D1', 'shipped'],
        ['D2', 'paid'],
      ],
    );
    assert.deepEqual((await eventsOf(store, 'D1')).filter((e) => e[0] === sys), [[sys, null, 'shipped', 'SHIPPED']]);
  }
});

test('a dedupe key makes a redelivered batch a no-op', async (t) => {
  const { store } = await tempStore(t);
  const sys = freshSystem('hook');
  const key = { scope: `webhook:${sys}`, key: 'evt-1' };
  const first = await batch(store, sys, [rec(sys, 'H1', 'paid', 1)], { dedupeKey: key, cursor: 'h1', prepared: true });
  const again = await batch(store, sys, [rec(sys, 'H1', 'shipped', 2)], { dedupeKey: key, cursor: 'h2', prepared: true });
  assert.equal(first.duplicate, false);
  assert.deepEqual([again.duplicate, again.changed, again.events.length], [true, 0, 0]);
  assert.equal((await store.queries.order('H1'))?.status, 'paid');
  assert.equal(await store.runs.getCursor(sys), 'h1');
});

test('a bulk guess that meets existing orders rolls back and diffs the batch instead', async (t) => {
  const { store } = await tempStore(t);
  const sys = freshSystem('gen');
  await batch(store, sys, [rec(sys, 'G1', 'paid', 1), rec(sys, 'G2', 'paid', 1)], { prepared: true });
  // G1 unchanged, G2 moved, G3 new: prepared as if all were new.
  const r = await batch(store, sys, [rec(sys, 'G1', 'paid', 1), rec(sys, 'G2', 'packed', 2), rec(sys, 'G3', 'paid', 2)], { prepared: true, now: NOW + 5, cursor: 'g2' });
  assert.deepEqual([r.changed, r.unchanged, r.stale], [2, 1, 0]);
  assert.deepEqual(
    r.events.map((e) => [e.orderId, e.from, e.to]),
    [
      ['G2', 'paid', 'packed'],
      ['G3', null, 'paid'],
    ],
  );
  assert.deepEqual(await eventsOf(store, 'G1'), [[sys, null, 'paid', 'PAID']]);
  assert.deepEqual(await eventsOf(store, 'G2'), [
    [sys, null, 'paid', 'PAID'],
    [sys, 'paid', 'packed', 'PACKED'],
  ]);
  assert.equal((await store.queries.order('G1'))?.snapshots[0]?.seenAt, NOW, 'the unchanged order was not rewritten');
  assert.equal(await store.runs.getCursor(sys), 'g2');
  assert.deepEqual(await store.queries.totals(), { orders: 3, snapshots: 3, events: 4 });
  await assertCountsMatch(store);
});

test('quarantined records are grouped, and resolved when their order arrives with a mapped status', async (t) => {
  const { store } = await tempStore(t);
  const sys = freshSystem('wms');
  const q = (orderId: string, rawStatus: string): QuarantinedRecord => ({ orderId, rawStatus, updatedAt: T0, system: sys, reason: 'unknown_status' });
  await batch(store, sys, [rec(sys, 'Q0', 'paid', 1)], { quarantined: [q('Q1', 'QC_HOLD'), q('Q2', 'QC_HOLD'), q('Q3', 'LOST?')] });
  assert.deepEqual(
    (await store.queries.quarantine()).map((g) => [g.system, g.rawStatus, g.orders, g.sampleOrderId]),
    [
      [sys, 'QC_HOLD', 2, 'Q1'],
      [sys, 'LOST?', 1, 'Q3'],
    ],
  );
  const only = await store.queries.order('Q1');
  assert.deepEqual([only?.snapshots.length, only?.quarantined.map((x) => x.rawStatus)], [0, ['QC_HOLD']]);
  // Q1 arrives mapped (bulk path): resolved. Q2 stays. Q3 arrives mapped but is quarantined again in the same
  // batch (another record of it): resolved first, then reopened.
  await batch(store, sys, [rec(sys, 'Q1', 'packed', 2)], { prepared: true, now: NOW + 1 });
  await batch(store, sys, [rec(sys, 'Q3', 'packed', 2)], { now: NOW + 2, quarantined: [q('Q3', 'LOST?')] });
  assert.deepEqual(
    (await store.queries.quarantine()).map((g) => [g.rawStatus, g.orders, g.sampleOrderId]).sort(),
    [
      ['LOST?', 1, 'Q3'],
      ['QC_HOLD', 1, 'Q2'],
    ],
  );
  assert.deepEqual((await store.queries.order('Q1'))?.quarantined, []);
  const open = await store.db.get<{ n: number }>('SELECT count(*) AS n FROM quarantine WHERE resolved_at IS NOT NULL');
  assert.equal(open?.n, 1);
});

test('queries: order history in order, status counts per system and canonical', async (t) => {
  const { store } = await tempStore(t);
  const authority = WMS_FULFILMENT;
  await batch(store, 'erp', [rec('erp', 'O1', 'paid', 1), rec('erp', 'O2', 'paid', 1), rec('erp', 'O3', 'cancelled', 1)], { authority, prepared: true });
  await batch(store, 'wms', [rec('wms', 'O1', 'picking', 2), rec('wms', 'O2', 'packed', 3)], { authority, now: NOW + 1 });
  await batch(store, 'wms', [rec('wms', 'O1', 'packed', 4)], { authority, now: NOW + 2 });
  const o = await store.queries.order('O1');
  assert.deepEqual(
    o?.events.map((e) => [e.system, e.from, e.to]),
    [
      ['erp', null, 'paid'],
      ['wms', null, 'picking'],
      ['wms', 'picking', 'packed'],
    ],
  );
  assert.ok(o && o.events.every((e, i) => i === 0 || e.id > (o.events[i - 1]?.id ?? 0)));
  assert.deepEqual((await store.queries.order('O1', 2))?.events.map((e) => e.to), ['picking', 'packed'], 'the latest N, oldest first');
  assert.deepEqual(
    (await store.queries.statusCounts()).map((c) => [c.system, c.status, c.count]),
    [
      ['*', 'cancelled', 1],
      ['*', 'packed', 2],
      ['erp', 'cancelled', 1],
      ['erp', 'paid', 2],
      ['wms', 'packed', 2],
    ],
  );
  assert.deepEqual(await store.queries.totals(), { orders: 3, snapshots: 5, events: 6 });
  assert.equal(await store.queries.order('nope'), undefined);
  await assertCountsMatch(store);
  // Scans by canonical status and age read real columns.
  const stale = await store.db.all<{ order_id: string }>('SELECT order_id FROM orders WHERE status = ? AND status_since < ? ORDER BY order_id', ['packed', T0 + 4 * 60_000]);
  assert.deepEqual(
    stale.map((r) => r.order_id),
    ['O2'],
  );
});

test('steady state: a batch that changes nothing commits only its cursor and quarantine, and a change still lands', async (t) => {
  const { store } = await tempStore(t);
  const sys = freshSystem('erp');
  const q = (orderId: string): QuarantinedRecord => ({ orderId, rawStatus: 'ODD', updatedAt: T0, system: sys, reason: 'unknown_status' });
  await batch(store, sys, [rec(sys, 'T1', 'paid', 1), rec(sys, 'T2', 'paid', 1)], { cursor: 'c1' });
  // Nothing changed: after this one, the store diffs the next batches before opening a transaction.
  const same = await batch(store, sys, [rec(sys, 'T1', 'paid', 1)], { cursor: 'c2', now: NOW + 1 });
  assert.deepEqual([same.changed, same.unchanged], [0, 1]);
  assert.equal(await store.runs.getCursor(sys), 'c2');
  const quiet = await batch(store, sys, [rec(sys, 'T1', 'paid', 1), rec(sys, 'T2', 'paid', 1)], { cursor: 'c3', now: NOW + 2, quarantined: [q('T9')] });
  assert.deepEqual([quiet.changed, quiet.unchanged, quiet.events.length], [0, 2, 0]);
  assert.equal(await store.runs.getCursor(sys), 'c3');
  assert.deepEqual(
    (await store.queries.quarantine()).map((g) => [g.rawStatus, g.orders]),
    [['ODD', 1]],
  );
  // A change after the quiet batches: diffed again inside a transaction, written with its cursor.
  const moved = await batch(store, sys, [rec(sys, 'T1', 'paid', 1), rec(sys, 'T2', 'shipped', 2), rec(sys, 'T3', 'paid', 2)], { cursor: 'c4', now: NOW + 3 });
  assert.deepEqual([moved.changed, moved.unchanged], [2, 1]);
  assert.deepEqual(
    moved.events.map((e) => [e.orderId, e.from, e.to]),
    [
      ['T2', 'paid', 'shipped'],
      ['T3', null, 'paid'],
    ],
  );
  assert.equal(await store.runs.getCursor(sys), 'c4');
  // A failing batch in the steady state leaves the cursor alone.
  await batch(store, sys, [rec(sys, 'T3', 'paid', 2)], { cursor: 'c5', now: NOW + 4 });
  const bad = { ...rec(sys, 'T4', 'paid', 2), rawStatus: null } as unknown as NormalizedRecord;
  await assert.rejects(batch(store, sys, [rec(sys, 'T3', 'paid', 2), bad], { cursor: 'c6', now: NOW + 5 }), /NOT NULL/);
  assert.equal(await store.runs.getCursor(sys), 'c5');
  await assertCountsMatch(store);
});

test('bulk event ids reserved ahead: events added meanwhile make the batch fall back, still numbered right', async (t) => {
  const { store } = await tempStore(t);
  const sys = freshSystem('gen');
  await batch(store, sys, [rec(sys, 'R1', 'paid', 1)], { prepared: true });
  // Reserve ids for the next batch, then let another writer add an event before it commits.
  const runId = await store.runs.start(sys, sys, 'test', T0);
  await syncEventIds(store.db);
  const records = [rec(sys, 'R2', 'paid', 2), rec(sys, 'R3', 'packed', 2)];
  const prepared = prepareRecords(records, sys, { now: NOW + 1, runId, db: store.db });
  assert.ok(prepared.fresh, 'prepared as a bulk batch');
  const other = freshSystem('hook');
  await batch(store, other, [rec(other, 'R1', 'shipped', 3)], { now: NOW + 1 });
  const r = await store.applyBatch({ runId, source: sys, system: sys, now: NOW + 1, authority: NO_AUTHORITY, records, quarantined: [], errors: [], cursor: 'r2' });
  assert.deepEqual([r.changed, r.events.length], [2, 2]);
  assert.equal(await store.runs.getCursor(sys), 'r2');
  assert.deepEqual(
    (await store.queries.order('R3'))?.events.map((e) => [e.system, e.from, e.to]),
    [[sys, null, 'packed']],
  );
  assert.deepEqual(
    (await store.queries.order('R1'))?.events.map((e) => [e.system, e.to]),
    [
      [sys, 'paid'],
      [other, 'shipped'],
    ],
  );
  await assertCountsMatch(store);
});

test('event times before 1970 and in the future are kept exactly', async (t) => {
  const { store } = await tempStore(t);
  for (const prepared of [true, false]) {
    const sys = freshSystem('old');
    const records = [rec(sys, `P${sys}a`, 'paid', 0, { updatedAt: -5 }), rec(sys, `P${sys}b`, 'paid', 0, { updatedAt: -86_400_001 }), rec(sys, `P${sys}c`, 'shipped', 0, { updatedAt: NOW + 99 })];
    await batch(store, sys, records, { prepared });
    const rows = await store.db.all<{ order_id: string; at: number; to_status: string }>('SELECT order_id, at, to_status FROM events WHERE system = ? ORDER BY id', [sys]);
    assert.deepEqual(
      rows.map((r) => [r.order_id, r.at, r.to_status]),
      [
        [`P${sys}a`, -5, 'paid'],
        [`P${sys}b`, -86_400_001, 'paid'],
        [`P${sys}c`, NOW, 'shipped'],
      ],
    );
  }
  await assertCountsMatch(store);
});

test('events that do not pack (many distinct transitions, odd times) keep their order and links', async (t) => {
  const { store } = await tempStore(t);
  for (const prepared of [true, false]) {
    const sys = freshSystem('wide');
    const records = Array.from({ length: 70 }, (_v, i) => rec(sys, `W${prepared ? 'b' : 'd'}${i}`, 'paid', i, { rawStatus: `RAW-${i}` }));
    records.push(rec(sys, `W${prepared ? 'b' : 'd'}-old`, 'paid', 0, { updatedAt: -5 }));
    const r = await batch(store, sys, records, { prepared });
    assert.equal(r.events.length, 71);
    const raws = await store.db.all<{ raw_status: string; at: number }>('SELECT raw_status, at FROM events WHERE system = ? ORDER BY id', [sys]);
    assert.deepEqual(
      raws.map((x) => x.raw_status),
      records.map((x) => x.rawStatus),
    );
    assert.equal(raws.at(-1)?.at, -5);
  }
  await assertCountsMatch(store);
});
