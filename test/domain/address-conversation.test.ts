// The address check end to end through the real domain: the storefront and the warehouse hold different addresses
// for a paid order (or one holds an incomplete one) → the detector's finding opens an address task → "ask the
// customer" asks them (in Spanish) to confirm the full address → their answer is a note on the task card, which staff
// only ever see masked. Confirming accepts the address; "change" and silence need a person.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskCardKey } from '../../cards/task.ts';
import type { ShippingAddress } from '../../src/core/order.ts';
import type { Task } from '../../src/tasks/types.ts';
import { cardText } from '../cards/helpers.ts';
import { makeConversationDomain, type ConversationDomainWorld } from './conversation-world.ts';

const NEW_HOME: ShippingAddress = { name: 'Lucía Gómez', phone: '+34 612 345 678', street: 'Calle Mayor 12, 3ºB', city: 'Madrid', postalCode: '28013', country: 'ES' };
const OLD_HOME: ShippingAddress = { ...NEW_HOME, street: 'Calle de Alcalá 21' };
const MIN = 60_000;
const AUTHORITY = { payment: ['storefront'], fulfilment: ['wms'], delivery: ['wms'], after_sales: ['storefront'] };
const AGENT = { key: 'console:marta', name: 'Marta', role: 'agent' as const };

// Commits S1's addresses as a sync page of each system would, a minute apart (the last is the latest change), waits out
// the grace, scans; returns the address task.
async function addressTask(w: ConversationDomainWorld, addresses: Record<string, ShippingAddress>): Promise<Task> {
  let runId = 100;
  for (const [system, shipTo] of Object.entries(addresses)) {
    const record = { orderId: 'S1', system, status: 'paid' as const, rawStatus: 'paid', updatedAt: w.clock.now(), customer: { id: 'C-es' }, shipTo };
    await w.store.applyBatch({ runId: ++runId, source: system, system, now: w.clock.now(), authority: AUTHORITY, records: [record] });
    w.clock.advance(MIN);
  }
  w.clock.advance(31 * MIN);
  await w.domain.detect.scan();
  const task = (await w.domain.tasks.forOrder('S1')).find((t) => t.kind === 'address');
  assert.ok(task, 'the address finding opened a task');
  assert.deepEqual(task.choices, ['verify', 'contacted']);
  return task;
}

async function opsCard(w: ConversationDomainWorld, taskId: number): Promise<string> {
  const ops = (await w.copies(taskCardKey(taskId))).find((c) => c.channelId === 'ops');
  assert.ok(ops, 'the task card is on the ops channel');
  return cardText(ops.card);
}

async function verified(w: ConversationDomainWorld, task: Task): Promise<string> {
  const outcome = await w.domain.tasks.approve(task.id, AGENT, 'verify');
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  assert.equal(w.said.length, 1, 'the customer was asked once');
  return w.said[0]?.text ?? '';
}

const STREET = /Calle Mayor 12|Calle de Alcalá|612 345 678/;

