import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notifyCommand } from '../../commands/notify.ts';
import type { Card } from '../../src/core/card.ts';
import type { Outbound } from '../../src/core/chat.ts';
import type { CommandContext, Role } from '../../src/core/command.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import type { NotifyAuditEntry, NotifyBotServices } from '../../src/notify/index.ts';
import { stableMessageId } from '../../src/notify/channels/message-key.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';
import { enqueueMessage } from '../../src/notify/outbox.ts';
import { CUSTOMERS, notifyWorld, outboxRows, type NotifyWorld } from './dispatcher-harness.ts';

async function run(w: NotifyWorld, args: Record<string, string | undefined>, opts: { lang?: string; role?: Role; services?: NotifyBotServices } = {}) {
  const out = { replies: [] as Outbound[], ephemerals: [] as Outbound[] };
  const lang = opts.lang ?? 'en';
  const ctx: CommandContext<NotifyBotServices> = {
    t: getT(lang, 'bot'),
    locale: lang,
    actor: { platform: 'console', userId: 'mei', name: 'Mei' },
    role: opts.role ?? 'agent',
    place: { platform: 'console', channelId: 'ops' },
    args,
    reply: async (c) => void out.replies.push(c),
    ephemeral: async (c) => void out.ephemerals.push(c),
    postTracked: async () => undefined,
    catalog: [],
    services: opts.services ?? { notify: w.notifier.desk },
  };
  await notifyCommand.handler(ctx);
  return out;
}

const onlyCard = (out: Outbound[]): Card => {
  assert.equal(out.length, 1);
  assert.equal(typeof out[0], 'object');
  return out[0] as Card;
};

