import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock.ts';
import { RetryableError } from '../../src/core/errors.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { SourceRecord } from '../../src/core/order.ts';
import { addressesOf } from '../../src/store/order-addresses.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { SyncMetrics } from '../../src/sync/metrics.ts';
import type { OrderSource, PullContext, SourcePage } from '../../src/sync/sources/types.ts';
import { settingsWith, tempStore } from '../helpers/temp.ts';

const T0 = Date.UTC(2026, 5, 1);
const rec = (orderId: string, rawStatus: string, minutes: number, extra: Partial<SourceRecord> = {}): SourceRecord => ({ orderId, rawStatus, updatedAt: T0 + minutes * 60_000, ...extra });

/** A scripted source: each pull serves the next script entry (pages, or an error to throw). */
class ScriptedSource implements OrderSource {
  readonly kind = 'scripted';
  cursors: (string | null)[] = [];
  pulls = 0;
  gate: Promise<void> | undefined;
  constructor(readonly name: string, private readonly script: (SourcePage[] | Error)[]) {}
  async *pull(ctx: PullContext): AsyncIterable<SourcePage> {
    this.cursors.push(ctx.cursor);
    const step = this.script[Math.min(this.pulls, this.script.length - 1)];
    this.pulls++;
    if (this.gate) await this.gate;
    if (step instanceof Error) throw step;
    for (const page of step ?? []) yield page;
  }
}

async function setup(t: import('node:test').TestContext, sources: ScriptedSource[], settingsPatch: Parameters<typeof settingsWith>[1] = {}, cfg: Parameters<typeof settingsWith>[0] = sources.map((s) => ({ name: s.name }))) {
  const { store } = await tempStore(t);
  const settings = settingsWith(cfg, settingsPatch);
  const metrics = new SyncMetrics();
  const engine = new SyncEngine({ store, settings: () => settings, sources: new Map(sources.map((s) => [s.name, s])), clock: new ManualClock(T0 + 86_400_000), log: createSilentLogger(), metrics });
  return { store, engine, metrics };
}

test('a run maps, persists, emits events only for real changes, and advances the cursor', async (t) => {
  const src = new ScriptedSource('wms', [
    [{ records: [rec('A1', 'PAID', 1), rec('A2', 'packed', 2, { amount: 10, currency: 'CNY' })], errors: [], cursor: 'c1' }],
    [{ records: [rec('A1', 'PAID', 1), rec('A2', 'SHIPPED', 5, { amount: 10, currency: 'CNY' })], errors: [], cursor: 'c2' }],
  ]);
  const { store, engine, metrics } = await setup(t, [src]);
  const first = await engine.run('wms');
  assert.equal(first.status, 'ok');
  assert.deepEqual([first.fetched, first.changed, first.events], [2, 2, 2]);
  const second = await engine.run('wms');
  assert.deepEqual([second.changed, second.unchanged, second.events], [1, 1, 1]);
  assert.deepEqual(src.cursors, [null, 'c1']);
  assert.equal(await store.runs.getCursor('wms'), 'c2');
  const a2 = await store.queries.order('A2');
  assert.ok(a2);
  assert.equal(a2.status, 'shipped');
  assert.deepEqual(a2.events.map((e) => [e.from, e.to]), [[null, 'packed'], ['packed', 'shipped']]);
  assert.match(await metrics.registry.metrics(), /orderops_changes_total\{source="wms"\} 3/);
});

