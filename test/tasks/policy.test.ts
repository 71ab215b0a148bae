import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TASK_APPROVE, TASK_CHOOSE, TASK_CLAIM } from '../../cards/task.ts';
import { cardText } from '../cards/helpers.ts';
import { cardsIn, click, makeTaskWorld, mismatchFinding, stockFinding, USERS } from './world.ts';

const auditRows = (w: { store: { db: { all<T>(sql: string): Promise<T[]> } } }) => w.store.db.all<{ id: number; actor: string; type: string; subject: string; action: string; data: string }>('SELECT * FROM audit ORDER BY id');

test('an unauthorized click changes nothing, tells the clicker why, and is audited', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  const before = cardsIn(w.a, 'ops')[0];
  await w.a.deliver(click('a', 'guest', TASK_APPROVE, String(task.id)));
  await w.b.deliver(click('b', 'zhao', TASK_CHOOSE, `${task.id}:trust:wms`));
  const after = await w.tasks.get(task.id);
  assert.equal(after?.state, 'open');
  assert.equal(after?.version, task.version, 'no write at all');
  assert.equal(cardsIn(w.a, 'ops')[0]?.versions, before?.versions, 'card not touched');
  assert.deepEqual(w.ports.calls, []);
  assert.equal(w.a.lastEphemeral(), 'Tasks like this are decided by Approver, Admin; your role is Viewer. Nothing was changed.');
  assert.match(w.b.lastEphemeral(), /Warehouse/);
  const denied = (await auditRows(w)).filter((r) => r.type === 'denied');
  assert.deepEqual(
    denied.map((r) => [r.actor, r.subject, r.action, (JSON.parse(r.data) as { code: string }).code]),
    [
      ['a:guest', `task:${task.id}`, 'approve', 'forbidden'],
      ['b:zhao', `task:${task.id}`, 'approve', 'forbidden'],
    ],
  );
});

test('roles come from the settings per kind: warehouse may act on stock, admin on anything', async (t) => {
  const w = await makeTaskWorld(t);
  const stock = await w.tasks.onFinding(stockFinding());
  assert.ok(stock);
  await w.b.deliver(click('b', 'zhao', TASK_CLAIM, String(stock.id)));
  assert.equal((await w.tasks.get(stock.id))?.state, 'claimed');
  w.settings.tasks.roles.stock = ['approver'];
  const other = await w.tasks.onFinding(stockFinding('S201'));
  assert.ok(other);
  await w.b.deliver(click('b', 'zhao', TASK_CLAIM, String(other.id)));
  assert.equal((await w.tasks.get(other.id))?.state, 'open', 'no longer allowed');
  await w.a.deliver(click('a', 'boss', TASK_CLAIM, String(other.id)));
  assert.equal((await w.tasks.get(other.id))?.claimedBy, 'a:boss', 'admin always may');
});

test('four-eyes: the same approver twice is not two; a second different approver executes once', async (t) => {
  const w = await makeTaskWorld(t);
  w.orders.set('A100', { amount: 5000, currency: 'CNY', views: [] });
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(task.id)));
  assert.match(w.a.lastEphemeral(), /recorded \(1 of 2\)/);
  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(task.id)));
  assert.equal(w.a.lastEphemeral(), 'You already approved this. A different approver has to approve too.');
  let now = await w.tasks.get(task.id);
  assert.equal(now?.state, 'open');
  assert.equal(now?.approvals.length, 1);
  assert.deepEqual(w.ports.calls, [], 'nothing ran after one approval');
  assert.match(cardText(cardsIn(w.b, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }), /Approvals: 1 of 2 · Li approved/);
  await w.b.deliver(click('b', 'lucia', TASK_CHOOSE, `${task.id}:trust:erp`));
  assert.match(w.b.lastEphemeral(), /Li ya aprobó «Confiar en wms y resincronizar»/, 'a different choice is refused');
  await w.b.deliver(click('b', 'lucia', TASK_APPROVE, String(task.id)));
  now = await w.tasks.get(task.id);
  assert.equal(now?.state, 'done');
  assert.deepEqual(now?.approvals.map((a) => a.actor), ['a:li', 'b:lucia']);
  assert.deepEqual(w.ports.calls, ['push erp A100 shipped', 'resync wms', 'resync erp']);
});

test('below the four-eyes amount one approval executes', async (t) => {
  const w = await makeTaskWorld(t);
  w.orders.set('A100', { amount: 4999.99, currency: 'CNY', views: [] });
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(task.id)));
  assert.equal((await w.tasks.get(task.id))?.state, 'done');
});

test('100 concurrent approve clicks through the hub execute exactly once', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  const approvers = Object.entries(USERS).filter(([, u]) => u.role === 'approver').map(([k]) => k);
  const clicks = Array.from({ length: 100 }, (_v, i) => {
    const [platform = 'a', user = 'li'] = (approvers[i % approvers.length] ?? 'a:li').split(':');
    return (platform === 'a' ? w.a : w.b).deliver(click(platform, user, TASK_APPROVE, String(task.id)));
  });
  await Promise.all(clicks);
  assert.deepEqual(w.ports.calls, ['push erp A100 shipped', 'resync wms', 'resync erp'], 'one execution');
  const done = await w.tasks.get(task.id);
  assert.equal(done?.state, 'done');
  assert.equal(done?.approvals.length, 1);
  const executing = (await auditRows(w)).filter((r) => r.type === 'transition' && r.action === 'executing');
  assert.equal(executing.length, 1);
  assert.equal([...w.a.ephemerals, ...w.b.ephemerals].length, 100, 'every clicker got an answer');
});

test('100 concurrent approvals of a four-eyes task by two people execute exactly once', async (t) => {
  const w = await makeTaskWorld(t);
  w.orders.set('A100', { amount: 90_000, currency: 'CNY', views: [] });
  const task = await w.tasks.onFinding(mismatchFinding());
  assert.ok(task);
  await Promise.all(Array.from({ length: 100 }, (_v, i) => (i % 2 === 0 ? w.a.deliver(click('a', 'li', TASK_APPROVE, String(task.id))) : w.b.deliver(click('b', 'lucia', TASK_APPROVE, String(task.id))))));
  assert.equal(w.ports.calls.filter((c) => c.startsWith('push')).length, 1);
  const done = await w.tasks.get(task.id);
  assert.equal(done?.state, 'done');
  assert.deepEqual(new Set(done?.approvals.map((a) => a.actor)), new Set(['a:li', 'b:lucia']));
});
