// A price correction end to end through the real domain: price task → "ask the customer" → the customer is asked
// (in Spanish) to accept the corrected amount → "1" writes the amount to every system that differs (the price
// task's own executor), "2" cancels the order as the question said; either way the answer is a note on the task card.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskCardKey } from '../../cards/task.ts';
import type { Task } from '../../src/tasks/types.ts';
import { cardText } from '../cards/helpers.ts';
import { makeConversationDomain, type ConversationDomainWorld } from './conversation-world.ts';

// The storefront and the WMS say 80 EUR; the ERP and the items' sum say 95: the customer paid 80.
async function askedPriceTask(w: ConversationDomainWorld): Promise<Task> {
  const task = await w.domain.tasks.onFinding({
    kind: 'price',
    fingerprint: 'price:S1',
    source: 'storefront',
    orderId: 'S1',
    details: {
      amounts: [
        { system: 'erp', amount: 95, currency: 'EUR' },
        { system: 'storefront', amount: 80, currency: 'EUR' },
        { system: 'wms', amount: 80, currency: 'EUR' },
      ],
      expected: 95,
      deviationPercent: 15.79,
    },
  });
  assert.ok(task);
  assert.deepEqual(task.choices, ['apply', 'ask', 'keep']);
  const outcome = await w.domain.tasks.approve(task.id, { key: 'console:ana', name: 'Ana', role: 'approver' }, 'ask');
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  assert.equal((await w.domain.tasks.get(task.id))?.state, 'done', 'asking is the decision; the answer comes as a note');
  assert.equal(w.said.length, 1, 'the customer was asked once');
  return task;
}

async function opsCard(w: ConversationDomainWorld, taskId: number): Promise<string> {
  const copies = await w.copies(taskCardKey(taskId));
  const ops = copies.find((c) => c.channelId === 'ops');
  assert.ok(ops, 'the task card is on the ops channel');
  return cardText(ops.card);
}

test('price: the customer accepts → the corrected amount is written where it differed, and noted on the task card', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await askedPriceTask(w);
  const question = w.said[0]?.text ?? '';
  assert.match(question, /S1/);
  assert.match(question, /80\.00 EUR/);
  assert.match(question, /95\.00 EUR/);

  const reply = await w.domain.conversations.service.onReply('C-es', '1');
  assert.equal(reply.kind, 'decided', JSON.stringify(reply));
  assert.deepEqual([w.storefront.priceWrites, w.wms.priceWrites], [['S1 95 EUR'], ['S1 95 EUR']], 'the ERP already had 95');
  assert.deepEqual([w.storefront.pushes, w.wms.pushes], [[], []], 'nothing cancelled');
  const notes = await w.domain.tasks.notes(task.id);
  assert.deepEqual(notes.map((n) => [n.who, n.key, n.tone]), [['customer', 'accepted', 'info']]);
  assert.deepEqual(notes[0]?.lines.map((l) => l.key), ['result.priced', 'result.priced']);
  const text = await opsCard(w, task.id);
  assert.match(text, /接受了更正后的价格——已在 storefront, wms 中修改金额。/);
  assert.match(text, /storefront：金额已改为 €95\.00/);
});

test('price: the customer declines → the order is cancelled everywhere it can be, and noted on the task card', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await askedPriceTask(w);
  const reply = await w.domain.conversations.service.onReply('C-es', '2');
  assert.equal(reply.kind, 'decided', JSON.stringify(reply));
  assert.deepEqual([w.storefront.pushes, w.wms.pushes], [['S1 cancelled'], ['S1 cancelled']]);
  assert.deepEqual([w.storefront.priceWrites, w.wms.priceWrites], [[], []], 'no amount written');
  const notes = await w.domain.tasks.notes(task.id);
  assert.deepEqual(notes.map((n) => [n.who, n.key]), [['customer', 'declined']]);
  assert.match(await opsCard(w, task.id), /拒绝了更正后的价格——订单已在 storefront, wms 中取消。/);
});

test('price: a failed amount write is shown for a person on the task card', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await askedPriceTask(w);
  w.storefront.failures = [new Error('storefront refused the amount')];
  const reply = await w.domain.conversations.service.onReply('C-es', 'sí');
  assert.equal(reply.kind, 'decided', JSON.stringify(reply));
  const notes = await w.domain.tasks.notes(task.id);
  assert.deepEqual(notes.map((n) => [n.key, n.tone]), [['acceptIncomplete', 'attention']]);
  assert.match(await opsCard(w, task.id), /金额未写入：.*storefront refused the amount/);
});