test('unknown raw statuses are quarantined and reported, never guessed', async (t) => {
  const src = new ScriptedSource('wms', [[{ records: [rec('B1', 'QC_HOLD', 1), rec('B2', 'QC_HOLD', 1), rec('B3', 'shipped', 1)], errors: [{ ref: 'page 1 #4', message: 'missing id' }] }]]);
  const { store, engine } = await setup(t, [src]);
  const s = await engine.run('wms');
  assert.deepEqual([s.changed, s.quarantined, s.errors], [1, 2, 1]);
  assert.equal(await store.queries.order('B1').then((o) => o?.snapshots.length), 0, 'no snapshot for a guessed status');
  const groups = await store.queries.quarantine();
  assert.deepEqual(groups.map((g) => [g.system, g.rawStatus, g.orders]), [['wms', 'QC_HOLD', 2]]);
  const findings = await store.findings.open();
  assert.deepEqual(findings.map((f) => f.fingerprint).sort(), ['bad_record:wms', 'unknown_status:wms:QC_HOLD']);
});

test('a failing source records the failure, raises source_down, pulls the fallback, and recovers', async (t) => {
  const down = new RetryableError('http.503', 'erp answered 503');
  const erp = new ScriptedSource('erp', [down, [{ records: [rec('C1', '已发货', 3)], errors: [] }]]);
  const erpDb = new ScriptedSource('erp-db', [[{ records: [rec('C1', '已付款', 1)], errors: [] }]]);
  const { store, engine } = await setup(t, [erp, erpDb], {}, [
    { name: 'erp', mapping: ['zh-common'], fallback: 'erp-db', system: 'erp' },
    { name: 'erp-db', kind: 'sql', mapping: ['zh-common'], system: 'erp' },
  ]);
  const failed = await engine.run('erp');
  assert.equal(failed.status, 'failed');
  assert.equal(failed.errorCode, 'http.503');
  assert.equal(failed.fallback?.source, 'erp-db');
  assert.equal(failed.fallback?.status, 'ok');
  assert.equal((await store.queries.order('C1'))?.snapshots[0]?.system, 'erp', 'the fallback writes under the same system');
  assert.equal((await store.runs.get(failed.runId))?.fallbackUsed, 'erp-db');
  assert.equal((await store.findings.open({ kind: 'source_down' })).length, 1);
  const ok = await engine.run('erp');
  assert.equal(ok.status, 'ok');
  assert.equal((await store.findings.open({ kind: 'source_down' })).length, 0, 'resolved once the source works again');
  assert.equal((await store.queries.order('C1'))?.status, 'shipped');
});

test('runs of one source never overlap: a second request joins the run under way', async (t) => {
  const src = new ScriptedSource('wms', [[{ records: [rec('D1', 'paid', 1)], errors: [] }]]);
  let release: () => void = () => undefined;
  src.gate = new Promise((r) => (release = r));
  const { engine } = await setup(t, [src]);
  const a = engine.run('wms');
  const b = engine.run('wms');
  assert.equal(engine.isRunning('wms'), true);
  release();
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(src.pulls, 1);
  assert.equal(ra.runId, rb.runId);
  assert.equal(rb.joined, true);
});

test('a failure mid-run keeps what was committed and does not advance the cursor past it', async (t) => {
  const src: OrderSource = {
    name: 'wms',
    kind: 'scripted',
    async *pull() {
      yield { records: [rec('E1', 'paid', 1)], errors: [], cursor: 'p1' };
      throw new RetryableError('http.500', 'boom');
    },
  };
  const { store, engine } = await setup(t, [src as ScriptedSource], {}, [{ name: 'wms' }]);
  const s = await engine.run('wms');
  assert.equal(s.status, 'failed');
  assert.equal(s.changed, 1);
  assert.equal(await store.runs.getCursor('wms'), 'p1');
  assert.equal((await store.queries.order('E1'))?.status, 'paid');
});

test('pages larger than the batch size are split; the cursor lands with the last part', async (t) => {
  const records = Array.from({ length: 25 }, (_v, i) => rec(`F${i}`, 'paid', i));
  const src = new ScriptedSource('wms', [[{ records, errors: [], cursor: 'end' }]]);
  const { store, engine } = await setup(t, [src], { sync: { batchSize: 10, sourceDownAfterFailures: 1, webhookMaxBytes: 1_048_576 } });
  const s = await engine.run('wms');
  assert.equal(s.changed, 25);
  assert.equal(await store.runs.getCursor('wms'), 'end');
  assert.equal((await store.queries.totals()).orders, 25);
});

