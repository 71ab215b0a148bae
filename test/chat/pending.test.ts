import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { card, type Card } from '../../src/core/card.ts';
import type { Outbound, PostedRef } from '../../src/core/chat.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { CardFactory } from '../../src/core/command.ts';
import { PermanentError, RetryableError } from '../../src/core/errors.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { ChatHub, PENDING_MESSAGE_PREFIX } from '../../src/chat/hub.ts';
import { routeTargets } from '../../src/chat/routes.ts';
import type { Store } from '../../src/store/index.ts';
import { MemoryChat } from '../fakes/memory-chat.ts';
import { settingsWith, tempStore } from '../helpers/temp.ts';

/** A platform that can go down (connection refused) or refuse a message for good. */
class FlakyChat extends MemoryChat {
  down = false;
  refuse = false;
  override async post(channelId: string, content: Outbound): Promise<PostedRef> {
    if (this.down) throw new RetryableError('connect_failed', `${this.platform}: connection refused`);
    if (this.refuse) throw new PermanentError('channel_not_found', `${this.platform}: no such channel`);
    return super.post(channelId, content);
  }
}

// The header is the status word in the card's language: it shows which language a copy was built in.
const statusCard =
  (status: string): CardFactory =>
  (t) =>
    card().header(t(`status.${status}`)).text(status).build();

const SETTINGS = settingsWith([], {
  language: 'en',
  chat: {
    defaultRole: 'viewer',
    users: {},
    routes: { tasks: ['a:ops', 'b:ops'] },
    channels: { 'a:ops': { language: 'zh-CN', secondary: 'b:backup' }, 'b:backup': { language: 'es' } },
  },
});

function hubOn(store: Store, clock: ManualClock, a: MemoryChat, b: MemoryChat): ChatHub<null> {
  const hub = new ChatHub<null>({ settings: () => SETTINGS, posted: store.posted, pending: store.pendingCards, commands: [], actions: [], services: null, clock, log: createSilentLogger() });
  hub.register(a);
  hub.register(b);
  return hub;
}

async function setup(t: TestContext) {
  const { store } = await tempStore(t);
  const clock = new ManualClock(Date.UTC(2026, 11, 8, 2, 0));
  const a = new FlakyChat('a', undefined, () => clock.now());
  const b = new FlakyChat('b', undefined, () => clock.now());
  const hub = hubOn(store, clock, a, b);
  await hub.start();
  t.after(() => hub.stop());
  return { store, clock, a, b, hub };
}

const headers = (chat: MemoryChat, channelId: string): string[] => [...chat.messages.values()].filter((m) => m.channelId === channelId).map((m) => (m.content as Card).header?.title ?? '');

test('each channel gets the cards the bot posts on its own in its own language', async (t) => {
  const { a, b, hub } = await setup(t);
  const refs = await hub.publish('tasks', 'task:1', statusCard('shipped'));
  assert.equal(refs.length, 2);
  assert.deepEqual(headers(a, 'ops'), ['已发货']);
  assert.deepEqual(headers(b, 'ops'), ['Shipped']);
});

test('a card for a platform that is down waits in SQLite, the secondary gets it meanwhile, and it goes out in its newest state on recovery', async (t) => {
  const { store, clock, a, b, hub } = await setup(t);
  a.down = true;
  const refs = await hub.publish('tasks', 'task:2', statusCard('paid'));
  assert.equal(refs.length, 2, 'the down channel counts as delivered later, not lost');
  assert.ok(refs[0]?.messageId.startsWith(PENDING_MESSAGE_PREFIX));
  assert.deepEqual(headers(a, 'ops'), []);
  assert.deepEqual(headers(b, 'backup'), ['Pagado'], 'the secondary channel got a copy in its language');
  assert.deepEqual(await store.pendingCards.counts(), { a: 1 });

  await hub.updateCard('task:2', statusCard('shipped'));
  assert.equal(await hub.flushPending(), 0, 'not due yet');
  clock.advance(5000);
  assert.equal(await hub.flushPending(), 0, 'still down: tried, kept');
  assert.deepEqual(await store.pendingCards.counts(), { a: 1 });
  a.down = false;
  clock.advance(10_000);
  assert.equal(await hub.flushPending(), 1);
  assert.deepEqual(headers(a, 'ops'), ['已发货'], 'delivered once, in the newest state and the channel language');
  assert.deepEqual(await store.pendingCards.counts(), {});
  const copies = (await store.posted.copies('task:2')).map((c) => `${c.platform}:${c.channelId}`).sort();
  assert.deepEqual(copies, ['a:ops', 'b:backup', 'b:ops']);

  await hub.updateCard('task:2', statusCard('delivered'));
  assert.deepEqual(headers(a, 'ops'), ['已签收']);
  assert.deepEqual(headers(b, 'backup'), ['Entregado'], 'every copy changes, each in its language');
});

test('waiting cards survive a restart', async (t) => {
  const { store, clock, a, b, hub } = await setup(t);
  a.down = true;
  await hub.publish('tasks', 'task:3', statusCard('paid'));
  await hub.stop();
  const a2 = new FlakyChat('a', undefined, () => clock.now());
  const again = hubOn(store, clock, a2, b);
  await again.start();
  t.after(() => again.stop());
  clock.advance(60_000);
  assert.equal(await again.flushPending(), 1);
  assert.deepEqual(headers(a2, 'ops'), ['已付款']);
});

test('a refusal that retrying cannot fix is not kept', async (t) => {
  const { store, a, hub } = await setup(t);
  a.refuse = true;
  const refs = await hub.publish('tasks', 'task:4', statusCard('paid'));
  assert.equal(refs.length, 1, 'only b took it');
  assert.deepEqual(await store.pendingCards.counts(), {});
});

test('a route for one kind of card wins over its family; other kinds fall back to the family route', async (t) => {
  const { store } = await tempStore(t);
  const clock = new ManualClock(Date.UTC(2026, 11, 8, 2, 0));
  const a = new MemoryChat('a');
  const b = new MemoryChat('b');
  const settings = { ...SETTINGS, chat: { ...SETTINGS.chat, routes: { alerts: ['a:ops'], 'alerts.price': ['b:finance'] }, channels: {} } };
  const hub = new ChatHub<null>({ settings: () => settings, posted: store.posted, commands: [], actions: [], services: null, clock, log: createSilentLogger() });
  hub.register(a);
  hub.register(b);
  await hub.publish('alerts.price', 'alert:1', statusCard('paid'));
  await hub.publish('alerts.stale', 'alert:2', statusCard('shipped'));
  assert.deepEqual(headers(b, 'finance'), ['Paid']);
  assert.deepEqual(headers(a, 'ops'), ['Shipped']);
  assert.deepEqual(routeTargets(settings.chat.routes, 'alerts'), ['a:ops']);
  assert.deepEqual(routeTargets(settings.chat.routes, 'tasks.price'), []);
});
