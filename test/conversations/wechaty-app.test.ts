// The app with WECHATY_PUPPET set: main builds and starts the bot, customer conversations talk over it, a contact's
// reply reaches the conversation service, the wechaty notification channel is on, and stop stops the bot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ScanStatus } from 'wechaty';
import { PuppetMock } from 'wechaty-puppet-mock';
import { createApp } from '../../src/main.ts';
import { createCustomerChannels } from '../../src/notify/channels/from-env.ts';
import { wechatyOptionsFromEnv } from '../../src/notify/channels/wechaty-options.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { captureLog } from '../notify/channels/log-capture.ts';
import { tempDir } from '../helpers/temp.ts';

// The mock contact's type lacks `.on()` under NodeNext although it exists at runtime (TOOLCHAIN.md).
type Listenable = { on(event: 'message', cb: (m: { text(): string; talker(): { id: string }; payload?: { text?: string } }) => void): void };

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('WECHATY_PUPPET=wechaty-puppet-mock: the app starts the bot, asks over it, and a contact\'s reply reaches conversations', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  const { log, text } = captureLog();
  const env = { WECHATY_PUPPET: 'wechaty-puppet-mock', WECHATY_PUPPET_MOCK_TOKEN: 'puppet-secret-7f3a' };
  const app = await createApp({ dataDir, env, port: 0, host: '127.0.0.1', log, demo: 'off' });
  let stopped = false;
  t.after(async () => {
    if (!stopped) await app.stop();
  });
  await app.start();
  const bot = app.wechaty?.bot;
  assert.ok(bot, 'main built a wechaty bot');
  assert.ok(bot.puppet instanceof PuppetMock, 'with the puppet WECHATY_PUPPET names');
  const { mocker } = bot.puppet;

  mocker.scan('https://login.weixin.qq.com/l/test-qr', ScanStatus.Waiting);
  const self = mocker.createContact({ name: 'Bear Goods' });
  mocker.login(self);
  await until('login', () => bot.isLoggedIn);
  await until('the login logged', () => /wechaty: logged in/.test(text()));
  assert.match(text(), /scan the QR code.*test-qr|test-qr.*scan the QR code/);
  assert.doesNotMatch(text(), /puppet-secret-7f3a/, 'the token never reaches a log');

  const alice = mocker.createContact({ name: 'Alice' });
  const inbox: string[] = [];
  (alice as unknown as Listenable).on('message', (m) => {
    if (m.talker().id !== alice.id) inbox.push(m.payload?.text ?? m.text());
  });
  const service = app.domain.conversations.service;
  const c = await service.start({ orderId: 'A1', customer: { customerId: 'C-alice', wechatyId: alice.id, language: 'en' }, template: 'ask_stock', vars: { item: 'Blue Mug' }, deadlineMs: 3_600_000, defaultChoice: 'wait' });
  await until('the question over wechaty', () => inbox.length === 1);
  assert.match(inbox[0] ?? '', /Blue Mug.*A1/);
  assert.equal((await service.get(c.id))?.channel, 'wechaty');

  alice.say('2').to(self);
  await until('the decision', async () => (await service.get(c.id))?.state === 'decided');
  assert.equal((await service.get(c.id))?.decision, 'switch');
  assert.deepEqual((await service.transcript(c.id)).map((e) => [e.direction, e.channel, e.kind]), [
    ['out', 'wechaty', 'ask_stock'],
    ['in', 'wechaty', 'reply'],
    ['out', 'wechaty', 'decided'],
  ]);

  // The same bot is the wechaty notification channel.
  const channels = createCustomerChannels({ env: {}, settings: () => readDefaultSettings(), clock: new ManualClock(0), log, inbox: { push: () => undefined }, store: { findings: { raise: async () => false } }, wechaty: bot });
  const wechaty = channels.list.find((ch) => ch.name === 'wechaty');
  assert.ok(wechaty?.canReach({ customerId: 'C-alice', wechatyId: alice.id, language: 'en' }));

  let botStopped = false;
  bot.on('stop', () => void (botStopped = true));
  stopped = true;
  await app.stop();
  assert.equal(botStopped, true, 'stop stops the bot');
});

test('wechaty options follow wechaty\'s own variables; none without WECHATY_PUPPET; a bad puppet name is refused', () => {
  assert.equal(wechatyOptionsFromEnv({}, '/data'), undefined);
  assert.deepEqual(
    wechatyOptionsFromEnv({ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'tok', WECHATY_PUPPET_SERVICE_ENDPOINT: '10.0.0.2:8788', WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: 'true' }, '/data'),
    { puppet: 'wechaty-puppet-service', puppetOptions: { token: 'tok', endpoint: '10.0.0.2:8788', tls: { disable: true } }, name: join('/data', 'runtime', 'wechaty') },
  );
  assert.deepEqual(wechatyOptionsFromEnv({ WECHATY_PUPPET: 'wechaty-puppet-padlocal', WECHATY_PUPPET_PADLOCAL_TOKEN: 'p', WECHATY_NAME: 'shop' }, '/data'), {
    puppet: 'wechaty-puppet-padlocal',
    puppetOptions: { token: 'p' },
    name: join('/data', 'runtime', 'shop'),
  });
  assert.throws(() => wechatyOptionsFromEnv({ WECHATY_PUPPET: '../evil' }, '/data'), /WECHATY_PUPPET must name a wechaty puppet package/);
});
