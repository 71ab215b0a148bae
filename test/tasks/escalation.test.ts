import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TASK_APPROVE, TASK_SNOOZE } from '../../cards/task.ts';
import { cardText } from '../cards/helpers.ts';
import { cardsIn, click, makeTaskWorld, mismatchFinding, stockFinding } from './world.ts';

const MIN = 60_000;

test('a task not acted on within its SLA goes to the on-duty approver, then after another SLA to the admin channel', async (t) => {
  const w = await makeTaskWorld(t, { slaMinutes: { default: 60, stock: 30 } });
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  w.clock.advance(59 * MIN);
  assert.deepEqual(await w.tasks.tick(), { escalated: 0, resumed: 0 });
  assert.equal(cardsIn(w.a, 'wang').length, 0);

  w.clock.advance(1 * MIN);
  assert.equal((await w.tasks.tick()).escalated, 1);
  const dm = cardsIn(w.a, 'wang');
  assert.equal(dm.length, 1, 'on-duty approver told');
  assert.match(cardText(dm[0]?.card ?? { elements: [], fallbackText: '' }), /通知了值班审批人（a:wang）/, 'in Wang\'s language, history shows it');
  assert.equal(cardsIn(w.b, 'admins').length, 0, 'not the admin channel yet');
  assert.equal((await w.tasks.tick()).escalated, 0, 'not twice');

  w.clock.advance(59 * MIN);
  assert.equal((await w.tasks.tick()).escalated, 0);
  w.clock.advance(1 * MIN);
  assert.equal((await w.tasks.tick()).escalated, 1);
  assert.equal(cardsIn(w.b, 'admins').length, 1, 'admin channel told');
  assert.match(cardText(cardsIn(w.b, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }), /told the admin channel \(b:admins\)/);
  w.clock.advance(600 * MIN);
  assert.equal((await w.tasks.tick()).escalated, 0, 'nothing after the admin channel');
  const rows = await w.store.db.all<{ type: string }>("SELECT type FROM audit WHERE type = 'escalation'");
  assert.equal(rows.length, 2);

  // The DM and the admin channel copies update with the decision like every other copy.
  await w.a.deliver(click('a', 'wang', TASK_APPROVE, String(task.id), dm[0]?.id));
  assert.match(cardText(cardsIn(w.b, 'admins')[0]?.card ?? { elements: [], fallbackText: '' }), /Done/);
});

test('SLAs are per kind; snoozing defers escalation; acting in time prevents it', async (t) => {
  const w = await makeTaskWorld(t, { slaMinutes: { default: 60, stock: 30 } });
  const stock = await w.tasks.onFinding(stockFinding());
  const mismatch = await w.tasks.onFinding(mismatchFinding());
  assert.ok(stock && mismatch);
  w.clock.advance(20 * MIN);
  await w.a.deliver(click('a', 'wang', TASK_SNOOZE, String(stock.id)));
  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(mismatch.id)));
  w.clock.advance(20 * MIN);
  assert.equal((await w.tasks.tick()).escalated, 0, 'stock SLA (30 min) passed but it is snoozed; the mismatch was decided');
  w.clock.advance(39 * MIN);
  assert.equal((await w.tasks.tick()).escalated, 0, 'snoozed for an hour (until minute 80)');
  w.clock.advance(1 * MIN);
  assert.equal((await w.tasks.tick()).escalated, 1, 'snooze over');
  assert.equal(cardsIn(w.a, 'wang').length, 1);
});

test('with nobody on duty the admin channel is told at once', async (t) => {
  const w = await makeTaskWorld(t, { onDuty: [] });
  await w.tasks.onFinding(stockFinding());
  w.clock.advance(61 * MIN);
  assert.equal((await w.tasks.tick()).escalated, 1);
  assert.equal(cardsIn(w.b, 'admins').length, 1);
});
