// The notification outbox is written inside the sync batch's own transaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { createConsoleInboxChannel } from '../../src/notify/channels/console.ts';
import { createNotifier, DEFAULT_NOTIFY_SETTINGS } from '../../src/notify/index.ts';
import type { BatchResult } from '../../src/store/sync-store.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { settingsWith, tempStore } from '../helpers/temp.ts';

const hookSource = { name: 'hook', kind: 'webhook', async *pull() {} };

async function setup(t: import('node:test').TestContext, afterWrite?: (n: ReturnType<typeof createNotifier>) => (r: BatchResult) => Promise<void>) {
  const { store } = await tempStore(t);
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
  const settings = settingsWith([{ name: 'hook', kind: 'webhook', mapping: ['english-common'] }]);
  const notifier = createNotifier({ db: store.db, channels: [createConsoleInboxChannel({ push: () => ({ id: 'i' }), clock })], settings: DEFAULT_NOTIFY_SETTINGS, clock, log: createSilentLogger() });
  const engine = new SyncEngine({ store, settings: () => settings, sources: new Map([['hook', hookSource]]), clock, log: createSilentLogger(), afterWrite: (afterWrite ?? ((n) => (r) => n.afterWrite(r)))(notifier) });
  const order = (id: string, status: string) => ({ orderId: id, rawStatus: status, updatedAt: clock.now() - 60_000, customer: { id: `C-${id}`, language: 'en' } });
  return { store, engine, order };
}

test('a status change and its outbox row are committed together, once per change', async (t) => {
  const { store, engine, order } = await setup(t);
  await engine.ingest('hook', [order('H1', 'shipped')], { eventId: 'e1' });
  await engine.ingest('hook', [order('H1', 'shipped')], { eventId: 'e2' });
  const rows = await store.db.all<{ key: string; order_id: string; status: string }>('SELECT key, order_id, status FROM notify_outbox');
  assert.deepEqual(rows.map((r) => [r.order_id, r.status]), [['H1', 'shipped']]);
});

test('when the outbox write fails, the batch is rolled back with it: nothing is lost or half-done', async (t) => {
  const { store, engine, order } = await setup(t, () => async () => {
    throw new Error('outbox unavailable');
  });
  await assert.rejects(engine.ingest('hook', [order('H2', 'delivered')], { eventId: 'e3' }), /outbox unavailable/);
  assert.equal(await store.queries.order('H2'), undefined, 'the order change was not committed without its notification');
});
