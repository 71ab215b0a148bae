import { test } from 'node:test';
import assert from 'node:assert/strict';
import { card, type Card } from '../../src/core/card.ts';
import type { ActionEvent, CommandEvent } from '../../src/core/chat.ts';
import { ManualClock, systemClock } from '../../src/core/clock.ts';
import type { ActionDefinition, CommandDefinition } from '../../src/core/command.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { ChatHub } from '../../src/chat/hub.ts';
import { SendQueues } from '../../src/chat/send-queue.ts';
import { MemoryChat } from '../fakes/memory-chat.ts';
import { settingsWith, tempStore } from '../helpers/temp.ts';

interface Svc {
  clicks: string[];
}

const PING: CommandDefinition<Svc> = {
  name: 'ping',
  helpKey: 'help.ping',
  role: 'viewer',
  args: [{ name: 'target', required: true }, { name: 'mode', required: false, choices: ['fast', 'slow'] }],
  async handler(ctx) {
    await ctx.postTracked(`ping:${ctx.args.target ?? ''}`, (t) =>
      card().header(`${t('status.shipped')} ${ctx.args.target ?? ''}`).actions([{ actionId: 'ping.ack', label: 'Ack', value: ctx.args.target ?? '' }]).build(),
    );
  },
};
const ADMIN_ONLY: CommandDefinition<Svc> = { name: 'purge', helpKey: 'help.purge', role: 'admin', args: [], handler: async (ctx) => void (await ctx.reply('purged')) };
const ACK: ActionDefinition<Svc> = {
  actionId: 'ping.ack',
  role: 'agent',
  async handler(ctx) {
    ctx.services.clicks.push(`${ctx.actor.userId}:${ctx.value}`);
    await ctx.updateCard((t) => card().header(`${t('status.delivered')} ${ctx.value} ✓ ${ctx.actor.userId}`).build());
  },
};

async function setup(t: import('node:test').TestContext) {
  const { store } = await tempStore(t);
  const settings = settingsWith([], {
    language: 'en',
    chat: {
      defaultRole: 'viewer',
      users: { 'a:alice': { role: 'agent', language: 'zh-CN' }, 'b:bob': { role: 'admin', language: 'es' } },
      routes: { alerts: ['a:ops', 'b:ops', 'zz:nowhere'] },
      channels: {},
    },
  });
  const services: Svc = { clicks: [] };
  const hub = new ChatHub<Svc>({ settings: () => settings, posted: store.posted, commands: [PING, ADMIN_ONLY], actions: [ACK], services, clock: systemClock, log: createSilentLogger() });
  const a = new MemoryChat('a');
  const b = new MemoryChat('b');
  hub.register(a);
  hub.register(b);
  await hub.start();
  return { hub, a, b, services };
}

let n = 0;
const cmd = (platform: string, user: string, name: string, args: string[]): CommandEvent => ({
  kind: 'command',
  dedupeKey: `k${++n}`,
  actor: { platform, userId: user },
  place: { platform, channelId: 'ops' },
  name,
  args,
  text: args.join(' '),
  raw: null,
});
const click = (platform: string, user: string, messageId: string, value: string, actionId = 'ping.ack'): ActionEvent => ({
  kind: 'action',
  dedupeKey: `k${++n}`,
  actor: { platform, userId: user },
  place: { platform, channelId: 'ops' },
  actionId,
  value,
  message: { platform, channelId: 'ops', messageId },
  raw: null,
});
const header = (c: unknown): string => (c as Card).header?.title ?? '';

test('a click updates every copy of a card on every platform, each in its own language', async (t) => {
  const { hub, a, b, services } = await setup(t);
  await a.deliver(cmd('a', 'alice', 'ping', ['A1']));
  const [onA] = [...a.messages.values()];
  assert.ok(onA);
  assert.match(header(onA.content), /已发货 A1/, 'alice reads Chinese');
  // The same card key also posted on platform b (Spanish speaker's channel default: settings language en).
  await hub.postTracked({ platform: 'b', channelId: 'ops' }, 'ping:A1', PING_CARD, 'es');
  await b.deliver(click('b', 'bob', [...b.messages.keys()][0] ?? '', 'A1'));
  assert.deepEqual(services.clicks, ['bob:A1']);
  assert.match(header(a.messages.get(onA.id)?.content), /^已签收 A1 ✓ bob$/, 'copy on a updated in Chinese');
  assert.match(header([...b.messages.values()][0]?.content), /^Entregado A1 ✓ bob$/, 'copy on b updated in Spanish');
});

const PING_CARD = (t: import('i18next').TFunction): Card => card().header(`${t('status.shipped')} A1`).build();

