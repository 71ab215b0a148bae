import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock.ts';
import { PermanentError, RetryableError } from '../../src/core/errors.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { CanonicalStatus } from '../../src/core/status.ts';
import type { SourceSettings } from '../../src/settings/schema.ts';
import { SyncEngine, type RunSummary } from '../../src/sync/engine.ts';
import { createHttpJsonSource } from '../../src/sync/sources/http-json.ts';
import type { OrderSource } from '../../src/sync/sources/types.ts';
import { createSourceExecutorPorts } from '../../src/tasks/source-ports.ts';
import { startFakeOrderSystems, type FakeOrderSystems } from '../fakes/order-systems.ts';
import { settingsWith, tempStore } from '../helpers/temp.ts';

const T0 = Date.UTC(2026, 5, 1, 8);

test('source ports push through the source of a system that can push and resync every source of that system', async () => {
  const pushed: string[] = [];
  const erp: OrderSource = { name: 'erp-main', kind: 'x', pull: async function* () {}, push: async (orderId: string, status: CanonicalStatus) => void pushed.push(`${orderId} ${status}`) };
  const wms: OrderSource = { name: 'wms', kind: 'x', pull: async function* () {} };
  const settings = settingsWith([{ name: 'erp-main', system: 'erp' }, { name: 'wms' }]);
  const runs: string[] = [];
  let fail = false;
  const summary = (source: string): RunSummary => ({ runId: 1, source, system: source, trigger: 'task', status: fail ? 'failed' : 'ok', fetched: 0, changed: 0, unchanged: 0, stale: 0, quarantined: 0, errors: 0, events: 0, durationMs: 1, error: fail ? 'down' : undefined });
  const engine = {
    run: async (source: string): Promise<RunSummary> => {
      runs.push(source);
      return summary(source);
    },
    switchToFallback: async (source: string) => void runs.push(`switch ${source}`),
    restore: async (source: string) => (runs.push(`restore ${source}`), { summary: summary(source) }),
  };
  const ports = createSourceExecutorPorts({ sources: new Map([['erp-main', erp], ['wms', wms]]), settings: () => settings, engine, clock: new ManualClock(), log: createSilentLogger() });
  assert.equal(ports.canPush('erp'), true);
  assert.equal(ports.canPush('wms'), false);
  await ports.pushStatus('erp', 'A1', 'shipped');
  assert.deepEqual(pushed, ['A1 shipped']);
  await assert.rejects(ports.pushStatus('wms', 'A1', 'shipped'), PermanentError);
  await ports.resync('erp');
  assert.deepEqual(runs, ['erp-main']);
  fail = true;
  await assert.rejects(ports.resync('wms'), RetryableError);
  await assert.rejects(ports.resync('oms'), PermanentError);
  // No source of erp declares pushPrice: a clear refusal naming the system, no write, no resync.
  runs.length = 0;
  await assert.rejects(ports.applyPrice('A1', 'erp', 1, null), (e: unknown) => e instanceof PermanentError && e.code === 'tasks.no_price_push' && /\berp\b/.test(e.message));
  assert.deepEqual(runs, []);
  // A restored source that still fails is restored all the same: the engine reports the failure as usual.
  await ports.switchToFallback('erp-main');
  await ports.restoreSource('erp-main');
  assert.deepEqual(runs, ['switch erp-main', 'restore erp-main']);
});

/** Real store and engine over http-json sources pointed at the fake systems. */
async function realWorld(t: TestContext, cfg: (fake: FakeOrderSystems) => Partial<SourceSettings>[]) {
  const { store } = await tempStore(t);
  const clock = new ManualClock(T0);
  const fake = await startFakeOrderSystems(() => clock.now());
  t.after(() => fake.close());
  const settings = settingsWith(cfg(fake));
  const log = createSilentLogger();
  const sources = new Map(settings.sources.map((s) => [s.name, createHttpJsonSource(s, { env: {}, dataDir: '/nonexistent', clock, log })]));
  const engine = new SyncEngine({ store, settings: () => settings, sources, clock, log });
  const ports = createSourceExecutorPorts({ sources, settings: () => settings, engine, clock, log });
  return { store, clock, fake, engine, ports };
}

