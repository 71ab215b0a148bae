import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TASK_APPROVE, TASK_CHOOSE, TASK_RETRY, TASK_UNDO } from '../../cards/task.ts';
import { cardButtons } from '../../src/core/card.ts';
import { PermanentError, RetryableError } from '../../src/core/errors.ts';
import { cardText } from '../cards/helpers.ts';
import { cardsIn, click, makeTaskWorld, mismatchFinding, settle, stockFinding } from './world.ts';

const busy = (): RetryableError => new RetryableError('erp.timeout', 'ERP timed out');
const text = (c: { card: Parameters<typeof cardText>[0] } | undefined): string => (c ? cardText(c.card) : '');

test('a retryable failure is retried with backoff (bounded), then the task fails and escalates to on-duty and admin channel', async (t) => {
  const w = await makeTaskWorld(t, { executorRetries: 3 });
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  w.ports.failures = [busy(), busy(), busy(), busy()];
  await settle(w.clock, w.a.deliver(click('a', 'li', TASK_APPROVE, String(task.id))));
  assert.deepEqual(w.ports.calls, Array(4).fill('push erp A100 shipped'), 'first try plus 3 retries, then no more');
  const failed = await w.tasks.get(task.id);
  assert.equal(failed?.state, 'failed');
  assert.equal(failed?.attempts, 4);
  assert.equal(failed?.escalation, 2);
  assert.match(w.a.lastEphemeral(), /running it failed: erp\.timeout: ERP timed out/);
  const card = text(cardsIn(w.a, 'ops')[0]);
  assert.match(card, /failed after 4 attempts: erp\.timeout: ERP timed out/);
  assert.match(card, /on-duty approver and the admin channel have been told/);
  assert.deepEqual(cardButtons(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }).map((b) => b.actionId), [TASK_RETRY]);
  assert.equal(cardsIn(w.a, 'wang').length, 1, 'the on-duty approver got the card directly');
  assert.equal(cardsIn(w.b, 'admins').length, 1, 'the admin channel got the card');
  assert.match(text(cardsIn(w.a, 'wang')[0]), /失败/, 'in the on-duty approver\'s language');
  const retries = await w.store.db.all<{ action: string }>("SELECT action FROM audit WHERE type = 'executor' ORDER BY id");
  assert.deepEqual(retries.map((r) => r.action), ['execute_retry', 'execute_retry', 'execute_retry', 'failed']);

  // Retry once the cause is fixed: runs again, and every copy (ops, DM, admin channel) shows the result.
  await settle(w.clock, w.b.deliver(click('b', 'lucia', TASK_RETRY, String(task.id))));
  assert.equal((await w.tasks.get(task.id))?.state, 'done');
  assert.match(text(cardsIn(w.b, 'admins')[0]), /Done/);
  assert.match(text(cardsIn(w.a, 'wang')[0]), /已完成/);
});

test('a retry that succeeds is done; a permanent error is not retried', async (t) => {
  const w = await makeTaskWorld(t);
  const one = await w.tasks.onFinding(mismatchFinding('A1'));
  assert.ok(one);
  w.ports.failures = [busy(), busy()];
  await settle(w.clock, w.a.deliver(click('a', 'li', TASK_APPROVE, String(one.id))));
  const done = await w.tasks.get(one.id);
  assert.equal(done?.state, 'done');
  assert.equal(done?.attempts, 3);

  w.ports.calls.length = 0;
  const two = await w.tasks.onFinding(mismatchFinding('A2'));
  assert.ok(two);
  w.ports.failures = [new PermanentError('erp.rejected', 'ERP refuses: order locked')];
  await settle(w.clock, w.a.deliver(click('a', 'li', TASK_APPROVE, String(two.id))));
  assert.deepEqual(w.ports.calls, ['push erp A2 shipped']);
  assert.equal((await w.tasks.get(two.id))?.state, 'failed');
});

