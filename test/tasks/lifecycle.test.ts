import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TASK_APPROVE, TASK_CHOOSE, TASK_CLAIM, TASK_REJECT, TASK_SNOOZE, TASK_UNDO } from '../../cards/task.ts';
import { cardButtons } from '../../src/core/card.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';
import { cardsIn, click, makeTaskWorld, mismatchFinding, stockFinding } from './world.ts';

test('a finding that needs a person becomes one task, posted on every routed platform with its choices', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  assert.equal(task.state, 'open');
  assert.deepEqual(task.choices, ['trust:erp', 'trust:wms']);
  assert.equal(task.suggested, 'trust:wms', 'the shipped view is suggested: pushing cancelled onto a shipped order would fail');
  const [onA] = cardsIn(w.a, 'ops');
  const [onB] = cardsIn(w.b, 'ops');
  assert.ok(onA && onB, 'posted on both platforms');
  assertNoKeyLeaks(onA.card, 'task card');
  assert.match(onA.card.header?.title ?? '', /^T\d+ · Systems disagree on order A100$/);
  assert.match(cardText(onA.card), /erp: Cancelled/);
  const buttons = cardButtons(onA.card);
  assert.deepEqual(
    buttons.map((b) => [b.actionId, b.label]),
    [
      [TASK_APPROVE, 'Approve: Trust wms and resync'],
      [TASK_CHOOSE, 'Trust erp and resync'],
      [TASK_REJECT, 'Reject'],
      [TASK_CLAIM, 'Claim'],
      [TASK_SNOOZE, 'Snooze 1 h'],
    ],
  );
  assert.ok(buttons.find((b) => b.actionId === TASK_REJECT)?.confirm, 'reject asks first');

  const again = await w.tasks.onFinding(mismatchFinding());
  assert.equal(again?.id, task.id, 'same fingerprint, same task');
  assert.equal(cardsIn(w.a, 'ops').length, 1, 'no second card');
  assert.equal(await w.tasks.onFinding({ kind: 'stale', fingerprint: 'stale:A1', orderId: 'A1', details: {} }), undefined, 'stale findings are alerts only');
});

test('approve on one platform executes and updates every copy in place, with who did what and an Undo button', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  const bMsg = cardsIn(w.b, 'ops')[0];
  // The card's Approve button carries the suggested choice (trust wms).
  await w.b.deliver(click('b', 'lucia', TASK_APPROVE, String(task.id), bMsg?.id));
  assert.deepEqual(w.ports.calls, ['push erp A100 shipped', 'resync wms', 'resync erp']);
  assert.match(w.b.lastEphemeral(), /aprobada y hecha/);
  const after = await w.tasks.get(task.id);
  assert.equal(after?.state, 'done');
  for (const chat of [w.a, w.b]) {
    const [copy] = cardsIn(chat, 'ops');
    assert.ok(copy && copy.versions > 1, `${chat.platform} copy updated`);
    const text = cardText(copy.card);
    assert.match(text, /Done: “Trust wms and resync”/);
    assert.match(text, /Set erp to Shipped/);
    assert.match(text, /Lucía approved “Trust wms and resync”/);
    assert.match(text, /Undo is possible until/);
    assert.deepEqual(cardButtons(copy.card).map((b) => b.actionId), [TASK_UNDO]);
    assert.equal(copy.card.header?.severity, 'success');
  }
});

test('claim, snooze and reject change the card for everyone; a decided task ignores further clicks', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(stockFinding());
  assert.ok(task);
  await w.b.deliver(click('b', 'zhao', TASK_CLAIM, String(task.id)));
  assert.equal((await w.tasks.get(task.id))?.claimedBy, 'b:zhao');
  await w.a.deliver(click('a', 'wang', TASK_CLAIM, String(task.id)));
  assert.match(w.a.lastEphemeral(), /Zhao/);
  await w.a.deliver(click('a', 'wang', TASK_SNOOZE, String(task.id)));
  let text = cardText(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' });
  assert.match(text, /Claimed by Zhao/);
  assert.match(text, /Snoozed until/);
  assert.doesNotMatch(cardButtons(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }).map((b) => b.actionId).join(), /task\.claim/);

  await w.a.deliver(click('a', 'li', TASK_REJECT, String(task.id)));
  const rejected = await w.tasks.get(task.id);
  assert.equal(rejected?.state, 'rejected');
  text = cardText(cardsIn(w.b, 'ops')[0]?.card ?? { elements: [], fallbackText: '' });
  assert.match(text, /Rejected by Li: no reason given/);
  assert.deepEqual(w.ports.calls, [], 'nothing executed');
  await w.a.deliver(click('a', 'wang', TASK_APPROVE, String(task.id)));
  assert.match(w.a.lastEphemeral(), /已驳回/);
  assert.equal((await w.tasks.get(task.id))?.version, rejected?.version, 'unchanged');
});

test('a resolved finding closes its waiting task (the card says why); the next firing gets a new task', async (t) => {
  const w = await makeTaskWorld(t);
  const first = await w.tasks.onFinding(mismatchFinding());
  assert.ok(first);
  const closed = await w.tasks.onFindingResolved(first.fingerprint);
  assert.equal(closed?.state, 'expired');
  assert.match(cardText(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }), /the problem cleared before anyone decided/);
  assert.deepEqual(cardButtons(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }), []);
  const second = await w.tasks.onFinding(mismatchFinding());
  assert.ok(second && second.id !== first.id, 'a new episode, a new task');
  assert.equal(cardsIn(w.a, 'ops').length, 2);
});
