import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TASK_OPEN } from '../../cards/task.ts';
import { cardButtons, type Card } from '../../src/core/card.ts';
import { verifyAudit } from '../../src/audit/verify.ts';
import { parseTaskRef } from '../../src/tasks/chat-glue.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';
import { cardsIn, click, command, makeTaskWorld, mismatchFinding, stockFinding } from './world.ts';

const lastCard = (chat: { messages: Map<string, { content: unknown }> }): Card => [...chat.messages.values()].at(-1)?.content as Card;

test('task references are read as people type them', () => {
  assert.equal(parseTaskRef('12'), 12);
  assert.equal(parseTaskRef('T12'), 12);
  assert.equal(parseTaskRef(' #t-12 '), 12);
  assert.equal(parseTaskRef('T'), undefined);
  assert.equal(parseTaskRef('12a'), undefined);
  assert.equal(parseTaskRef('0'), undefined);
});

test('/tasks lists open tasks with a button to open each; Open posts a live copy in the reader\'s language', async (t) => {
  const w = await makeTaskWorld(t);
  const one = await w.tasks.onFinding(mismatchFinding());
  const two = await w.tasks.onFinding(stockFinding());
  assert.ok(one && two);
  await w.b.deliver(command('b', 'lucia', 'tasks', []));
  const list = lastCard(w.b);
  assertNoKeyLeaks(list, 'tasks list');
  assert.equal(list.header?.title, 'Tareas · Abiertas (2)');
  assert.match(cardText(list), /T2 · Falta stock para el pedido S200 · Abierta/);
  assert.deepEqual(cardButtons(list).map((b) => [b.actionId, b.value, b.label]), [[TASK_OPEN, '2', 'Abrir T2'], [TASK_OPEN, '1', 'Abrir T1']]);

  await w.b.deliver({ ...click('b', 'lucia', TASK_OPEN, '1'), place: { platform: 'b', channelId: 'lucia-room' } });
  const [copy] = cardsIn(w.b, 'lucia-room');
  assert.ok(copy);
  assert.equal(copy.card.header?.title, 'T1 · Los sistemas no coinciden en el pedido A100');
  assertNoKeyLeaks(copy.card, 'task card es');

  await w.a.deliver(command('a', 'wang', 'approve', ['T1']));
  assert.equal(w.a.lastEphemeral(), 'T1 已批准并执行完成。');
  assert.match(cardText(cardsIn(w.b, 'lucia-room')[0]?.card ?? copy.card), /Hecho: «Confiar en wms y resincronizar»/, 'the opened copy updated too');

  await w.a.deliver(command('a', 'li', 'tasks', ['mine']));
  assert.match(cardText(lastCard(w.a)), /Nothing|You have not/);
  await w.a.deliver(command('a', 'wang', 'tasks', ['mine']));
  assert.match(lastCard(w.a).header?.title ?? '', /我的（1）/);
  await w.a.deliver(command('a', 'wang', 'tasks', ['all']));
  assert.match(lastCard(w.a).header?.title ?? '', /全部（2）/);
});

test('/approve and /reject follow the same rules as the buttons', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(stockFinding());
  assert.ok(task);
  await w.a.deliver(command('a', 'guest', 'approve', [`T${task.id}`]));
  assert.match(w.a.lastEphemeral(), /your role is Viewer/);
  await w.a.deliver(command('a', 'li', 'approve', ['T99']));
  assert.equal(w.a.lastEphemeral(), 'There is no task T99. /tasks lists them.');
  await w.a.deliver(command('a', 'li', 'approve', ['nonsense']));
  assert.equal(w.a.lastEphemeral(), 'There is no task nonsense. /tasks lists them.');
  await w.a.deliver(command('a', 'li', 'approve', [String(task.id), 'refund']));
  assert.equal(w.a.lastEphemeral(), '“refund” is not one of this task\'s choices.');
  await w.a.deliver(command('a', 'li', 'reject', [`T${task.id}`, 'customer', 'already', 'called', '13812345678']));
  assert.equal(w.a.lastEphemeral(), `T${task.id} rejected.`);
  const text = cardText(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' });
  assert.match(text, /Rejected by Li: customer already called 138\*\*\*\*5678/, 'the reason is shown, phone numbers masked');
  await w.a.deliver(command('a', 'li', 'reject', [`T${task.id}`]));
  assert.match(w.a.lastEphemeral(), /reason is missing/);
  assert.deepEqual(w.ports.calls, []);

  const other = await w.tasks.onFinding(stockFinding('S9'));
  assert.ok(other);
  await w.a.deliver(command('a', 'li', 'approve', [`T${other.id}`, 'contact']));
  assert.deepEqual(w.ports.calls, ['notify S9 stock_delay']);
  assert.deepEqual(await verifyAudit(w.store.db), { ok: true, rows: (await w.store.db.get<{ n: number }>('SELECT count(*) AS n FROM audit'))?.n ?? -1 });
});
