import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, RetryableError } from '../../src/core/errors.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { Recipient } from '../../src/core/notify.ts';
import { ConversationService } from '../../src/conversations/service.ts';
import { describeOutcome, formatTranscript } from '../../src/conversations/texts.ts';
import { adaptCustomerNotification } from '../../src/conversations/wiring.ts';
import { HOUR, makeWorld, RecordingChat, stockQuestion, T0 } from './harness.ts';

const ana: Recipient = { customerId: 'c-ana', wechatyId: 'wx-ana', language: 'en', name: 'Ana' };
const li: Recipient = { customerId: 'c-li', openid: 'oLi', language: 'zh-CN' };

test('two unclear replies: one clarification with the options, then a handoff carrying the whole transcript', async (t) => {
  const chat = new RecordingChat();
  const w = await makeWorld(t, chat);
  const c = await w.service.start(stockQuestion(ana));
  assert.equal(c.state, 'asking');
  assert.equal(c.channel, 'wechaty');
  assert.equal(c.deadlineAt, T0 + 2 * HOUR);
  const first = await w.service.onReply('wx-ana', 'maybe?', { channel: 'wechaty' });
  assert.equal(first.kind, 'clarify');
  assert.equal(chat.said.get('wx-ana')?.[1], "Sorry, I didn't get that. Please reply with one of: 1 (wait for the restock), 2 (switch to a similar item), 3 (cancel the item)");
  w.clock.advance(60_000);
  const second = await w.service.onReply('wx-ana', 'what does that mean', { channel: 'wechaty' });
  assert.equal(second.kind, 'handed_off');
  assert.equal(chat.said.get('wx-ana')?.[2], 'Thanks! A member of our team will contact you about order SO1 shortly.');
  assert.equal(w.recorded.handoffs.length, 1);
  const h = w.recorded.handoffs[0];
  assert.equal(h?.conversation.state, 'handed_off');
  assert.deepEqual(h?.transcript.map((e) => [e.direction, e.kind, e.text.slice(0, 20)]), [
    ['out', 'ask_stock', 'Sorry, Blue Mug in y'],
    ['in', 'reply', 'maybe?'],
    ['out', 'clarify', "Sorry, I didn't get "],
    ['in', 'reply', 'what does that mean'],
    ['out', 'handoff', 'Thanks! A member of '],
  ]);
  assert.equal(h?.transcript[3]?.at, T0 + 60_000);
  assert.equal(w.recorded.decisions.length, 0);
  const lines = formatTranscript(h?.transcript ?? [], 'en', 'Asia/Shanghai');
  assert.equal(lines[1], '06/01, 10:00 ← customer (WeChat chat): maybe?');
  assert.equal(describeOutcome(h!.conversation, 'zh-CN'), '两次回复无法识别，已转人工');
  // Closed: a late reply starts nothing and hands off nothing again.
  assert.equal((await w.service.onReply('wx-ana', '1')).kind, 'no_conversation');
  assert.equal(w.recorded.handoffs.length, 1);
});