test('applyPrice writes the amount to the price endpoint of the system\'s http-json source, then pulls that system again', async (t) => {
  const w = await realWorld(t, (fake) => [
    { name: 'erp-main', system: 'erp', options: fake.options('erp', { pushPrice: { url: `${fake.baseUrl}/erp/orders/{id}/price`, amountField: 'price.amount', currencyField: 'price.currency' } }) },
    { name: 'shop', options: fake.options('shop') },
  ]);
  const erp = w.fake.system('erp');
  erp.orders.set('P1', { id: 'P1', status: 'paid', updatedAt: T0 - 60_000, amount: 100, currency: 'CNY' });
  assert.equal((await w.engine.run('erp-main')).status, 'ok');
  const amountIn = async (system: string) => (await w.store.queries.order('P1'))?.snapshots.find((s) => s.system === system)?.amount;
  assert.equal(await amountIn('erp'), 100);

  w.clock.advance(60_000);
  await w.ports.applyPrice('P1', 'erp', 90, 'CNY');
  assert.deepEqual(erp.priceWrites, [{ orderId: 'P1', body: { price: { amount: 90, currency: 'CNY' } } }], 'nested body fields share their parent');
  assert.equal(erp.pulls, 2, 'the system was pulled again after the write');
  assert.equal(await amountIn('erp'), 90, 'our view has the corrected amount');

  await w.ports.applyPrice('P1', 'erp', 100, null);
  assert.deepEqual(erp.priceWrites[1], { orderId: 'P1', body: { price: { amount: 100 } } }, 'no currency given, none sent');

  await assert.rejects(w.ports.applyPrice('P1', 'shop', 90, 'CNY'), (e: unknown) => e instanceof PermanentError && e.code === 'tasks.no_price_push' && e.message.includes('shop'));
  assert.equal(w.fake.system('shop').priceWrites.length, 0);
  erp.down = true;
  await assert.rejects(w.ports.applyPrice('P1', 'erp', 90, 'CNY'), RetryableError, 'a 503 is worth retrying');
});

test('switchToFallback and restoreSource go through the engine; a source without a fallback is refused with a clear code', async (t) => {
  const w = await realWorld(t, (fake) => [
    { name: 'erp', fallback: 'erp-backup', options: fake.options('erp') },
    { name: 'erp-backup', system: 'erp', options: fake.options('backup') },
    { name: 'wms', options: fake.options('wms') },
  ]);
  const erp = w.fake.system('erp');
  const backup = w.fake.system('backup');
  erp.down = true;
  assert.equal((await w.engine.run('erp')).status, 'failed');
  assert.deepEqual((await w.store.findings.open({ kind: 'source_down' })).map((f) => f.fingerprint), ['source_down:erp']);

  await assert.rejects(w.ports.switchToFallback('wms'), (e: unknown) => e instanceof PermanentError && e.code === 'sync.no_fallback');
  assert.equal(await w.store.switches.get('wms'), undefined);

  await w.ports.switchToFallback('erp');
  assert.deepEqual(await w.store.switches.get('erp'), { source: 'erp', fallback: 'erp-backup', since: T0 });
  assert.deepEqual(await w.store.findings.open({ kind: 'source_down' }), [], 'the down source is handled: its finding is resolved');
  const pulls = { erp: erp.pulls, backup: backup.pulls };
  await w.ports.resync('erp');
  assert.equal(erp.pulls, pulls.erp, 'the switched source is not tried');
  assert.ok(backup.pulls > pulls.backup);

  erp.down = false;
  await w.ports.restoreSource('erp');
  assert.equal(await w.store.switches.get('erp'), undefined);
  assert.equal(erp.pulls, pulls.erp + 1, 'restoring pulls the source itself once');
  const [last] = await w.store.runs.recent(1, 'erp');
  assert.deepEqual([last?.trigger, last?.status], ['task', 'ok']);
});