test('a platform retry of the same delivery is processed once', async (t) => {
  const { a, services } = await setup(t);
  await a.deliver(cmd('a', 'alice', 'ping', ['A2']));
  const id = [...a.messages.keys()][0] ?? '';
  const event = click('a', 'alice', id, 'A2');
  await a.deliver(event);
  await a.deliver(event);
  assert.deepEqual(services.clicks, ['alice:A2']);
});

test('unauthorized clicks change nothing and tell the clicker why', async (t) => {
  const { a, services } = await setup(t);
  await a.deliver(cmd('a', 'alice', 'ping', ['A3']));
  const [m] = [...a.messages.values()];
  await a.deliver(click('a', 'carol', m?.id ?? '', 'A3'));
  assert.deepEqual(services.clicks, []);
  assert.equal(m?.versions, 1);
  assert.match(a.lastEphemeral(), /viewer|查看/i);
});

test('unknown commands get a suggestion; bad arguments get the usage; forbidden commands say which role is needed', async (t) => {
  const { a } = await setup(t);
  await a.deliver(cmd('a', 'carol', 'pign', ['x']));
  assert.match(a.lastEphemeral(), /\/ping/);
  await a.deliver(cmd('a', 'carol', 'ping', []));
  assert.match(a.lastEphemeral(), /\/ping <target> \[fast\|slow\]/);
  await a.deliver(cmd('a', 'carol', 'ping', ['x', 'medium']));
  assert.match(a.lastEphemeral(), /\/ping <target> \[fast\|slow\]/);
  await a.deliver(cmd('a', 'carol', 'purge', []));
  assert.match(a.lastEphemeral(), /admin|管理员/i);
  assert.equal(a.messages.size, 0, 'nothing was posted');
  await a.deliver(cmd('a', 'carol', 'zzzzzz', []));
  assert.match(a.lastEphemeral(), /zzzzzz/);
});

test('publish posts to every routed channel and skips platforms that are not running', async (t) => {
  const { hub, a, b } = await setup(t);
  const refs = await hub.publish('alerts', 'alert:1', (tt) => card().header(tt('status.exception')).build());
  assert.equal(refs.length, 2);
  assert.equal(a.messages.size, 1);
  assert.equal(b.messages.size, 1);
  await hub.updateCard('alert:1', card().header('resolved').build());
  assert.equal([...a.messages.values()][0]?.versions, 2);
  assert.equal([...b.messages.values()][0]?.versions, 2);
});

test('sends to one channel keep their order and the platform rate', async () => {
  const clock = new ManualClock(0);
  const q = new SendQueues(clock);
  const done: number[] = [];
  const limits = { perChannelPerSecond: 1, burst: 2 };
  const all = [1, 2, 3, 4].map((i) => q.enqueue('p', 'c', limits, async () => void done.push(i)));
  for (let i = 0; i < 50 && done.length < 4; i++) {
    await new Promise((r) => setImmediate(r));
    if (clock.pendingSleeps() > 0) clock.advance(1000);
  }
  await Promise.all(all);
  assert.deepEqual(done, [1, 2, 3, 4]);
  assert.equal(clock.now(), 2000, 'two sends in the burst, then one per second');
});

test('an update the platform carries in a click answer skips the channel send queue; other updates wait for the rate', async (t) => {
  const { store } = await tempStore(t);
  const clock = new ManualClock(0);
  class InlineChat extends MemoryChat {
    inline = true;
    answersInline(): boolean {
      return this.inline;
    }
  }
  const chat = new InlineChat('x', { perChannelPerSecond: 1, burst: 1 }, () => clock.now());
  const settings = settingsWith([], { language: 'en', chat: { defaultRole: 'viewer', users: {}, routes: { alerts: ['x:ops'] }, channels: {} } });
  const hub = new ChatHub<null>({ settings: () => settings, posted: store.posted, commands: [], actions: [], services: null, clock, log: createSilentLogger() });
  hub.register(chat);
  await hub.publish('alerts', 'k', card().header('v1').build());
  // Ten inline updates in the same instant: none waits for a send token (the clock never moves).
  for (let i = 2; i <= 11; i++) await hub.updateCard('k', card().header(`v${i}`).build());
  assert.equal([...chat.messages.values()][0]?.versions, 11);
  assert.equal(clock.pendingSleeps(), 0);
  chat.inline = false;
  const queued = hub.updateCard('k', card().header('v12').build());
  for (const end = Date.now() + 5000; clock.pendingSleeps() === 0 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 2));
  assert.equal(clock.pendingSleeps(), 1, 'an API update waits for the channel rate');
  clock.advance(1000);
  await queued;
  assert.equal([...chat.messages.values()][0]?.versions, 12);
});
