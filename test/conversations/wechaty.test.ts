import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { WechatyBuilder } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { Language } from '../../src/core/i18n.ts';
import type { Recipient } from '../../src/core/notify.ts';
import { createWechatyChat, routeWechatyReplies } from '../../src/conversations/wechaty-chat.ts';
import type { ReplyResult } from '../../src/conversations/service.ts';
import { makeWorld, stockQuestion } from './harness.ts';

// The mock contact's type lacks `.on()` under NodeNext although it exists at runtime (TOOLCHAIN.md).
// The mock emits a message on its talker too: the inbox keeps only what others said to the contact.
type Listenable = { on(event: 'message', cb: (m: { text(): string; talker(): { id: string }; payload?: { text?: string } }) => void): void };

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function setup(t: TestContext) {
  const mocker = new mock.Mocker();
  const bot = WechatyBuilder.build({ puppet: new PuppetMock({ mocker }) });
  const botErrors: unknown[] = [];
  bot.on('error', (e) => void botErrors.push(e));
  await bot.start();
  t.after(() => bot.stop());
  const self = mocker.createContact({ name: 'Bear Goods' });
  mocker.login(self);
  const log = createSilentLogger();
  const w = await makeWorld(t, createWechatyChat(bot, log));
  const results: ReplyResult[] = [];
  const off = routeWechatyReplies(bot, w.service, log, (r) => void results.push(r));
  t.after(off);
  const customer = (name: string, language: Language) => {
    const contact = mocker.createContact({ name });
    const inbox: string[] = [];
    (contact as unknown as Listenable).on('message', (m) => {
      if (m.talker().id !== contact.id) inbox.push(m.payload?.text ?? m.text());
    });
    const recipient: Recipient = { customerId: `c-${name}`, wechatyId: contact.id, language };
    return { contact, inbox, recipient, reply: (text: string) => contact.say(text).to(self) };
  };
  return { w, bot, botErrors, results, customer };
}

const ASKS: Record<Language, string> = {
  'zh-CN': '抱歉，订单SO-zh中的Blue Mug暂时缺货。请回复：1 等待到货，2 更换同类商品，3 取消该商品。',
  en: 'Sorry, Blue Mug in your order SO-en is out of stock. Reply 1 to wait for the restock, 2 to switch to a similar item, or 3 to cancel it.',
  es: 'Lo sentimos: Blue Mug de tu pedido SO-es está agotado. Responde 1 para esperar a que vuelva, 2 para cambiarlo por un artículo similar o 3 para cancelarlo.',
};

test('over wechaty: each customer is asked in their language, answers "2" / "换" / "cambiar", and the decision is written back once', async (t) => {
  const { w, results, customer, botErrors } = await setup(t);
  const people = [
    { ...customer('Wang', 'zh-CN'), answer: '换', lang: 'zh-CN' as const, order: 'SO-zh' },
    { ...customer('Alice', 'en'), answer: '2', lang: 'en' as const, order: 'SO-en' },
    { ...customer('Lucia', 'es'), answer: '¡Cambiar!', lang: 'es' as const, order: 'SO-es' },
  ];
  const ids: number[] = [];
  for (const p of people) ids.push((await w.service.start(stockQuestion(p.recipient, p.order))).id);
  await until('three questions', () => people.every((p) => p.inbox.length === 1));
  for (const p of people) assert.deepEqual(p.inbox, [ASKS[p.lang]]);
  for (const p of people) p.reply(p.answer);
  await until('three decisions', () => w.recorded.decisions.length === 3);
  assert.deepEqual(w.recorded.decisions.map((d) => [d.conversation.orderId, d.conversation.state, d.choice]).sort(), [
    ['SO-en', 'decided', 'switch'],
    ['SO-es', 'decided', 'switch'],
    ['SO-zh', 'decided', 'switch'],
  ]);
  await until('confirmations', () => people.every((p) => p.inbox.length === 2));
  assert.equal(people[0]?.inbox[1], '谢谢！已记录您对订单SO-zh的选择：更换同类商品。');
  const transcript = await w.service.transcript(ids[2] ?? 0);
  assert.deepEqual(transcript.map((e) => [e.direction, e.channel, e.kind, e.text]), [
    ['out', 'wechaty', 'ask_stock', ASKS.es],
    ['in', 'wechaty', 'reply', '¡Cambiar!'],
    ['out', 'wechaty', 'decided', '¡Gracias! Hemos anotado tu respuesta para el pedido SO-es: cambiarlo por uno similar.'],
  ]);
  // The same answer again: the conversation is closed, nothing is decided twice.
  people[1]?.reply('2');
  await until('the repeat reply', () => results.length === 4);
  assert.equal(results[3]?.kind, 'no_conversation');
  assert.equal(w.recorded.decisions.length, 3);
  assert.deepEqual(botErrors, []);
});

test('over wechaty: "TD" opts the customer out through the notifier and does not advance the conversation', async (t) => {
  const { w, results, customer } = await setup(t);
  const alice = customer('Alice', 'en');
  const c = await w.service.start(stockQuestion(alice.recipient));
  await until('the question', () => alice.inbox.length === 1);
  alice.reply('TD');
  await until('the opt-out', () => results.length === 1);
  assert.equal(results[0]?.kind, 'opt');
  assert.equal((await w.notifier.prefs.profile('c-Alice')).optedOut, true);
  const after = await w.service.get(c.id);
  assert.equal(after?.state, 'asking');
  assert.equal(after?.clarifications, 0);
  assert.equal(after?.optedOut, true);
  await until('the opt-out confirmation', () => alice.inbox.length === 2);
  assert.match(alice.inbox[1] ?? '', /won't get order updates/);
  assert.equal(w.recorded.decisions.length, 0);
  // The question is still open: a real answer decides it.
  alice.reply('1');
  await until('the decision', () => w.recorded.decisions.length === 1);
  assert.equal(w.recorded.decisions[0]?.choice, 'wait');
  assert.deepEqual((await w.service.transcript(c.id)).map((e) => e.kind), ['ask_stock', 'opt_out', 'optout_done', 'reply', 'decided']);
});
