import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { WechatyBuilder } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { PermanentError, RetryableError } from '../../../src/core/errors.ts';
import type { CustomerMessage } from '../../../src/core/notify.ts';
import { createWechatyChannel, onCustomerReply, type CustomerReply } from '../../../src/notify/channels/wechaty.ts';
import { captureLog } from './log-capture.ts';

// The mock contact's type lacks `.on()` under NodeNext although it exists at runtime (TOOLCHAIN.md).
type Listenable = { on(event: 'message', cb: (m: { text(): string; payload?: { text?: string } }) => void): void };

async function setup(t: TestContext) {
  const mocker = new mock.Mocker();
  const bot = WechatyBuilder.build({ puppet: new PuppetMock({ mocker }) });
  const botErrors: unknown[] = [];
  bot.on('error', (e) => void botErrors.push(e));
  await bot.start();
  t.after(() => bot.stop());
  const self = mocker.createContact({ name: 'Bear Goods' });
  const alice = mocker.createContact({ name: 'Alice' });
  const twinA = mocker.createContact({ name: 'Wang' });
  const twinB = mocker.createContact({ name: 'Wang' });
  mocker.login(self);
  const inbox = new Map<string, string[]>();
  for (const c of [alice, twinA, twinB]) {
    inbox.set(c.id, []);
    (c as unknown as Listenable).on('message', (m) => inbox.get(c.id)?.push(m.payload?.text ?? m.text()));
  }
  const logs = captureLog();
  return { mocker, bot, self, alice, twinA, inbox, botErrors, logs, channel: createWechatyChannel({ bot, log: logs.log }) };
}

const msg = (wechatyId: string | undefined, over: Partial<CustomerMessage> = {}): CustomerMessage => ({
  key: 'order:SO1:shipped',
  orderId: 'SO1',
  template: 'shipped',
  vars: {},
  urgent: false,
  recipient: { customerId: 'c1', wechatyId, language: 'zh-CN' },
  ...over,
});

const settle = () => new Promise((r) => setTimeout(r, 20));

test('finds the contact by id or by name and says the chat text in the customer language', async (t) => {
  const { channel, alice, inbox, botErrors } = await setup(t);
  const receipt = await channel.send(msg(alice.id));
  assert.equal(receipt.channel, 'wechaty');
  await channel.send(msg('Alice', { template: 'paid', recipient: { customerId: 'c1', wechatyId: 'Alice', language: 'en' } }));
  await settle();
  assert.deepEqual(inbox.get(alice.id), ['您的订单SO1已发货，正在向您飞奔而来！', "Payment received for your order SO1. We're getting it ready."]);
  assert.deepEqual(botErrors, []);
});

test('an unknown contact is recipient.unreachable (without a bot error event); an ambiguous name is never guessed', async (t) => {
  const { channel, inbox, botErrors } = await setup(t);
  await assert.rejects(channel.send(msg('no-such-contact')), (e: unknown) => e instanceof PermanentError && e.code === 'recipient.unreachable');
  await assert.rejects(channel.send(msg('Wang')), (e: unknown) => e instanceof PermanentError && e.code === 'recipient.ambiguous');
  await settle();
  assert.deepEqual([...inbox.values()].flat(), []);
  assert.deepEqual(botErrors, []);
});

test('canReach needs a wechatyId and a logged-in bot; a logged-out bot is retryable', async (t) => {
  const { channel, bot, alice } = await setup(t);
  assert.equal(channel.canReach({ customerId: 'c', language: 'en' }), false);
  assert.equal(channel.canReach({ customerId: 'c', wechatyId: alice.id, language: 'en' }), true);
  await assert.rejects(channel.send(msg(undefined)), (e: unknown) => e instanceof PermanentError && e.code === 'recipient.unreachable');
  await bot.logout();
  assert.equal(channel.canReach({ customerId: 'c', wechatyId: alice.id, language: 'en' }), false);
  await assert.rejects(channel.send(msg(alice.id)), (e: unknown) => e instanceof RetryableError && e.code === 'wechaty.logged_out');
});

test('onCustomerReply turns one-to-one texts from people into { contactId, name, text } and can unsubscribe', async (t) => {
  const { bot, self, alice, mocker, logs } = await setup(t);
  const replies: CustomerReply[] = [];
  const off = onCustomerReply(bot, (r) => void replies.push(r), logs.log);
  const room = mocker.createRoom({ memberIdList: [alice.id, self.id] });
  alice.say(' 2 ').to(self);
  alice.say('in a room').to(room);
  await settle();
  off();
  alice.say('after unsubscribe').to(self);
  await settle();
  assert.deepEqual(replies, [{ contactId: alice.id, name: 'Alice', text: '2' }]);
});

test('a failing reply handler is logged, not thrown into the bot', async (t) => {
  const { bot, self, alice, logs, botErrors } = await setup(t);
  onCustomerReply(bot, () => Promise.reject(new Error('conversation store down')), logs.log);
  alice.say('1').to(self);
  await settle();
  assert.match(logs.text(), /conversation store down/);
  assert.deepEqual(botErrors, []);
});