test('ingest (webhook path) is idempotent on the event id', async (t) => {
  const src = new ScriptedSource('hook', [[]]);
  const { store, engine } = await setup(t, [src]);
  const first = await engine.ingest('hook', [rec('G1', 'paid', 1)], { eventId: 'evt-1' });
  const again = await engine.ingest('hook', [rec('G1', 'shipped', 2)], { eventId: 'evt-1' });
  assert.equal(first.duplicate, false);
  assert.equal(again.duplicate, true);
  assert.equal((await store.queries.order('G1'))?.status, 'paid', 'a redelivery changes nothing');
});

test('a run keeps every record’s shipping address (per system), and a changed address replaces the old one', async (t) => {
  const home = { name: '王小明', region: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 90 号', postalCode: '310012' };
  const src = new ScriptedSource('wms', [
    [{ records: [rec('A1', 'PAID', 1, { shipTo: home }), rec('A2', 'PAID', 1)], errors: [], cursor: 'c1' }],
    [{ records: [rec('A1', 'PAID', 5, { shipTo: { ...home, street: '文三路 200 号' } })], errors: [], cursor: 'c2' }],
  ]);
  const { store, engine } = await setup(t, [src]);
  await engine.run('wms');
  assert.deepEqual((await addressesOf(store.db, 'A1')).map((a) => [a.system, a.address]), [['wms', home]]);
  assert.deepEqual(await addressesOf(store.db, 'A2'), [], 'no address, no row');
  await engine.run('wms');
  assert.deepEqual((await addressesOf(store.db, 'A1')).map((a) => a.address.street), ['文三路 200 号']);
});

test('a run keeps each record’s discounts, shipping and tax with its items (the net adjustment the price check reads)', async (t) => {
  const items = [{ sku: 'TEA', qty: 2, price: 45 }];
  const src = new ScriptedSource('wms', [[{ records: [rec('J1', 'PAID', 1, { items, adjustments: { discount: 20, shipping: 8 } }), rec('J2', 'PAID', 1, { items })], errors: [], cursor: 'c1' }]]);
  const { store, engine } = await setup(t, [src]);
  await engine.run('wms');
  const rows = await store.db.all<{ order_id: string; adjust: number | null }>('SELECT order_id, adjust FROM order_items ORDER BY order_id');
  assert.deepEqual(rows.map((r) => [r.order_id, r.adjust]), [['J1', -12], ['J2', null]]);
});

test('a run our own shutdown stops is recorded as interrupted, never as the source failing (no source_down)', async (t) => {
  const src = new ScriptedSource('wms', [[{ records: [rec('S1', 'PAID', 1)], errors: [], cursor: 'c1' }, { records: [rec('S2', 'PAID', 2)], errors: [], cursor: 'c2' }]]);
  let release = (): void => undefined;
  src.gate = new Promise<void>((r) => (release = r));
  const { store, engine } = await setup(t, [src]);
  // Like the HTTP sources, this one stops at its next page once the engine's signal fires.
  const honest = src.pull.bind(src);
  src.pull = async function* (ctx) {
    for await (const page of honest(ctx)) {
      ctx.signal.throwIfAborted();
      yield page;
    }
  };
  const run = engine.run('wms');
  await new Promise((r) => setTimeout(r, 20));
  const stopped = engine.stop();
  release();
  const summary = await run;
  await stopped;
  assert.equal(summary.errorCode, 'sync.stopped');
  const rows = await store.db.all<{ status: string }>("SELECT status FROM runs WHERE source = 'wms'");
  assert.deepEqual(rows.map((r) => r.status), ['interrupted']);
  assert.equal((await store.findings.open({ kind: 'source_down' })).length, 0, 'a restart mid-sync raises no "source down" card');
  assert.equal(await store.runs.consecutiveFailures('wms'), 0);
});