function noLeaks(c: Card, where: string): void {
  assertNoKeyLeaks(c, where);
  assert.doesNotMatch(cardText(c), /notify:|\bpreview\.|\{\{/, where);
}

test('/notify is an agent command with texts in every language', () => {
  assert.equal(notifyCommand.role, 'agent');
  for (const lang of SUPPORTED_LANGUAGES) {
    const t = getT(lang, 'notify');
    assert.notEqual(t('preview.title', { order: 'A', status: 'B' }), 'preview.title', lang);
  }
});

test('/notify preview shows each channel of the chain with its exact text, masked contacts and the quiet-hours verdict', async (t) => {
  const w = await notifyWorld(t);
  await w.commit([{ orderId: 'P1', status: 'paid', customer: CUSTOMERS.li, amount: 88.5, currency: 'CNY' }]);
  const card = onlyCard((await run(w, { action: 'preview', order: '#P1', status: 'refunded' })).replies);
  noLeaks(card, 'preview');
  const text = cardText(card);
  assert.match(text, /Preview: refunded for order P1/i);
  assert.match(text, /李娜 \(C-LI\)/);
  assert.match(text, /zh-CN \(from the order data\)/);
  assert.match(text, /Not quiet hours/);
  assert.match(text, /\*\*1\. WeChat template message\*\* \(sent here first\) → oLiNa0…/);
  assert.match(text, /`character_string1`: P1\n`thing2`: .+\n`thing3`: 已退款\n`time4`: 2026-06-01 20:30/);
  assert.match(text, /\*\*3\. SMS\*\* \(fallback\) → \+86138\*\*\*\*5678\n> 【Bear Goods】.*P1.*¥88\.50/);
  assert.match(text, /\*\*4\. Email\*\* \(not configured\)/);
  assert.doesNotMatch(text, /13812345678/, 'the phone number is masked');
  assert.equal(w.wechat.sendCalls + w.sms.calls, 0, 'a preview sends nothing');

  const es = cardText(onlyCard((await run(w, { action: 'preview', order: 'P1', status: 'shipped', lang: 'es' }, { lang: 'zh-CN' })).replies));
  assert.match(es, /es（按指定）/);
  assert.match(es, /> \[Bear Goods\] Tu pedido P1/);
});

test('/notify preview at night says until when it would wait; opted-out and unreachable customers are flagged', async (t) => {
  const w = await notifyWorld(t, { start: Date.UTC(2026, 5, 1, 15) });
  await w.commit([
    { orderId: 'N1', status: 'shipped', customer: CUSTOMERS.li },
    { orderId: 'N2', status: 'shipped', customer: { id: 'C-X', name: 'X' } },
  ]);
  const night = cardText(onlyCard((await run(w, { action: 'preview', order: 'N1', status: 'shipped' })).replies));
  assert.match(night, /Quiet now in the customer's zone: it would wait until Jun 2, 2026, 08:00/);
  assert.match(cardText(onlyCard((await run(w, { action: 'preview', order: 'N1', status: 'out_for_delivery' })).replies)), /Urgent: it goes out even in quiet hours/);
  assert.match(cardText(onlyCard((await run(w, { action: 'preview', order: 'N2', status: 'shipped' })).replies)), /No configured channel can reach this customer/);
  await w.notifier.handleCustomerReply('C-LI', 'TD');
  const out = onlyCard((await run(w, { action: 'preview', order: 'N1', status: 'shipped' })).replies);
  assert.equal(out.header?.severity, 'warning');
  assert.match(cardText(out), /opted out/);
});

test('/notify preview explains what is wrong with its arguments', async (t) => {
  const w = await notifyWorld(t);
  await w.commit([{ orderId: 'P2', status: 'paid', customer: CUSTOMERS.ann }]);
  const said = async (args: Record<string, string | undefined>) => {
    const out = await run(w, { action: 'preview', ...args });
    assert.equal(out.replies.length, 0);
    return String(out.ephemerals[0]);
  };
  assert.match(await said({ order: 'P2' }), /Which status\?/);
  assert.match(await said({ order: 'P2', status: 'teleported' }), /“teleported” is not an order status/);
  assert.match(await said({ order: 'P2', status: 'paid', lang: 'fr' }), /“fr” is not a language/);
  assert.match(await said({ order: 'NOPE', status: 'paid' }), /No order NOPE/);
});

test('/notify resend queues the latest status under a new key, audited, and it is sent again', async (t) => {
  const audit: NotifyAuditEntry[] = [];
  const w = await notifyWorld(t);
  const notifier = w.another({ audit: (e) => void audit.push(e) });
  await w.commit([{ orderId: 'RS1', status: 'shipped', customer: CUSTOMERS.li }]);
  await notifier.drain();
  const first = await run(w, { action: 'resend', order: 'RS1' }, { services: { notify: notifier.desk } });
  assert.match(String(first.replies[0]), /Order RS1: “Shipped” queued again under the new key RS1:shipped:shipped#resend-1 \(resend #1\)/);
  assert.deepEqual(audit, [{ actor: 'console:mei', type: 'notify', subject: 'order:RS1', action: 'resend', data: { key: 'RS1:shipped:shipped#resend-1', status: 'shipped', template: 'shipped', customerId: 'C-LI', name: 'Mei' } }]);
  await run(w, { action: 'resend', order: 'RS1' }, { services: { notify: notifier.desk } });
  await notifier.drain();
  assert.deepEqual(
    w.wechat.delivered.map((d) => d.clientMsgId),
    ['RS1:shipped:shipped', stableMessageId('RS1:shipped:shipped#resend-1'), stableMessageId('RS1:shipped:shipped#resend-2')],
  );
  assert.deepEqual((await outboxRows(w.store)).map((r) => r.state), ['sent', 'sent', 'sent']);

  await w.commit([{ orderId: 'RS2', status: 'picking', customer: CUSTOMERS.ann }]);
  assert.match(String((await run(w, { action: 'resend', order: 'RS2' })).ephemerals[0]), /no status customers are told about/);
  await w.notifier.handleCustomerReply('C-LI', 'STOP');
  assert.match(String((await run(w, { action: 'resend', order: 'RS1' })).ephemerals[0]), /opted out/);
  assert.equal(audit.length, 2);
});

test('a resend of one named message (an undeliverable task) queues that message, not the latest status, under a new key', async (t) => {
  const w = await notifyWorld(t, { channels: ['console'] });
  await w.commit([{ orderId: 'RK1', status: 'shipped', customer: CUSTOMERS.li }]);
  await enqueueMessage(w.store.db, { key: 'RK1:shipped:stock_delay', orderId: 'RK1', status: 'shipped', customerId: 'C-LI', template: 'stock_delay', vars: { items: 'SKU-1×1' }, urgent: false }, w.clock.now());
  const actor = { key: 'console:mei', name: 'Mei' };
  const first = await w.notifier.desk.resend('RK1', actor, { key: 'RK1:shipped:stock_delay' });
  assert.deepEqual(first, { ok: true, key: 'RK1:shipped:stock_delay#resend-1', status: 'shipped', template: 'stock_delay', customerId: 'C-LI', n: 1 });
  // The resend of a resend is the same message again: numbered on from the original key.
  const second = await w.notifier.desk.resend('RK1', actor, { key: 'RK1:shipped:stock_delay#resend-1' });
  assert.equal(second.ok && second.key, 'RK1:shipped:stock_delay#resend-2');
  const vars = await w.store.db.all<{ vars: string }>("SELECT vars FROM notify_outbox WHERE template = 'stock_delay' ORDER BY id");
  assert.deepEqual(vars.map((v) => JSON.parse(v.vars)), [{ items: 'SKU-1×1' }, { items: 'SKU-1×1' }, { items: 'SKU-1×1' }]);
  assert.deepEqual(await w.notifier.desk.resend('RK1', actor, { key: 'RK1:paid:paid' }), { ok: false, reason: 'message_not_found' });
  assert.deepEqual(await w.notifier.desk.resend('RK1', actor, { key: 'OTHER:shipped:shipped' }), { ok: false, reason: 'message_not_found' });
});
