import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock.ts';
import { PermanentError, RetryableError } from '../../src/core/errors.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { CanonicalStatus } from '../../src/core/status.ts';
import type { RunSummary } from '../../src/sync/engine.ts';
import type { OrderSource } from '../../src/sync/sources/types.ts';
import { createSourceExecutorPorts } from '../../src/tasks/source-ports.ts';
import { settingsWith } from '../helpers/temp.ts';

test('source ports push through the source of a system that can push and resync every source of that system', async () => {
  const pushed: string[] = [];
  const erp: OrderSource = { name: 'erp-main', kind: 'x', pull: async function* () {}, push: async (orderId: string, status: CanonicalStatus) => void pushed.push(`${orderId} ${status}`) };
  const wms: OrderSource = { name: 'wms', kind: 'x', pull: async function* () {} };
  const settings = settingsWith([{ name: 'erp-main', system: 'erp' }, { name: 'wms' }]);
  const runs: string[] = [];
  let fail = false;
  const engine = {
    run: async (source: string): Promise<RunSummary> => {
      runs.push(source);
      return { runId: 1, source, system: source, trigger: 'task', status: fail ? 'failed' : 'ok', fetched: 0, changed: 0, unchanged: 0, stale: 0, quarantined: 0, errors: 0, events: 0, durationMs: 1, error: fail ? 'down' : undefined };
    },
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
  await assert.rejects(ports.applyPrice('A1', 'erp', 1, null), (e: unknown) => e instanceof PermanentError && e.code === 'tasks.unsupported');
});
