// Sending pace: the hub's per-conversation queue honours the adapter's limits, and the adapter paces the account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWechatyStaffAdapter } from '../../../src/adapters/wechaty/index.ts';
import { WECHATY_ACCOUNT_PACE, WECHATY_CHAT_LIMITS } from '../../../src/adapters/wechaty/limits.ts';
import { ChatHub } from '../../../src/chat/hub.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { tempStore } from '../../helpers/temp.ts';
import { startMockWechat, until } from '../../fakes/wechaty-staff.ts';
import { staffSettings } from './harness.ts';

test('limits: conservative defaults (per conversation below one message a second; the account paced too)', () => {
  assert.ok(WECHATY_CHAT_LIMITS.perChannelPerSecond <= 0.5 && WECHATY_CHAT_LIMITS.burst <= 3);
  assert.ok(WECHATY_ACCOUNT_PACE.perChannelPerSecond <= 1 && WECHATY_ACCOUNT_PACE.burst <= 5);
});

test('limits: the hub sends to one staff room in a burst of 3, then one message every 3 s', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const bob = w.person('Bob');
  const room = w.room('ops', [bob]);
  const settings = staffSettings({}, [room.id]);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const adapter = createWechatyStaffAdapter({ bot: w.bot, settings: () => settings, state: store.adapterState, clock, log: createSilentLogger() });
  const hub = new ChatHub({ settings: () => settings, posted: store.posted, commands: [], actions: [], services: {}, clock, log: createSilentLogger() });
  hub.register(adapter);
  await hub.start();
  t.after(() => hub.stop());
  const sends = Array.from({ length: 5 }, (_, i) => hub.post({ platform: 'wechat', channelId: room.id }, `message ${i + 1}`));
  await until('the burst', () => room.said.length === 3);
  await until('the fourth waiting', () => clock.pendingSleeps() > 0);
  clock.advance(2999);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(room.said.length, 3, 'nothing more before 3 s');
  clock.advance(1);
  await until('the fourth', () => room.said.length === 4);
  await until('the fifth waiting', () => clock.pendingSleeps() > 0);
  clock.advance(3000);
  await until('the fifth', () => room.said.length === 5);
  await Promise.all(sends);
  assert.deepEqual(room.said, ['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);
});

test('limits: across conversations the account sends a burst of 5, then one message every 2 s', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const people = Array.from({ length: 6 }, (_, i) => w.person(`P${i}`));
  const settings = staffSettings(Object.fromEntries(people.map((p) => [p.id, {}])));
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const adapter = createWechatyStaffAdapter({ bot: w.bot, settings: () => settings, state: store.adapterState, clock, log: createSilentLogger() });
  const sends = people.map((p) => adapter.post(p.id, `hello ${p.name}`));
  const delivered = (): number => people.filter((p) => p.inbox.length === 1).length;
  await until('the burst', () => delivered() === 5);
  await until('the sixth waiting', () => clock.pendingSleeps() > 0);
  clock.advance(1999);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(delivered(), 5);
  clock.advance(1);
  await until('the sixth', () => delivered() === 6);
  const refs = await Promise.all(sends);
  assert.equal(new Set(refs.map((r) => r.messageId)).size, 6);
});
