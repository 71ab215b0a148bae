// A stock shortage end to end through the real domain: task → "contact customer" → the customer is asked
// (in their language) → answers → the decision is written back to the order and shown on the original task card,
// every copy in its reader's language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskCardKey } from '../../cards/task.ts';
import { PermanentError, RetryableError } from '../../src/core/errors.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';
import { makeConversationDomain, type ConversationDomainWorld } from './conversation-world.ts';

async function taskCopies(w: ConversationDomainWorld, taskId: number): Promise<Record<string, string>> {
  const copies = await w.copies(taskCardKey(taskId));
  assert.deepEqual(copies.map((c) => c.channelId).sort(), ['alice', 'lucia', 'ops'], 'the three copies of the task card, updated in place');
  for (const c of copies) assertNoKeyLeaks(c.card, c.channelId);
  return Object.fromEntries(copies.map((c) => [c.channelId, cardText(c.card)]));
}

test('stock shortage: the customer\'s "cancel" goes to every system that takes writes and onto the original task card', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await w.askedTask();
  assert.match(w.said[0]?.text ?? '', /S1/);
  assert.match(w.said[0]?.text ?? '', /esperar|cambiar|cancelar/i, 'in Spanish, with the options');

  const reply = await w.domain.conversations.service.onReply('C-es', '3');
  assert.equal(reply.kind, 'decided', JSON.stringify(reply));
  assert.deepEqual([w.storefront.pushes, w.wms.pushes], [['S1 cancelled'], ['S1 cancelled']]);
  const text = await taskCopies(w, task.id);
  assert.match(text.ops ?? '', /顾客：选择取消——已在 storefront, wms 取消。/);
  assert.match(text.ops ?? '', /erp：不接受我们的状态修改，请在该系统中手动取消/);
  assert.match(text.lucia ?? '', /Cliente: eligió cancelar — cancelado en storefront, wms\./);
  assert.match(text.alice ?? '', /Customer: chose to cancel — cancelled in storefront, wms\./);
  assert.match(text.alice ?? '', /storefront: cancelled/);
  assert.equal(w.cardsIn('ops').length, 1, 'no separate decision card: the task card carries it');
  const notes = await w.domain.tasks.notes(task.id);
  assert.deepEqual(notes.map((n) => [n.who, n.key, n.ref, n.tone]), [['customer', 'cancelled', `conversation:${reply.kind === 'decided' ? reply.conversation.id : 0}`, 'attention']]);
  const audit = await w.domain.audit.recent({ subject: `task:${task.id}` });
  assert.ok(audit.some((a) => a.type === 'note' && a.actor === 'customer:C-es' && a.data.key === 'cancelled'), 'the note is audited');

  const again = await w.domain.conversations.service.onReply('C-es', '1');
  assert.notEqual(again.kind, 'decided', 'decided once; a later reply does not decide again');
  assert.equal(w.storefront.pushes.length, 1);
  assert.equal((await w.domain.tasks.notes(task.id)).length, 1);
});

test('a cancel that fails on a system shows on the task card; a retryable failure is tried again and the note replaced', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await w.askedTask();
  w.wms.failures = [new RetryableError('wms.timeout', 'wms timed out')];
  const reply = await w.domain.conversations.service.onReply('C-es', 'cancelar');
  assert.equal(reply.kind, 'decided');
  const id = reply.kind === 'decided' ? reply.conversation.id : 0;
  let text = await taskCopies(w, task.id);
  assert.match(text.alice ?? '', /\*\*.*Customer: chose to cancel; it did not go through everywhere yet and is tried again every minute:\*\*/);
  assert.match(text.alice ?? '', /wms: not cancelled: .*wms timed out/);
  assert.match(text.ops ?? '', /wms：未能取消：/);
  assert.equal((await w.domain.conversations.service.get(id))?.writeback, 'pending', 'the conversation tick tries again');

  const tick = await w.domain.conversations.service.tick();
  assert.equal(tick.retried, 1);
  assert.deepEqual(w.wms.pushes, ['S1 cancelled']);
  text = await taskCopies(w, task.id);
  assert.match(text.alice ?? '', /Customer: chose to cancel — cancelled in storefront, wms\./);
  assert.doesNotMatch(text.alice ?? '', /not cancelled/);
  assert.equal((await w.domain.tasks.notes(task.id)).length, 1, 'replaced, not repeated');
  assert.equal((await w.domain.conversations.service.get(id))?.writeback, 'done');
});

test('a cancel a system refuses for good is shown for a person to finish, and not retried', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await w.askedTask();
  w.wms.failures = [new PermanentError('wms.rejected', 'order already packed')];
  const reply = await w.domain.conversations.service.onReply('C-es', '3');
  assert.equal(reply.kind, 'decided');
  const text = await taskCopies(w, task.id);
  assert.match(text.lucia ?? '', /Cliente: eligió cancelar, pero la cancelación no se completó en todas partes\. Una persona debe terminarla:/);
  assert.match(text.lucia ?? '', /wms: no cancelado: .*order already packed/);
  assert.match(text.lucia ?? '', /storefront: cancelado/);
  assert.equal((await w.domain.conversations.service.get(reply.kind === 'decided' ? reply.conversation.id : 0))?.writeback, 'done');
  assert.equal((await w.domain.conversations.service.tick()).retried, 0);
  assert.deepEqual(w.wms.pushes, []);
});