test('address: the systems disagree → the customer confirms the latest address → noted, the other system must follow', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await addressTask(w, { wms: OLD_HOME, storefront: NEW_HOME });
  const before = await opsCard(w, task.id);
  assert.match(before, /核对订单 S1 的收货地址/);
  assert.match(before, /各系统的地址不一致（街道门牌）/);
  assert.match(before, /storefront：`\*\*\*\*, Madrid, ES \(L\*\* \+34 [^`]*`/);
  assert.doesNotMatch(before, STREET, 'staff see the locality only');

  const question = await verified(w, task);
  assert.equal(question, 'Antes de enviar tu pedido S1, confirma la dirección de entrega: Calle Mayor 12, 3ºB, Madrid, 28013, ES. Responde 1 si es correcta o 2 para cambiarla.');

  const reply = await w.domain.conversations.service.onReply('C-es', 'sí');
  assert.equal(reply.kind, 'decided', JSON.stringify(reply));
  const notes = await w.domain.tasks.notes(task.id);
  assert.deepEqual(notes.map((n) => [n.who, n.key, n.tone, n.vars]), [['customer', 'addressConfirmedUpdate', 'attention', { system: 'storefront', others: 'wms' }]]);
  assert.match(await opsCard(w, task.id), /确认了 storefront 中的地址。wms 中的地址仍不同：请在发货前手动更新。/);
  const accepted = await w.store.db.get<{ by: string }>('SELECT by FROM address_checks WHERE order_id = ?', ['S1']);
  assert.equal(accepted?.by, 'customer:C-es');

  // The warehouse is updated: the systems agree and the finding resolves.
  await w.store.applyBatch({ runId: 200, source: 'wms', system: 'wms', now: w.clock.now(), authority: AUTHORITY, records: [{ orderId: 'S1', system: 'wms', status: 'paid', rawStatus: 'paid', updatedAt: w.clock.now(), shipTo: NEW_HOME }] });
  await w.domain.detect.scan();
  assert.deepEqual(await w.store.findings.open({ kind: 'address' }), []);
});

test('address: the customer wants to change it → told a person will take the new one; the task card asks a person to', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await addressTask(w, { wms: OLD_HOME, storefront: NEW_HOME });
  await verified(w, task);
  const reply = await w.domain.conversations.service.onReply('C-es', '2');
  assert.equal(reply.kind, 'decided', JSON.stringify(reply));
  assert.match(w.said.at(-1)?.text ?? '', /cambiar la dirección\. Una persona de nuestro equipo te contactará en breve para tomar la nueva dirección\.$/);
  const notes = await w.domain.tasks.notes(task.id);
  assert.deepEqual(notes.map((n) => [n.key, n.tone, n.vars]), [['addressChange', 'attention', { systems: 'storefront, wms' }]]);
  assert.equal(await w.store.db.get('SELECT 1 FROM address_checks WHERE order_id = ?', ['S1']), undefined, 'nothing accepted');
  assert.match(await opsCard(w, task.id), /需要修改地址。请联系客户获取新地址，并在 storefront, wms 中更新。/);
});

test('address: no answer by the deadline → the address stays unconfirmed and the task card says so', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await addressTask(w, { wms: OLD_HOME, storefront: NEW_HOME });
  await verified(w, task);
  w.clock.advance(25 * 60 * MIN);
  const tick = await w.domain.conversations.service.tick();
  assert.equal(tick.timedOut.length, 1);
  const notes = await w.domain.tasks.notes(task.id);
  assert.deepEqual(notes.map((n) => [n.who, n.key, n.tone]), [['system', 'addressNoAnswer', 'attention']]);
  assert.equal(await w.store.db.get('SELECT 1 FROM address_checks WHERE order_id = ?', ['S1']), undefined, 'silence accepts nothing');
  assert.equal((await w.store.findings.open({ kind: 'address' })).length, 1);
});

test('address: an incomplete address a person checked by phone is accepted, and its finding clears', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await addressTask(w, { storefront: { region: 'Madrid', street: 'Mayor 12' } });
  assert.match(await opsCard(w, task.id), /storefront 中的地址不完整/);
  const outcome = await w.domain.tasks.approve(task.id, AGENT, 'contacted');
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  const done = await w.domain.tasks.get(task.id);
  assert.deepEqual(done?.result?.lines.map((l) => l.key), ['addressChecked']);
  assert.equal(w.said.length, 0, 'nothing was sent to the customer');
  await w.domain.detect.scan();
  assert.deepEqual(await w.store.findings.open({ kind: 'address' }), []);
});

test('address: a handoff after two unclear answers carries the transcript with the address masked', async (t) => {
  const w = await makeConversationDomain(t);
  const task = await addressTask(w, { wms: OLD_HOME, storefront: NEW_HOME });
  await verified(w, task);
  assert.equal((await w.domain.conversations.service.onReply('C-es', '¿qué?')).kind, 'clarify');
  assert.equal((await w.domain.conversations.service.onReply('C-es', 'mañana te digo')).kind, 'handed_off');
  const notes = await w.domain.tasks.notes(task.id);
  const handoff = notes.find((n) => n.key === 'handoff');
  assert.ok(handoff, JSON.stringify(notes.map((n) => n.key)));
  const text = JSON.stringify(handoff.lines);
  assert.doesNotMatch(text, /Calle Mayor 12/, 'the address in the question is masked for staff');
  assert.match(text, /\*\*\*\*, 28013, ES/);
  assert.match(text, /mañana te digo/, 'what the customer wrote is kept');
});
