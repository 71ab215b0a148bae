import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHelpCard, formatUsage } from '../../cards/help.ts';
import { cardButtons } from '../../src/core/card.ts';
import type { CommandInfo } from '../../src/core/command.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { assertNoKeyLeaks, cardText } from './helpers.ts';

const CATALOG: CommandInfo[] = [
  { name: 'order', helpKey: 'cmd.order', args: [{ name: 'id', required: true }], role: 'viewer' },
  { name: 'sync', helpKey: 'cmd.sync', args: [{ name: 'source', required: false }], role: 'agent' },
  { name: 'tasks', helpKey: 'cmd.tasks', args: [{ name: 'filter', required: false, choices: ['mine', 'open', 'all'] }], role: 'viewer' },
  { name: 'note', helpKey: 'cmd.order', args: [{ name: 'text', required: true, rest: true }], role: 'admin' },
];

test('usage strings', () => {
  const t = getT('en', 'bot');
  assert.equal(formatUsage(CATALOG[0] as CommandInfo, t), '/order <id>');
  assert.equal(formatUsage(CATALOG[2] as CommandInfo, t), '/tasks [mine|open|all]');
  assert.equal(formatUsage(CATALOG[3] as CommandInfo, t), '/note <text…>');
  assert.equal(formatUsage({ name: 'status', args: [] }, t), '/status');
});

test('the list shows only what the role allows and says how many need more', () => {
  for (const lang of SUPPORTED_LANGUAGES) {
    const viewer = buildHelpCard({ commands: CATALOG, role: 'viewer' }, getT(lang, 'bot'));
    assertNoKeyLeaks(viewer, lang);
    const items = viewer.elements.flatMap((e) => (e.type === 'list' ? e.items : []));
    assert.equal(items.length, 2, lang);
    assert.match(items[0] ?? '', /^`\/order <id>` — /);
    assert.doesNotMatch(cardText(viewer), /\/sync/);
    assert.match(cardText(viewer), /2/);
    assert.equal(cardButtons(viewer).length, 0);
  }
  const admin = buildHelpCard({ commands: CATALOG, role: 'admin' }, getT('en', 'cards'));
  assert.equal(admin.elements.flatMap((e) => (e.type === 'list' ? e.items : [])).length, 4);
  assert.match(cardText(admin), /Your role: Admin/);
});

test('detail: usage, arguments with help and choices, required role, and whether you may use it', () => {
  const t = getT('en', 'bot');
  const order = buildHelpCard({ commands: CATALOG, role: 'viewer', detail: CATALOG[0] }, t);
  assert.equal(order.header?.title, 'Help · /order');
  assert.match(cardText(order), /`\/order <id>`/);
  assert.match(cardText(order), /`id` \(required\): the order number/);
  assert.match(cardText(order), /You can use this command/);
  const sync = buildHelpCard({ commands: CATALOG, role: 'viewer', detail: CATALOG[1] }, getT('zh-CN', 'bot'));
  assert.match(cardText(sync), /需要“客服”权限，你当前的角色是“只读”/);
  const note = buildHelpCard({ commands: CATALOG, role: 'admin', detail: CATALOG[3] }, t);
  assertNoKeyLeaks(note, 'argument without help text');
  assert.match(cardText(note), /`text` \(required\)/);
  const tasks = buildHelpCard({ commands: CATALOG, role: 'viewer', detail: CATALOG[2] }, getT('es', 'bot'));
  assert.match(cardText(tasks), /uno de `mine`, `open`, `all`/);
});

