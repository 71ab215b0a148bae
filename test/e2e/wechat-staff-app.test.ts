// The app with WECHATY_PUPPET set and a staff contact in chat.users: main registers the staff WeChat adapter on the
// shop's bot, a staff member's typed command is answered over WeChat, a task card reaches them as text with reply
// codes, the code approves it, and a customer's text still goes to the conversations path, not to the staff adapter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PuppetMock } from 'wechaty-puppet-mock';
import { taskCardKey } from '../../cards/task.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { createApp } from '../../src/main.ts';
import { tempDir } from '../helpers/temp.ts';
import { breakOrder, eventually, writeSettings } from './world.ts';

type Said = { text(): string; talker(): { id: string }; payload?: { text?: string } };
type Listenable = { on(event: 'message', cb: (m: Said) => void): void };

test('staff on the shop\'s WeChat bot: a command answered, a task card as text, a reply code approves it; customers untouched', { timeout: 90_000 }, async (t) => {
  const dataDir = tempDir(t);
  writeSettings(dataDir, (s) => ({ ...s, language: 'en' }));
  const app = await createApp({ dataDir, env: { WECHATY_PUPPET: 'wechaty-puppet-mock' }, port: 0, host: '127.0.0.1', log: createSilentLogger(), demo: 'on' });
  t.after(() => app.stop());
  await app.start();
  assert.ok(app.hub.platforms().includes('wechat'), 'the staff adapter is registered on the shop bot');
  const bot = app.wechaty?.bot;
  assert.ok(bot && bot.puppet instanceof PuppetMock);
  const { mocker } = bot.puppet;
  const self = mocker.createContact({ name: 'Shop Bot' });
  mocker.login(self);
  await eventually('login', () => bot.isLoggedIn || undefined);

  const wang = mocker.createContact({ name: 'Wang' });
  const stranger = mocker.createContact({ name: 'Customer' });
  const inbox: string[] = [];
  (wang as unknown as Listenable).on('message', (m) => {
    if (m.talker().id !== wang.id) inbox.push(m.payload?.text ?? m.text());
  });
  const toStranger: string[] = [];
  (stranger as unknown as Listenable).on('message', (m) => {
    if (m.talker().id !== stranger.id) toStranger.push(m.payload?.text ?? m.text());
  });
  await app.settings.update((d) => {
    d.chat.users[`wechat:${wang.id}`] = { role: 'approver', name: 'Wang', language: 'en' };
    d.chat.routes.tasks = ['console:ops', `wechat:${wang.id}`];
  });

  wang.say('/help').to(self);
  await eventually('the help answer over WeChat', () => inbox.find((m) => m.includes('/order')));
  stranger.say('/help').to(self);
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(toStranger, [], 'a customer typing a command is not staff: nothing staff-side answers');

  const broken = await breakOrder(app);
  const card = await eventually('the task card as text', () => inbox.find((m) => m.includes(`T${broken.task.id}`) && /reply [A-Z]+1 to /i.test(m)));
  const code = /reply ([A-Z]+\d+) to approve/i.exec(card)?.[1];
  assert.ok(code, card);
  const copies = await app.store.posted.copies(taskCardKey(broken.task.id));
  assert.ok(copies.some((c) => c.platform === 'wechat' && c.channelId === wang.id));

  wang.say(code.toLowerCase()).to(self);
  const done = await eventually('the task decided', async () => {
    const x = await app.domain.tasks.get(broken.task.id);
    return x?.state === 'done' || x?.state === 'failed' ? x : undefined;
  }, 30_000);
  assert.equal(done.state, 'done', done.error ?? '');
  await eventually('the updated card', () => inbox.find((m) => m.includes(`T${broken.task.id}`) && /updated/i.test(m) && /Wang/.test(m)));
});
