import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { createBotServices } from '../../src/chat/services.ts';
import { SettingsStore } from '../../src/settings/store.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { tempStore } from '../helpers/temp.ts';

const HOUR = 3_600_000;

test('stuck counts use each status’s dwell limit; /lang preferences persist in the settings file', async (t) => {
  const { store, dir } = await tempStore(t);
  const settings = await SettingsStore.open(dir);
  const now = Date.UTC(2026, 5, 10);
  const clock = new ManualClock(now);
  const engine = new SyncEngine({ store, settings: () => settings.get(), sources: new Map(), clock, log: createSilentLogger() });
  const services = createBotServices({ store, engine, settings, clock });
  const rec = (orderId: string, status: 'paid' | 'shipped' | 'delivered', hoursAgo: number) => ({ orderId, system: 'wms', status, rawStatus: status, updatedAt: now - hoursAgo * HOUR });
  await store.applyBatch({
    runId: 1,
    source: 'wms',
    system: 'wms',
    now,
    authority: settings.get().authority,
    records: [rec('S1', 'paid', 30), rec('S2', 'paid', 2), rec('S3', 'shipped', 50), rec('S4', 'shipped', 47), rec('S5', 'delivered', 500)],
  });
  const stuck = await services.orders.stuckCounts();
  const by = Object.fromEntries(stuck.map((s) => [s.status, s.count]));
  assert.equal(by.paid, 1, 'paid limit 24 h: S1 only');
  assert.equal(by.shipped, 1, 'shipped limit 48 h: S3 only');
  assert.equal(by.delivered, undefined, 'no limit for delivered');
  assert.equal(stuck.find((s) => s.status === 'paid')?.limitHours, 24);

  await services.prefs.setLanguage({ platform: 'slack', userId: 'U9' }, 'es');
  const doc = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { chat: { users: Record<string, { language?: string }> } };
  assert.equal(doc.chat.users['slack:U9']?.language, 'es');
  assert.equal(settings.get().chat.users['console:alice']?.role, 'admin', 'other users untouched');
});
