import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertPipeline } from '../../src/alerts/pipeline.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { DetectRunner } from '../../src/detect/runner.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import type { OrderSource, SourcePage } from '../../src/sync/sources/types.ts';
import { FakePublisher } from '../alerts/helpers.ts';
import { detectWorld, HOUR, NOW } from './helpers.ts';

test('engine findings (source_down, unknown_status, bad_record, undeliverable) flow through the runner, and resolve when the engine resolves them', async (t) => {
  const w = await detectWorld(t, [{ name: 'wms' }]);
  await w.store.findings.raise({ kind: 'source_down', fingerprint: 'source_down:wms', source: 'wms', details: { failures: 2, error: 'HTTP 503', code: 'x', fallback: null, fallbackOk: false } }, NOW);
  await w.runner.scan();
  const first = w.sink.batches.at(-1);
  assert.deepEqual(first?.firing.map((f) => [f.fingerprint, f.labels.kind, f.labels.source, f.labels.shop]), [['source_down:wms', 'source_down', 'wms', 'default']]);
  await w.store.findings.resolve('source_down:wms', NOW + 1);
  await w.runner.scan();
  const second = w.sink.batches.at(-1);
  assert.deepEqual(second?.firing, []);
  assert.deepEqual(second?.resolved, ['source_down:wms'], 'listed too, for consumers that only read the lists (tasks)');
  assert.deepEqual(second?.complete, ['source_down', 'unknown_status', 'bad_record', 'undeliverable'], 'the complete engine set: the pipeline resolves the rest');
});

test('the first scan after a start reconciles the pipeline with every open finding; later scans send only changes', async (t) => {
  const w = await detectWorld(t, [{ name: 'wms' }]);
  await w.commit('storefront', [{ id: 'A1', status: 'paid', hoursAgo: 30 }, { id: 'A2', status: 'paid', hoursAgo: 30 }]);
  const r1 = await w.runner.scan();
  assert.equal(r1.full, true);
  assert.equal(w.sink.batches.at(-1)?.complete?.length, 10, 'every scanned and engine kind, address included');
  await w.runner.scan();
  assert.deepEqual(w.sink.batches.at(-1)?.firing, [], 'nothing changed');
  const restarted = w.newRunner();
  await restarted.scan();
  assert.deepEqual(w.sink.batches.at(-1)?.firing.map((f) => f.fingerprint).sort(), ['stale:A1', 'stale:A2']);
});

test('end to end: a real sync engine feeds the runner, the pipeline posts one grouped card, resolution updates it in place', async (t) => {
  const w = await detectWorld(t, [{ name: 'wms' }]);
  const publisher = new FakePublisher(() => w.settings, () => w.clock.now());
  const pipeline = new AlertPipeline({ db: w.store.db, settings: () => w.settings, publisher, clock: w.clock, log: createSilentLogger() });
  const runner = new DetectRunner({ store: w.store, settings: () => w.settings, clock: w.clock, log: createSilentLogger(), sink: pipeline });
  const pages: SourcePage[][] = [
    [{ records: [{ orderId: 'E1', rawStatus: 'shipped', updatedAt: NOW - HOUR }, { orderId: 'E2', rawStatus: 'packed', updatedAt: NOW - 60 * HOUR }], errors: [] }],
    [{ records: [{ orderId: 'E1', rawStatus: 'paid', updatedAt: NOW }, { orderId: 'E2', rawStatus: 'shipped', updatedAt: NOW }], errors: [] }],
  ];
  let pull = 0;
  const source: OrderSource = {
    name: 'wms',
    kind: 'scripted',
    async *pull() {
      for (const p of pages[Math.min(pull++, pages.length - 1)] ?? []) yield p;
    },
  };
  const engine = new SyncEngine({ store: w.store, settings: () => w.settings, sources: new Map([['wms', source]]), clock: w.clock, log: createSilentLogger(), listeners: [runner] });
  t.after(() => engine.stop());
  await engine.run('wms');
  await runner.scan();
  w.clock.advance(30_000);
  await pipeline.tick();
  assert.deepEqual(publisher.posts().map((m) => m.card.header?.title), ['1 order stuck past its limit · wms'], 'E2: packed for 60 h (limit 12 h)');

  await engine.run('wms');
  await runner.idle();
  w.clock.advance(30_000);
  await pipeline.tick();
  assert.deepEqual(publisher.posts().map((m) => m.card.header?.title).sort(), ['1 order moved backwards · wms', '1 order stuck past its limit · wms'], 'the regression waited group_wait; the stale group waits its group_interval');
  w.clock.advance(270_000);
  await pipeline.tick();
  assert.deepEqual(publisher.posts().map((m) => m.card.header?.title).sort(), ['1 order moved backwards · wms', '✅ Resolved · 1 order stuck past its limit · wms']);
  assert.equal(publisher.posts().length, 2, 'resolution changed the stale card in place; the regression is a new card');
});

test('start() scans at once and then every detect.scanEverySeconds; stop() ends it', async (t) => {
  const w = await detectWorld(t, [], (s) => {
    s.detect.scanEverySeconds = 60;
  });
  w.runner.start();
  await w.runner.idle();
  await new Promise((r) => setImmediate(r));
  assert.equal(w.sink.batches.length, 1);
  w.clock.advance(59_000);
  await new Promise((r) => setImmediate(r));
  assert.equal(w.sink.batches.length, 1);
  w.clock.advance(1_000);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  await w.runner.idle();
  assert.equal(w.sink.batches.length, 2);
  await w.runner.stop();
});
