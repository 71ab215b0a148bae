// Staff and customers on WeChat: every one-to-one message goes to exactly one of the staff adapter and the
// customer conversations, on a bot both share (set-up a) and with a second bot for staff (set-up b).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWechatStaffFilter, createWechatyStaffAdapter } from '../../../src/adapters/wechaty/index.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { captureLog } from '../../notify/channels/log-capture.ts';
import { routeWechatyReplies } from '../../../src/conversations/wechaty-chat.ts';
import type { ReplyResult } from '../../../src/conversations/service.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { tempStore } from '../../helpers/temp.ts';
import { startMockWechat, until, type MockWechat } from '../../fakes/wechaty-staff.ts';
import { staffSettings, startStaff } from './harness.ts';

function customerRouter(w: MockWechat, isStaff?: (contactId: string) => boolean) {
  const replies: [string, string][] = [];
  const service = {
    async onReply(contactId: string, text: string): Promise<ReplyResult> {
      replies.push([contactId, text]);
      return { kind: 'no_conversation', customerId: contactId };
    },
  };
  const off = routeWechatyReplies(w.bot, service, createSilentLogger(), undefined, isStaff);
  return { replies, off };
}

test('wechaty set-up (a), one bot: staff DMs and staff rooms reach the adapter only, customers reach conversations only', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const alice = w.person('Alice');
  const carol = w.person('Carol');
  const bob = w.person('Bob');
  const room = w.room('ops', [alice, bob]);
  const settings = staffSettings({ [alice.id]: {} }, [room.id]);
  const { seen } = await startStaff(t, w, store, () => settings);
  const customers = customerRouter(w, createWechatStaffFilter(() => settings));
  t.after(customers.off);

  const staffDm = w.dm(alice, '/order A1');
  assert.equal(await w.outcome(staffDm), 'command');
  await until('the card', () => alice.inbox.length === 1);
  assert.equal(await w.outcome(w.dm(alice, 'A1')), 'action');
  assert.equal(await w.outcome(w.say(bob, room, '/order A2')), 'command');
  const customerText = w.dm(carol, '2');
  assert.equal(await w.outcome(customerText), 'not_staff');
  const customerCommand = w.dm(carol, '/order A3');
  assert.equal(await w.outcome(customerCommand), 'not_staff');
  await until('the customer texts', () => customers.replies.length === 2);
  await w.settled();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(customers.replies, [
    [carol.id, '2'],
    [carol.id, '/order A3'],
  ]);
  assert.deepEqual(
    seen.events.map((e) => [e.kind, e.actor.userId]),
    [
      ['command', alice.id],
      ['action', alice.id],
      ['command', bob.id],
    ],
  );
  assert.deepEqual(carol.inbox, [], 'the staff adapter says nothing to customers');
  // Staff is a setting: once carol is listed, her texts are the adapter's, no longer the conversations'.
  settings.chat.users[`wechat:${carol.id}`] = {};
  assert.equal(await w.outcome(w.dm(carol, '/order A4')), 'command');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(customers.replies.length, 2);
});

test('wechaty set-up (b), a staff bot: staff use it, customers keep the shop bot, strangers on the staff bot reach nothing', async (t) => {
  const { store } = await tempStore(t);
  const staffBot = await startMockWechat(t);
  const shopBot = await startMockWechat(t);
  const alice = staffBot.person('Alice');
  const strangerOnStaffBot = staffBot.person('Mallory');
  const carol = shopBot.person('Carol');
  const settings = staffSettings({ [alice.id]: {} });
  const { seen } = await startStaff(t, staffBot, store, () => settings);
  // The shop bot has no staff adapter: it needs no filter.
  const customers = customerRouter(shopBot);
  t.after(customers.off);

  assert.equal(await staffBot.outcome(staffBot.dm(alice, '/order A1')), 'command');
  await until('the card', () => alice.inbox.length === 1);
  assert.equal(await staffBot.outcome(staffBot.dm(strangerOnStaffBot, '/order A1')), 'not_staff');
  assert.equal(await staffBot.outcome(staffBot.dm(strangerOnStaffBot, 'A1')), 'not_staff');
  shopBot.dm(carol, '1');
  await until('the customer text', () => customers.replies.length === 1);
  assert.deepEqual(customers.replies, [[carol.id, '1']]);
  assert.deepEqual(seen.events.map((e) => e.actor.userId), [alice.id]);
  assert.deepEqual(strangerOnStaffBot.inbox, []);
});

test('wechaty: a command typed in a room no route names is ignored, and the log names the room to add', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const bob = w.person('Bob');
  const room = w.room('new ops group', [bob]);
  const settings = staffSettings({});
  const { log, text } = captureLog();
  const adapter = createWechatyStaffAdapter({ bot: w.bot, settings: () => settings, state: store.adapterState, clock: systemClock, log, onInbound: w.record });
  await adapter.start(async () => assert.fail('nothing reaches the hub'));
  t.after(() => adapter.stop());
  assert.equal(await w.outcome(w.say(bob, room, '/help')), 'not_staff');
  assert.equal(await w.outcome(w.say(bob, room, 'hello')), 'not_staff');
  assert.match(text(), new RegExp(`"channel":"wechat:${room.id}".*add it to chat.routes`));
  assert.equal(text().split('\n').filter((l) => l.includes('chat.routes')).length, 1, 'only the command is logged');
  assert.deepEqual(room.said, []);
});
