import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSilentLogger } from '../../src/core/logger.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import type { OrderSource } from '../../src/sync/sources/types.ts';
import { settingsWith } from '../helpers/temp.ts';
import { CUSTOMERS, notifyWorld, outboxRows } from './dispatcher-harness.ts';

const until = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), what);
};

test('a started dispatcher is woken by afterWrite inside the batch transaction, sees nothing of a rolled-back batch, and stops cleanly', async (t) => {
  const w = await notifyWorld(t);
  w.notifier.start();
  t.after(() => w.notifier.stop());
  const authority = readDefaultSettings().authority;
  const batch = (orderId: string) => ({ runId: 1, source: 'oms', system: 'oms', now: w.clock.now(), authority, records: [{ orderId, system: 'oms', status: 'paid' as const, rawStatus: 'paid', updatedAt: w.clock.now(), customer: CUSTOMERS.li }] });

  await assert.rejects(
    w.store.db.transaction(async () => {
      await w.notifier.afterWrite(await w.store.applyBatch(batch('W1')));
      // Give the woken dispatcher every chance to claim inside our transaction (it must wait for the commit instead).
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('batch failed');
    }),
    /batch failed/,
  );
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(w.wechat.sendCalls, 0);
  assert.deepEqual(await outboxRows(w.store), []);

  await w.store.db.transaction(async () => w.notifier.afterWrite(await w.store.applyBatch(batch('W2'))));
  await until(() => w.wechat.delivered.length === 1, 'sent without polling: the idle wait is on a ManualClock that never moves');
  assert.equal(w.wechat.delivered[0]?.clientMsgId, 'W2:paid:paid');
  await w.notifier.stop();
  await until(() => true, '');
  assert.deepEqual((await outboxRows(w.store)).map((r) => r.state), ['sent']);
});

test('the stopgap SyncListener enqueues what SyncEngine.ingest commits', async (t) => {
  const w = await notifyWorld(t);
  const source: OrderSource = { name: 'oms', kind: 'webhook', pull: async function* () {} };
  const settings = settingsWith([{ name: 'oms', kind: 'webhook', mapping: ['english-common'] }]);
  const engine = new SyncEngine({ store: w.store, settings: () => settings, sources: new Map([['oms', source]]), clock: w.clock, log: createSilentLogger(), listeners: [w.notifier.syncListener] });
  await engine.ingest('oms', [{ orderId: 'E1', rawStatus: 'shipped', updatedAt: w.clock.now(), customer: CUSTOMERS.ann }], { eventId: 'evt-1' });
  await engine.ingest('oms', [{ orderId: 'E1', rawStatus: 'shipped', updatedAt: w.clock.now(), customer: CUSTOMERS.ann }], { eventId: 'evt-1' });
  await w.notifier.drain();
  assert.deepEqual(w.sms.sent.map((s) => s.idempotencyKey), ['E1:shipped:shipped']);
});