test('the deadline applies the default once and tells the customer; a later reply does not decide again', async (t) => {
  const chat = new RecordingChat();
  const w = await makeWorld(t, chat);
  const c = await w.service.start(stockQuestion(ana, 'SO2', { defaultChoice: 'cancel' }));
  w.clock.advance(2 * HOUR - 1);
  assert.deepEqual((await w.service.tick()).timedOut, []);
  w.clock.advance(1);
  const tick = await w.service.tick();
  assert.deepEqual(tick.timedOut.map((x) => [x.id, x.state, x.decision, x.decidedBy]), [[c.id, 'timed_out', 'cancel', 'default']]);
  assert.deepEqual(w.recorded.events.map((e) => e.kind), ['timed_out']);
  assert.deepEqual(w.recorded.decisions.map((d) => [d.conversation.id, d.choice]), [[c.id, 'cancel']]);
  assert.match(chat.said.get('wx-ana')?.at(-1) ?? '', /didn't hear back about order SO2.*cancel the item/);
  w.clock.advance(HOUR);
  assert.deepEqual((await w.service.tick()).timedOut, []);
  assert.equal((await w.service.onReply('wx-ana', '2')).kind, 'no_conversation');
  assert.equal(w.recorded.decisions.length, 1);
  assert.equal((await w.service.get(c.id))?.writeback, 'done');
});

test('a customer the chat cannot reach gets the question as a WeChat template message; the channel is recorded', async (t) => {
  const w = await makeWorld(t);
  const c = await w.service.start(stockQuestion(li, 'SO3'));
  assert.equal(c.channel, 'wechat_template');
  assert.deepEqual(w.recorded.templates.map((m) => [m.key, m.template, m.orderId, m.recipient.openid, m.vars.item, m.vars.taskId]), [[`conversation:${c.id}:ask_stock`, 'ask_stock', 'SO3', 'oLi', 'Blue Mug', '7']]);
  assert.deepEqual((await w.service.transcript(c.id)).map((e) => [e.channel, e.text]), [['wechat_template', '商品缺货 · 请回复1、2或3']]);
  // Replies that come back another way (the template's link) are read by customer id.
  const r = await w.service.onReply('c-li', '换');
  assert.equal(r.kind, 'decided');
  assert.deepEqual(w.recorded.decisions.map((d) => d.choice), ['switch']);
});

test('a chat failure falls back to the template; nobody reachable throws, and the question is sent by a later retry', async (t) => {
  const chat = new RecordingChat();
  const w = await makeWorld(t, chat);
  chat.failures.push(new RetryableError('wechaty.send_failed', 'down'));
  const c = await w.service.start(stockQuestion({ ...ana, openid: 'oAna' }));
  assert.equal(c.channel, 'wechat_template');
  const nobody: Recipient = { customerId: 'c-x', language: 'es' };
  await assert.rejects(w.service.start(stockQuestion(nobody, 'SO9')), (e: unknown) => e instanceof PermanentError && e.code === 'recipient.unreachable');
  const stuck = await w.service.repo.byKey('SO9:ask_stock:7');
  assert.equal(stuck?.deadlineAt, null, 'no deadline runs for a question never asked');
  w.clock.advance(10 * HOUR);
  assert.deepEqual((await w.service.tick()).timedOut.map((x) => x.orderId), ['SO1']);
  assert.equal((await w.service.get(stuck!.id))?.state, 'asking');
});

test('start is idempotent on its key; a second question to the same customer waits until the first is answered', async (t) => {
  const chat = new RecordingChat();
  const w = await makeWorld(t, chat);
  const a = await w.service.start(stockQuestion(ana, 'SO1'));
  const again = await w.service.start(stockQuestion(ana, 'SO1'));
  assert.equal(again.id, a.id);
  const b = await w.service.start({ orderId: 'SO4', customer: ana, template: 'ask_price', vars: { item: 'Lamp', oldAmount: '¥99', newAmount: '¥129' }, taskId: 8, deadlineMs: HOUR, defaultChoice: 'decline' });
  assert.equal(b.state, 'queued');
  assert.equal(chat.said.get('wx-ana')?.length, 1);
  w.clock.advance(5 * 60_000);
  assert.equal((await w.service.onReply('wx-ana', '1')).kind, 'decided');
  const asked = await w.service.get(b.id);
  assert.equal(asked?.state, 'asking');
  assert.equal(asked?.deadlineAt, T0 + 5 * 60_000 + HOUR);
  assert.match(chat.said.get('wx-ana')?.at(-1) ?? '', /price of Lamp in your order SO4 was corrected from ¥99 to ¥129/);
  const r = await w.service.onReply('wx-ana', 'Sí');
  assert.equal(r.kind, 'decided');
  assert.deepEqual(w.recorded.decisions.map((d) => [d.conversation.orderId, d.conversation.taskId, d.choice]), [['SO1', 7, 'wait'], ['SO4', 8, 'accept']]);
});

test('a failed write-back keeps the decision and is retried by the tick, once', async (t) => {
  const w = await makeWorld(t);
  w.recorded.decideFailures.push(new RetryableError('erp.down', 'ERP unavailable'));
  const c = await w.service.start(stockQuestion(ana));
  const r = await w.service.onReply('wx-ana', '3');
  assert.equal(r.kind, 'decided');
  assert.equal((await w.service.get(c.id))?.writeback, 'pending');
  assert.deepEqual(w.recorded.events.map((e) => e.kind), ['writeback_failed']);
  assert.equal((await w.service.tick()).retried, 1);
  assert.equal((await w.service.tick()).retried, 0);
  assert.deepEqual(w.recorded.decisions.map((d) => d.choice), ['cancel']);
});

test('requestCustomerNotification adapter: ask_* templates start conversations, others go to the fallback', async (t) => {
  const w = await makeWorld(t);
  const passed: string[] = [];
  const request = adaptCustomerNotification({
    service: w.service,
    findCustomer: async (orderId) => (orderId === 'SO1' ? ana : undefined),
    deadlineMs: () => HOUR,
    defaultChoice: () => 'wait',
    fallback: async (orderId, template) => void passed.push(`${orderId} ${template}`),
  });
  await request('SO1', 'ask_stock', { item: 'Blue Mug', taskId: 12 });
  await request('SO1', 'ask_stock', { item: 'Blue Mug', taskId: 12 });
  await request('SO1', 'shipped', {});
  await assert.rejects(request('SO404', 'ask_stock', { item: 'x' }), (e: unknown) => e instanceof PermanentError && e.code === 'conversation.no_customer');
  assert.deepEqual(passed, ['SO1 shipped']);
  const [c] = await w.service.forTask(12);
  assert.equal(c?.key, 'SO1:ask_stock:12');
  assert.equal((await w.service.transcript(c.id)).length, 1, 'asked once');
});

test('two processes answering at once decide once: the state change is guarded in SQL, not only in memory', async (t) => {
  const w = await makeWorld(t);
  const other = new ConversationService({ db: w.store.db, ports: w.ports, clock: w.clock, log: createSilentLogger() });
  const c = await w.service.start(stockQuestion(ana));
  const results = await Promise.all([w.service.onReply('wx-ana', '1'), other.onReply('wx-ana', '3'), other.tick(T0 + 3 * HOUR)]);
  assert.equal(w.recorded.decisions.length, 1);
  const final = await w.service.get(c.id);
  assert.deepEqual(w.recorded.decisions.map((d) => d.choice), [final?.decision]);
  assert.equal(results.filter((r) => 'kind' in r && r.kind === 'decided').length + (results[2]?.timedOut.length ?? 0), 1);
});
