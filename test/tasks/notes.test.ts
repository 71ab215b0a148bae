import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTaskCard, HISTORY_SHOWN, NOTE_LINES_SHOWN, NOTES_SHOWN, taskCardKey } from '../../cards/task.ts';
import { renderSlackCard } from '../../src/adapters/slack/render.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { TaskService } from '../../src/tasks/service.ts';
import type { TaskNote, TaskNoteLine } from '../../src/tasks/types.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';
import { validateBlocks } from '../fakes/slack-blocks.ts';
import { cardsIn, makeTaskWorld, stockFinding, T0 } from './world.ts';

test('note(): persisted, audited, and every copy of the task card updated in place in its own language', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(stockFinding());
  assert.ok(task);
  // A third copy read in Spanish (a DM on platform b).
  const factory = await w.tasks.card(task.id);
  assert.ok(factory);
  await w.hub.postTracked({ platform: 'b', channelId: 'lucia' }, taskCardKey(task.id), factory, 'es');
  const before = [...cardsIn(w.a, 'ops'), ...cardsIn(w.b, 'ops'), ...cardsIn(w.b, 'lucia')];
  assert.equal(before.length, 3);

  w.clock.advance(60_000);
  const note = await w.tasks.note(task.id, { who: 'customer', actor: { key: 'customer:C1', name: 'C1' }, key: 'switch', tone: 'attention', ref: 'conversation:9' });
  assert.ok(note);
  assert.deepEqual([note.taskId, note.who, note.key, note.tone, note.ref, note.at], [task.id, 'customer', 'switch', 'attention', 'conversation:9', T0 + 60_000]);

  const after = [...cardsIn(w.a, 'ops'), ...cardsIn(w.b, 'ops'), ...cardsIn(w.b, 'lucia')];
  assert.equal(after.length, 3, 'no new message: the cards changed in place');
  for (const [i, copy] of after.entries()) assert.equal(copy.versions, (before[i]?.versions ?? 0) + 1, `copy ${i} updated once`);
  assert.match(cardText(after[0]?.card ?? { elements: [], fallbackText: '' }), /\*\*Notes\*\*\n\*\*.* · Customer: wants to switch to a similar item\. A person must pick one and tell the customer\.\*\*/);
  assert.match(cardText(after[2]?.card ?? { elements: [], fallbackText: '' }), /Cliente: quiere cambiar por un artículo similar/);
  assert.equal((await w.tasks.get(task.id))?.version, task.version, 'a note is not a state change');

  const audit = await w.audit.recent({ subject: `task:${task.id}` });
  const row = audit.find((a) => a.type === 'note');
  assert.ok(row, 'audited');
  assert.deepEqual([row.actor, row.action, row.data.key, row.data.ref], ['customer:C1', 'note', 'switch', 'conversation:9']);

  // Persisted: a service built fresh over the same database reads it back.
  const fresh = new TaskService({ db: w.store.db, audit: w.audit, settings: () => w.settings, clock: w.clock, log: createSilentLogger(), chat: { publish: async () => undefined, update: async () => undefined, notifyPerson: async () => undefined, notifyChannel: async () => undefined }, orders: { lookup: async () => undefined }, executors: w.ports });
  assert.deepEqual(await fresh.notes(task.id), [note]);

  // The same ref again replaces the note; the same content again changes nothing at all.
  w.clock.advance(60_000);
  await w.tasks.note(task.id, { who: 'customer', actor: { key: 'customer:C1', name: 'C1' }, key: 'wait', ref: 'conversation:9' });
  const versions = after.map((c) => w.a.messages.get(c.id)?.versions ?? w.b.messages.get(c.id)?.versions);
  await w.tasks.note(task.id, { who: 'customer', actor: { key: 'customer:C1', name: 'C1' }, key: 'wait', ref: 'conversation:9' });
  assert.deepEqual(after.map((c) => w.a.messages.get(c.id)?.versions ?? w.b.messages.get(c.id)?.versions), versions, 'unchanged: no card update');
  const notes = await w.tasks.notes(task.id);
  assert.deepEqual(notes.map((n) => [n.key, n.at]), [['wait', T0 + 120_000]]);
  const actions = (await w.audit.recent({ subject: `task:${task.id}` })).filter((a) => a.type === 'note').map((a) => a.action);
  assert.deepEqual(actions, ['note_replaced', 'note'], 'newest first: the replacement is audited, the no-op is not');

  // Notes without a ref add up; a staff note shows the person's name.
  await w.tasks.note(task.id, { who: 'staff', actor: { key: 'a:li', name: 'Li' }, key: 'chose', vars: { choice: 'accept' } });
  const shown = cardText(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' });
  assert.match(shown, /Li: chose “accept the new price”\./);
  assert.equal((await w.tasks.notes(task.id)).length, 2);
  assert.equal(await w.tasks.note(9999, { who: 'system', key: 'wait' }), undefined, 'no such task');
});