test('undo runs the compensation within the window and the task opens again; after the window it is refused', async (t) => {
  const w = await makeTaskWorld(t, { undoMinutes: 10 });
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  await w.a.deliver(click('a', 'li', TASK_CHOOSE, `${task.id}:trust:wms`));
  w.ports.calls.length = 0;
  w.clock.advance(9 * 60_000);
  await w.a.deliver(click('a', 'li', TASK_UNDO, String(task.id)));
  assert.deepEqual(w.ports.calls, ['push erp A100 cancelled'], 'the previous status pushed back');
  const reopened = await w.tasks.get(task.id);
  assert.equal(reopened?.state, 'open');
  assert.deepEqual(reopened?.approvals, []);
  assert.match(text(cardsIn(w.b, 'ops')[0]), /The decision was undone[\s\S]*Set erp back to Cancelled/);

  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(task.id)));
  w.ports.calls.length = 0;
  w.clock.advance(10 * 60_000 + 1);
  await w.tasks.tick();
  assert.deepEqual(cardButtons(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }), [], 'the tick removed the Undo button');
  assert.doesNotMatch(text(cardsIn(w.a, 'ops')[0]), /Undo is possible/);
  await w.a.deliver(click('a', 'li', TASK_UNDO, String(task.id)));
  assert.equal(w.a.lastEphemeral(), 'The undo window has closed. Nothing was changed.');
  assert.deepEqual(w.ports.calls, []);
  assert.equal((await w.tasks.get(task.id))?.state, 'done');
});

test('where no compensation exists the card and the refusal say so (a customer message already sent)', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(stockFinding());
  assert.ok(task);
  await w.b.deliver(click('b', 'zhao', TASK_CHOOSE, `${task.id}:contact`));
  assert.deepEqual(w.ports.calls, ['notify S200 stock_delay']);
  const card = cardsIn(w.a, 'ops')[0];
  assert.match(text(card), /This cannot be undone: the customer message has already been sent\./);
  assert.deepEqual(cardButtons(card?.card ?? { elements: [], fallbackText: '' }), [], 'no Undo button');
  await w.b.deliver(click('b', 'zhao', TASK_UNDO, String(task.id)));
  assert.equal(w.b.lastEphemeral(), 'This cannot be undone: the customer message has already been sent.');
  assert.equal((await w.tasks.get(task.id))?.state, 'done');
});

test('cancel asks for confirmation on the card and pushes cancelled to every system that takes writes; undo restores', async (t) => {
  const w = await makeTaskWorld(t);
  w.orders.set('S200', { amount: 120, currency: 'CNY', views: [{ system: 'shop', status: 'paid' }, { system: 'erp', status: 'paid' }, { system: 'wms', status: 'paid' }] });
  const task = await w.tasks.onFinding(stockFinding());
  assert.ok(task);
  const cancel = cardButtons(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }).find((b) => b.value === `${task.id}:cancel`);
  assert.equal(cancel?.style, 'danger');
  assert.match(cancel?.confirm?.text ?? '', /cancelled in every system/);
  await w.b.deliver(click('b', 'zhao', TASK_CHOOSE, `${task.id}:cancel`));
  assert.deepEqual(w.ports.calls, ['push erp S200 cancelled', 'push wms S200 cancelled']);
  assert.match(text(cardsIn(w.a, 'ops')[0]), /shop cannot take status changes from us/);
  await w.b.deliver(click('b', 'zhao', TASK_UNDO, String(task.id)));
  assert.deepEqual(w.ports.calls.slice(2), ['push erp S200 paid', 'push wms S200 paid']);
});

test('after a restart an interrupted execution is failed and escalated, never silently run again', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  await w.store.db.run("UPDATE tasks SET state = 'executing', choice = 'trust:erp' WHERE id = ?", [task.id]);
  assert.equal(await w.tasks.recover(), 1);
  const failed = await w.tasks.get(task.id);
  assert.equal(failed?.state, 'failed');
  assert.equal(failed?.error, 'interrupted by a restart');
  assert.deepEqual(w.ports.calls, []);
  assert.equal(cardsIn(w.b, 'admins').length, 1);
  await w.tasks.tick();
  assert.deepEqual(w.ports.calls, [], 'the tick does not run failed tasks');
});

test('an approved task a restart left before execution is run by the tick, once', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  await w.store.db.run("UPDATE tasks SET state = 'approved', choice = 'trust:erp' WHERE id = ?", [task.id]);
  await w.tasks.tick();
  assert.deepEqual(w.ports.calls, [], 'too fresh: the clicker may still be running it');
  w.clock.advance(60_000);
  await Promise.all([w.tasks.tick(), w.tasks.tick()]);
  assert.deepEqual(w.ports.calls, ['push wms A100 cancelled', 'resync erp', 'resync wms']);
  assert.equal((await w.tasks.get(task.id))?.state, 'done');
});