test('"switch" asks staff to pick an item and "wait" changes nothing; both on the task card, no push', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await w.askedTask();
  assert.equal((await w.domain.conversations.service.onReply('C-es', '2')).kind, 'decided');
  const text = await taskCopies(w, task.id);
  assert.match(text.ops ?? '', /\*\*.*顾客：希望更换同类商品。需要有人挑选商品并告知顾客。\*\*/);
  assert.match(text.alice ?? '', /Customer: wants to switch to a similar item\. A person must pick one and tell the customer\./);
  assert.deepEqual([w.storefront.pushes, w.wms.pushes], [[], []]);

  const w2 = await makeConversationDomain(t);
  const task2 = await w2.askedTask();
  assert.equal((await w2.domain.conversations.service.onReply('C-es', 'esperar')).kind, 'decided');
  const text2 = await taskCopies(w2, task2.id);
  assert.match(text2.lucia ?? '', /Cliente: esperará a que vuelva el stock; no se cambió nada\./);
  assert.doesNotMatch(text2.lucia ?? '', /\*\*.*Cliente/, 'nothing for a person to do: not in bold');
  assert.deepEqual([w2.storefront.pushes, w2.wms.pushes], [[], []]);
});

test('no answer by the deadline: orderops notes the default it applied on the task card', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await w.askedTask();
  w.clock.advance(25 * 3_600_000);
  const tick = await w.domain.conversations.service.tick();
  assert.equal(tick.timedOut.length, 1);
  const text = await taskCopies(w, task.id);
  assert.match(text.alice ?? '', /orderops: no answer by the deadline; applied the default “wait for the restock”\./);
  assert.match(text.ops ?? '', /orderops：截止时间前未回复；已采用默认选项「等待到货」。/);
});

test('two unclear answers: the handoff with its transcript is a note on the task card; a long one also gets its own card', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await w.askedTask();
  assert.equal((await w.domain.conversations.service.onReply('C-es', 'mmm')).kind, 'clarify');
  assert.equal((await w.domain.conversations.service.onReply('C-es', '¿qué? llamadme al +34 612345678')).kind, 'handed_off');
  const text = await taskCopies(w, task.id);
  assert.match(text.alice ?? '', /\*\*.*orderops: The customer's answers were unclear twice\. A person must contact them and take over\. The conversation:\*\*/);
  assert.match(text.alice ?? '', /→ customer \(WeChat chat\): Lo sentimos/);
  assert.match(text.alice ?? '', /← customer \(reply\): mmm/);
  assert.match(text.lucia ?? '', /← cliente \(respuesta\): ¿qué\? llamadme al \+34 \*+5678$/m, 'phone numbers masked like the rest of the task card');
  assert.match(text.ops ?? '', /→ 顾客（微信聊天）：/);
  assert.equal(w.cardsIn('ops').length, 1, 'the task card holds the whole transcript: no separate card');

  const w2 = await makeConversationDomain(t);
  const task2 = await w2.askedTask();
  await w2.domain.conversations.service.onReply('C-es', 'x'.repeat(500));
  assert.equal((await w2.domain.conversations.service.onReply('C-es', '???')).kind, 'handed_off');
  const text2 = await taskCopies(w2, task2.id);
  assert.match(text2.alice ?? '', /the whole transcript is on its own card/);
  assert.match(text2.alice ?? '', /: x{199}…/, 'the long reply is clipped on the task card');
  const own = w2.cardsIn('ops').filter((c) => c.header?.severity === 'warning' && /S1/.test(c.header.title));
  assert.equal(own.length, 1, 'the transcript card');
  assert.ok(cardText(own[0] ?? { elements: [], fallbackText: '' }).includes('x'.repeat(500)), 'with the whole reply');
});

test('a conversation no task started still gets a card of its own, with what the cancel did', async (t) => {
  const w = await makeConversationDomain(t);
  const c = await w.domain.conversations.service.start({ orderId: 'S1', customer: { customerId: 'C-es', language: 'es' }, template: 'ask_stock', vars: { item: 'SKU-9' }, deadlineMs: 3_600_000, defaultChoice: 'wait' });
  assert.equal(c.taskId, null);
  assert.equal((await w.domain.conversations.service.onReply('C-es', '3')).kind, 'decided');
  const cards = w.cardsIn('ops');
  assert.equal(cards.length, 1);
  assert.match(cards[0]?.header?.title ?? '', /顾客选择：取消/);
  assert.match(cardText(cards[0] ?? { elements: [], fallbackText: '' }), /storefront：已取消/);
  assert.deepEqual(w.wms.pushes, ['S1 cancelled']);
});
