// A source switched to its fallback: the engine pulls the fallback in its place (scheduled runs too), the switch
// survives a restart (SQLite), and restoring pulls the source itself again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock.ts';
import { PermanentError, RetryableError, UserError } from '../../src/core/errors.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { SourceRecord } from '../../src/core/order.ts';
import { Store } from '../../src/store/index.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import type { OrderSource, PullContext, SourcePage } from '../../src/sync/sources/types.ts';
import { settingsWith, tempStore } from '../helpers/temp.ts';

const T0 = Date.UTC(2026, 5, 1);
const rec = (orderId: string, rawStatus: string, minutes: number): SourceRecord => ({ orderId, rawStatus, updatedAt: T0 + minutes * 60_000 });

/** A source that counts its pulls and fails while `down`. */
class CountingSource implements OrderSource {
  readonly kind = 'counting';
  pulls = 0;
  down = false;
  constructor(readonly name: string, private readonly records: SourceRecord[]) {}
  async *pull(_ctx: PullContext): AsyncIterable<SourcePage> {
    this.pulls++;
    if (this.down) throw new RetryableError('http.503', `${this.name} answered 503`);
    yield { records: this.records, errors: [] };
  }
}

const settings = settingsWith([
  { name: 'erp', mapping: ['zh-common'], fallback: 'erp-backup', system: 'erp' },
  { name: 'erp-backup', kind: 'sql', mapping: ['zh-common'], system: 'erp' },
  { name: 'wms' },
]);

function engineOn(store: Store, erp: CountingSource, backup: CountingSource, wms: CountingSource, clock: ManualClock): SyncEngine {
  return new SyncEngine({ store, settings: () => settings, sources: new Map([['erp', erp], ['erp-backup', backup], ['wms', wms]]), clock, log: createSilentLogger() });
}

test('while switched the fallback runs in the source\'s place, scheduled runs included; it survives a restart; restore pulls the source again', async (t) => {
  const { store, dir } = await tempStore(t);
  const clock = new ManualClock(T0 + 86_400_000);
  const erp = new CountingSource('erp', [rec('A1', '已发货', 5)]);
  const backup = new CountingSource('erp-backup', [rec('A1', '已付款', 1)]);
  const wms = new CountingSource('wms', []);
  const engine = engineOn(store, erp, backup, wms, clock);

  erp.down = true;
  const failed = await engine.run('erp', { trigger: 'schedule' });
  assert.deepEqual([failed.status, failed.fallback?.status, erp.pulls, backup.pulls], ['failed', 'ok', 1, 1]);
  assert.equal((await store.findings.open({ kind: 'source_down' })).length, 1);

  await assert.rejects(engine.switchToFallback('wms'), (e: unknown) => e instanceof PermanentError && e.code === 'sync.no_fallback');
  await assert.rejects(engine.switchToFallback('nope'), UserError);
  const sw = await engine.switchToFallback('erp');
  assert.deepEqual(sw, { source: 'erp', fallback: 'erp-backup', since: T0 + 86_400_000 });
  assert.deepEqual(await store.findings.open({ kind: 'source_down' }), [], 'switching resolves the source_down finding');

  clock.advance(60_000);
  const scheduled = await engine.run('erp', { trigger: 'schedule' });
  assert.equal(erp.pulls, 1, 'the switched source is not pulled');
  assert.equal(backup.pulls, 2, 'its fallback is');
  assert.deepEqual([scheduled.source, scheduled.trigger, scheduled.status, scheduled.switchedFrom, scheduled.fallback], ['erp-backup', 'switched:erp', 'ok', 'erp', undefined]);
  const [run] = await store.runs.recent(1);
  assert.deepEqual([run?.source, run?.trigger], ['erp-backup', 'switched:erp'], 'the run is recorded as the fallback\'s, made for erp');
  assert.deepEqual(await store.findings.open({ kind: 'source_down' }), [], 'no failure of erp is recorded while it is not tried');
  await engine.runAll({ trigger: 'schedule' });
  assert.equal(erp.pulls, 1, 'runAll does not pull it either');

  // A restart: a new store connection and a new engine on the same database file.
  const reopened = await Store.open(join(dir, 'test.db'));
  t.after(() => reopened.close());
  const restarted = engineOn(reopened, erp, backup, wms, clock);
  assert.deepEqual(await restarted.switches(), [sw]);
  const after = await restarted.run('erp', { trigger: 'schedule' });
  assert.deepEqual([after.source, after.switchedFrom, erp.pulls], ['erp-backup', 'erp', 1]);

  // Switching again keeps the original time; restore ends it and pulls the source itself, once.
  clock.advance(60_000);
  assert.equal((await restarted.switchToFallback('erp')).since, sw.since);
  erp.down = false;
  const restored = await restarted.restore('erp');
  assert.deepEqual(restored.ended, sw);
  assert.deepEqual([restored.summary.source, restored.summary.trigger, restored.summary.status, restored.summary.switchedFrom], ['erp', 'restore', 'ok', undefined]);
  assert.equal(erp.pulls, 2);
  assert.deepEqual(await store.switches.list(), []);
  await restarted.run('erp');
  assert.equal(erp.pulls, 3, 'pulled as usual from then on');
  assert.equal((await restarted.restore('erp')).ended, undefined, 'restoring a source that is not switched only pulls it');
});

test('a fallback that falls back to its primary does not loop while switched', async (t) => {
  const { store } = await tempStore(t);
  const clock = new ManualClock(T0);
  const a = new CountingSource('a', []);
  const b = new CountingSource('b', []);
  const looped = settingsWith([
    { name: 'a', fallback: 'b', system: 'x' },
    { name: 'b', fallback: 'a', system: 'x' },
  ]);
  const engine = new SyncEngine({ store, settings: () => looped, sources: new Map([['a', a], ['b', b]]), clock, log: createSilentLogger() });
  await engine.switchToFallback('a');
  b.down = true;
  const s = await engine.run('a');
  // a → b (switched); b fails, and its own fallback is a, the source it stands in for: not pulled (nor waited on).
  assert.deepEqual([s.source, s.switchedFrom, s.status, s.fallback, a.pulls, b.pulls], ['b', 'a', 'failed', undefined, 0, 1]);
  // Run directly, b falls back to a as usual, and a (switched, but a fallback run is never redirected) is pulled.
  const direct = await engine.run('b');
  assert.deepEqual([direct.status, direct.fallback?.source, direct.fallback?.status, a.pulls, b.pulls], ['failed', 'a', 'ok', 1, 2]);
});