const T = Date.UTC(2026, 5, 1, 2, 0);

function noteOf(i: number, patch: Partial<TaskNote> = {}): TaskNote {
  return { id: i, taskId: 7, at: T + i * 60_000, who: 'system', actor: null, actorName: null, key: 'handoff', vars: {}, lines: [], tone: 'attention', ref: null, ...patch };
}

// Every key a note can use, with the values its writers give it.
const EVERY_NOTE: TaskNoteLine[] = [
  { key: 'wait' },
  { key: 'switch' },
  { key: 'chose', vars: { choice: 'decline' } },
  { key: 'cancelled', vars: { systems: 'erp, wms' } },
  { key: 'cancelIncomplete' },
  { key: 'cancelRetrying' },
  { key: 'defaulted', vars: { choice: 'wait' } },
  { key: 'handoff' },
  { key: 'handoffElsewhere' },
  { key: 'transcript.in', vars: { time: T, channel: 'wechaty', text: 'hola' } },
  { key: 'transcript.out', vars: { time: T, channel: 'wechat_template', text: 'hi' } },
  { key: 'transcript.earlier', vars: { count: 3 } },
  { key: 'result.cancelled', vars: { system: 'erp' } },
  { key: 'result.failed', vars: { system: 'erp', error: 'timeout' } },
  { key: 'result.noPush', vars: { systems: 'oms' } },
  { key: 'result.nothing' },
];

test('note texts: every key in every language, no leaked keys; labels for choices and channels', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(stockFinding());
  assert.ok(task);
  for (const lang of SUPPORTED_LANGUAGES) {
    const notes = EVERY_NOTE.map((l, i) => noteOf(i, { key: l.key, vars: l.vars ?? {}, who: i % 2 === 0 ? 'customer' : 'system' }));
    const card = buildTaskCard({ task, history: [], notes: notes.slice(0, NOTES_SHOWN), now: T, approvalsNeeded: 1, roles: ['approver'] }, getT(lang, 'cards'));
    assertNoKeyLeaks(card, lang);
    const withLines = buildTaskCard({ task, history: [], notes: [noteOf(1, { lines: EVERY_NOTE })], now: T, approvalsNeeded: 1, roles: ['approver'] }, getT(lang, 'cards'));
    assertNoKeyLeaks(withLines, `${lang} lines`);
    assert.doesNotMatch(cardText(withLines), /note\.(choice|channel)/, lang);
  }
  const en = cardText(buildTaskCard({ task, history: [], notes: [noteOf(1, { lines: EVERY_NOTE.slice(9, 11) })], now: T, timeZone: 'UTC', approvalsNeeded: 1, roles: ['approver'] }, getT('en', 'cards')));
  assert.match(en, /← customer \(WeChat chat\): hola/);
  assert.match(en, /→ customer \(WeChat template message\): hi/);
});

test('a task card with the most notes and the longest lines still fits Slack, notes before the history', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding(stockFinding());
  assert.ok(task);
  const long = 'x'.repeat(199) + '…';
  const lines: TaskNoteLine[] = Array.from({ length: 12 }, (_, i) => ({ key: 'transcript.in', vars: { time: T + i, channel: 'wechaty', text: long } }));
  const notes = Array.from({ length: 8 }, (_, i) => noteOf(i, { lines }));
  const history = Array.from({ length: 10 }, (_, i) => ({ at: T + i, actor: null, actorName: null, action: 'created', fromState: null, toState: 'open' as const, data: {} }));
  for (const lang of SUPPORTED_LANGUAGES) {
    const card = buildTaskCard({ task, history, notes, now: T, approvalsNeeded: 1, roles: ['approver'] }, getT(lang, 'cards'));
    const lists = card.elements.filter((e) => e.type === 'list');
    assert.equal(lists.length, NOTES_SHOWN + 1, 'the newest notes, then the history');
    assert.ok(lists.slice(0, NOTES_SHOWN).every((l) => l.type === 'list' && l.items.length === NOTE_LINES_SHOWN));
    assert.equal(lists.at(-1)?.type === 'list' ? lists.at(-1)?.items.length : 0, HISTORY_SHOWN);
    const slack = renderSlackCard(card);
    const verdict = validateBlocks(slack.blocks);
    assert.ok(verdict.ok, `${lang}: ${JSON.stringify(verdict)}`);
    assert.ok(slack.blocks.some((b) => b.type === 'actions'), 'the buttons are always kept');
  }
});
