// The staff adapter end to end: mock WeChat → adapter → real ChatHub → adapter → mock WeChat, real SQLite.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { card } from '../../../src/core/card.ts';
import { PermanentError, RetryableError } from '../../../src/core/errors.ts';
import { tempStore } from '../../helpers/temp.ts';
import { startMockWechat, until } from '../../fakes/wechaty-staff.ts';
import { APPROVE, REJECT, RESOLVE, staffSettings, startStaff } from './harness.ts';

/** A mock WeChat with Alice as a staff member (her own DM) and the staff adapter started on a real store. */
async function aliceAsStaff(t: TestContext) {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const alice = w.person('Alice');
  const settings = staffSettings({ [alice.id]: {} });
  const { seen } = await startStaff(t, w, store, () => settings);
  return { store, w, alice, settings, seen };
}

const CARD_A1 = ['⚠️ [#1] Order A1', 'Order A1 waits for a decision.', '', 'reply A1 to approve', 'reply A2 to reject', 'reply A3 to resolve'].join('\n');

test('wechaty staff: "/order A1" and "order A2" in a staff DM are commands; the card comes back with reply codes', async (t) => {
  const { w, alice, seen } = await aliceAsStaff(t);
  const first = w.dm(alice, '/order A1');
  assert.equal(await w.outcome(first), 'command');
  const second = w.dm(alice, 'order A2');
  assert.equal(await w.outcome(second), 'command');
  await until('two cards', () => alice.inbox.length === 2);
  assert.equal(alice.inbox[0], CARD_A1);
  assert.match(alice.inbox[1] ?? '', /^⚠️ \[#2\] Order A2\n[\s\S]*reply B1 to approve\nreply B2 to reject\nreply B3 to resolve$/);
  const [c1, c2] = seen.events;
  assert.equal(c1?.kind, 'command');
  assert.deepEqual(c1?.kind === 'command' && { name: c1.name, args: c1.args, text: c1.text }, { name: 'order', args: ['A1'], text: 'A1' });
  assert.deepEqual(c1?.actor, { platform: 'wechat', userId: alice.id, name: 'Alice' });
  assert.deepEqual(c1?.place, { platform: 'wechat', channelId: alice.id });
  assert.equal(c1?.dedupeKey, first);
  assert.deepEqual(c2?.kind === 'command' && c2.args, ['A2']);
});

test('wechaty staff: in a staff room the @mention is stripped, "/" lines are commands, chatter is left alone', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const bob = w.person('Bob');
  const room = w.room('ops', [bob]);
  const settings = staffSettings({}, [room.id]);
  const { seen } = await startStaff(t, w, store, () => settings);
  const mentioned = w.say(bob, room, 'order A3', true);
  assert.equal(await w.outcome(mentioned), 'command');
  const slashed = w.say(bob, room, '/order A4');
  assert.equal(await w.outcome(slashed), 'command');
  const chatter = w.say(bob, room, 'order A5 looks late to me');
  assert.equal(await w.outcome(chatter), 'not_addressed');
  await until('two cards in the room', () => room.said.length === 2);
  assert.deepEqual(
    seen.events.map((e) => e.kind === 'command' && [e.name, e.args, e.place.channelId, e.actor.userId]),
    [
      ['order', ['A3'], room.id, bob.id],
      ['order', ['A4'], room.id, bob.id],
    ],
  );
  assert.match(room.said[0] ?? '', /^⚠️ \[#1\] Order A3\n/);
  assert.deepEqual(bob.inbox, [], 'room answers stay in the room');
});

test('wechaty staff: a printed code ("a1", "回复 A2") is the button\'s ActionEvent; an unknown code is answered and runs nothing', async (t) => {
  const { store, w, alice, seen } = await aliceAsStaff(t);
  w.dm(alice, '/order A7');
  await until('the card', () => alice.inbox.length === 1);
  const lower = w.dm(alice, 'a1');
  assert.equal(await w.outcome(lower), 'action');
  const prefixed = w.dm(alice, '回复 A2');
  assert.equal(await w.outcome(prefixed), 'action');
  assert.deepEqual(seen.clicks, [`approve:A7:${alice.id}`, `reject:A7:${alice.id}`]);
  const click = seen.events[1];
  assert.equal(click?.kind, 'action');
  if (click?.kind !== 'action') return;
  assert.equal(click.actionId, APPROVE);
  assert.equal(click.value, 'A7');
  assert.equal(click.dedupeKey, lower);
  assert.deepEqual(click.message, { platform: 'wechat', channelId: alice.id, messageId: 'wc-1' });
  assert.equal((await store.posted.keyOf(click.message)), 'order:A7', 'the click names the card the hub posted');
  assert.equal(seen.events[2]?.kind === 'action' && seen.events[2].actionId, REJECT);

  const unknown = w.dm(alice, 'Z9');
  assert.equal(await w.outcome(unknown), 'unknown_code');
  await until('the answer', () => alice.inbox.length === 2);
  assert.match(alice.inbox[1] ?? '', /^Z9 is not a reply code I know/);
  assert.equal(seen.clicks.length, 2, 'nothing ran');
  assert.equal(seen.events.length, 3, 'nothing reached the hub');
});

test('wechaty staff: an unknown code is answered in the person\'s language', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const wang = w.person('Wang');
  const settings = staffSettings({ [wang.id]: { language: 'zh-CN' } });
  await startStaff(t, w, store, () => settings);
  assert.equal(await w.outcome(w.dm(wang, 'A1')), 'unknown_code');
  await until('the answer', () => wang.inbox.length === 1);
  assert.match(wang.inbox[0] ?? '', /^A1 不是有效的回复码/);
});

test('wechaty staff: codes survive a restart (a new adapter on the same store), and card numbers go on', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const alice = w.person('Alice');
  const settings = staffSettings({ [alice.id]: {} });
  const before = await startStaff(t, w, store, () => settings);
  w.dm(alice, '/order A8');
  await until('the card', () => alice.inbox.length === 1);
  await before.stop();
  const after = await startStaff(t, w, store, () => settings);
  assert.equal(await w.outcome(w.dm(alice, 'A2')), 'action');
  assert.deepEqual(after.seen.clicks, [`reject:A8:${alice.id}`]);
  w.dm(alice, '/order A9');
  await until('the second card', () => alice.inbox.length === 2);
  assert.match(alice.inbox[1] ?? '', /^⚠️ \[#2\] Order A9\n[\s\S]*reply B1 to approve/);
});

test('wechaty staff: update sends the new version under the same marker and message id; the old codes are retired', async (t) => {
  const { store, w, alice, seen } = await aliceAsStaff(t);
  w.dm(alice, '/order B1');
  await until('the card', () => alice.inbox.length === 1);
  assert.equal(await w.outcome(w.dm(alice, 'A3')), 'action');
  await until('the new version and the notice', () => alice.inbox.length === 3);
  assert.equal(alice.inbox[1], ['✅ [#1 · updated] Order B1 resolved', 'reply B1 to reopen'].join('\n'));
  assert.equal(alice.inbox[2], 'Resolved B1');
  assert.deepEqual((await store.posted.copies('order:B1')).map((c) => c.messageId), ['wc-1'], 'the hub keeps one copy, the same id');
  // A1 was the old version's: retired. B1 is the new one's and names the same card.
  assert.equal(await w.outcome(w.dm(alice, 'A1')), 'unknown_code');
  assert.equal(await w.outcome(w.dm(alice, 'B1')), 'action');
  assert.deepEqual(seen.clicks, [`resolve:B1:${alice.id}`, `approve:B1:${alice.id}`]);
  const last = seen.events[seen.events.length - 1];
  assert.deepEqual(last?.kind === 'action' && last.message, { platform: 'wechat', channelId: alice.id, messageId: 'wc-1' });
});

test('wechaty staff: in a room, "only to you" answers go to the actor one-to-one; a repeated delivery runs once', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const bob = w.person('Bob');
  const room = w.room('ops', [bob]);
  const settings = staffSettings({}, [room.id]);
  const { seen } = await startStaff(t, w, store, () => settings);
  w.say(bob, room, '/order C1');
  await until('the card', () => room.said.length === 1);
  const click = w.say(bob, room, 'A3');
  assert.equal(await w.outcome(click), 'action');
  await until('the notice', () => bob.inbox.length === 1);
  assert.equal(bob.inbox[0], 'Resolved C1');
  await until('the new version', () => room.said.length === 2);
  assert.match(room.said[1] ?? '', /^✅ \[#1 · updated\] Order C1 resolved/);
  w.replay(click);
  assert.equal(await w.outcome(click, 2), 'duplicate');
  assert.deepEqual(seen.clicks, [`resolve:C1:${bob.id}`], 'the hub dedupes by the wechaty message id');
});

test('wechaty staff: a room member the bot cannot message one-to-one gets "only to you" answers in the room, @mentioned', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const bob = w.person('Bob');
  const room = w.room('ops', [bob]);
  w.unfriend(bob);
  const settings = staffSettings({}, [room.id]);
  await startStaff(t, w, store, () => settings);
  w.say(bob, room, '/order C2');
  await until('the card', () => room.said.length === 1);
  assert.equal(await w.outcome(w.say(bob, room, 'A3')), 'action');
  await until('the new version and the notice', () => room.said.length === 3);
  assert.match(room.said[1] ?? '', /^✅ \[#1 · updated\] Order C2 resolved/);
  assert.equal(room.said[2], '@Bob\u2005Resolved C2');
  assert.deepEqual(bob.inbox, []);
});

test('wechaty staff: a long text answer goes out in at most three messages, each within the limit', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const alice = w.person('Alice');
  const settings = staffSettings({ [alice.id]: {} });
  const { adapter } = await startStaff(t, w, store, () => settings);
  const lines = Array.from({ length: 120 }, (_, i) => `订单 SO-${i} 在仓库停留超过三天，请尽快处理`);
  const ref = await adapter.post(alice.id, lines.join('\n'));
  assert.equal(ref.platform, 'wechat');
  await until('the parts', () => alice.inbox.length >= 2);
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(alice.inbox.length >= 2 && alice.inbox.length <= 3, `got ${alice.inbox.length} parts`);
  assert.ok(alice.inbox.every((p) => [...p].length <= 1500));
  assert.equal(alice.inbox.join('\n'), lines.join('\n'), 'nothing lost when it fits in three parts');
});

test('wechaty staff: sending while logged out is retryable (the hub keeps the card); an unknown conversation is permanent', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const settings = staffSettings({});
  const { adapter } = await startStaff(t, w, store, () => settings);
  await assert.rejects(adapter.post('no-such-contact', 'hi'), (err: unknown) => err instanceof PermanentError && err.code === 'wechaty.no_conversation');
  await w.bot.logout();
  await until('logged out', () => !w.bot.isLoggedIn);
  await assert.rejects(adapter.post('anyone', card().header('x').build()), (err: unknown) => err instanceof RetryableError && err.code === 'wechaty.logged_out');
});

test('wechaty staff: an update that cannot be sent leaves the old version\'s codes working', async (t) => {
  const { store } = await tempStore(t);
  const w = await startMockWechat(t);
  const alice = w.person('Alice');
  const settings = staffSettings({ [alice.id]: {} });
  const { adapter, seen } = await startStaff(t, w, store, () => settings);
  w.dm(alice, '/order D1');
  await until('the card', () => alice.inbox.length === 1);
  const ref = { platform: 'wechat', channelId: alice.id, messageId: 'wc-1' };
  w.unfriend(alice);
  await assert.rejects(adapter.update(ref, card().header('D1 changed').actions([{ actionId: RESOLVE, label: 'Resolve', value: 'D1' }]).build()), /no contact or room/);
  assert.equal(await w.outcome(w.dm(alice, 'A1')), 'action', 'A1 of the version people still see works');
  assert.deepEqual(seen.clicks, [`approve:D1:${alice.id}`]);
});
