import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REFRESH_ORDER, SYNC_ORDER } from '../../cards/order-detail.ts';
import { REFRESH_STATUS } from '../../cards/status-overview.ts';
import { RERUN_SYNC } from '../../cards/sync-summary.ts';
import { helpCommand } from '../../commands/help.ts';
import { helpKeyOf } from '../../cards/help.ts';
import { ACTIONS, COMMANDS } from '../../commands/index.ts';
import { langCommand, pickLanguage } from '../../commands/lang.ts';
import type { Card } from '../../src/core/card.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';
import { commandContext, makeWorld } from './fixture.ts';

const card = (out: readonly unknown[]): Card => {
  assert.equal(out.length, 1);
  return out[0] as Card;
};

test('COMMANDS and ACTIONS: unique names and ids, help text in every language, the roles staff expect', () => {
  const roles = Object.fromEntries(COMMANDS.map((c) => [c.name, c.role]));
  for (const [name, role] of [['order', 'viewer'], ['status', 'viewer'], ['sync', 'agent'], ['tasks', 'viewer'], ['lang', 'viewer'], ['help', 'viewer']]) assert.equal(roles[name ?? ''], role, name);
  assert.equal(new Set(COMMANDS.map((c) => c.name)).size, COMMANDS.length, 'names are unique');
  const actionRoles = new Map(ACTIONS.map((a) => [a.actionId, a.role]));
  assert.equal(actionRoles.size, ACTIONS.length, 'action ids are unique');
  for (const [id, role] of [[REFRESH_ORDER, 'viewer'], [SYNC_ORDER, 'agent'], [RERUN_SYNC, 'agent'], [REFRESH_STATUS, 'viewer']] as const) assert.equal(actionRoles.get(id), role, id);
  for (const lang of SUPPORTED_LANGUAGES) {
    const t = getT(lang, 'bot');
    for (const c of COMMANDS) {
      const key = helpKeyOf(c.helpKey);
      assert.notEqual(t(key), key.replace(/^bot:/, ''), `${lang} ${c.helpKey}`);
      assert.ok(t(key).length > 3, `${lang} ${c.helpKey}`);
    }
  }
});

test('/help lists what the role allows; /help <command> explains one; a typo gets a suggestion', async (t) => {
  const w = await makeWorld(t);
  const viewer = commandContext(w.services, { role: 'viewer' });
  await helpCommand.handler(viewer.ctx);
  const list = card(viewer.rec.replies);
  assertNoKeyLeaks(list, 'help list');
  assert.match(cardText(list), /`\/order <id>` — Every system's view of one order/);
  assert.doesNotMatch(cardText(list), /\/sync/);
  const agent = commandContext(w.services, { role: 'agent', lang: 'zh-CN' });
  await helpCommand.handler(agent.ctx);
  assert.match(cardText(card(agent.rec.replies)), /`\/sync \[source\] \[restore\]` — 立即从所有数据源/);

  const detail = commandContext(w.services, { role: 'viewer', args: { command: '/Sync' }, lang: 'es' });
  await helpCommand.handler(detail.ctx);
  const d = card(detail.rec.replies);
  assertNoKeyLeaks(d, 'help sync');
  assert.equal(d.header?.title, 'Ayuda · /sync');
  assert.match(cardText(d), /Agente o superior/);
  assert.match(cardText(d), /`restore` \(opcional\).*termina su cambio al respaldo/);
  assert.match(cardText(d), /Hace falta el rol Agente; tu rol es Consulta/);

  const typo = commandContext(w.services, { args: { command: 'ordr' } });
  await helpCommand.handler(typo.ctx);
  assert.deepEqual(typo.rec.ephemerals, ['There is no command /ordr. Did you mean /order?']);
  const nothing = commandContext(w.services, { args: { command: 'refund' } });
  await helpCommand.handler(nothing.ctx);
  assert.deepEqual(nothing.rec.ephemerals, ['There is no command /refund. /help lists everything you can use.']);
});

test('/lang saves the language in the settings and confirms in the new language', async (t) => {
  const w = await makeWorld(t);
  const es = commandContext(w.services, { args: { language: 'es' }, lang: 'en' });
  await langCommand.handler(es.ctx);
  assert.deepEqual(es.rec.ephemerals, ['Hecho: a partir de ahora te responderé en español.']);
  assert.equal(w.settings.get().chat.users['console:lucia']?.language, 'es');
  const zh = commandContext(w.services, { args: { language: 'zh-cn' }, lang: 'es' });
  await langCommand.handler(zh.ctx);
  assert.deepEqual(zh.rec.ephemerals, ['好的，之后我会用简体中文回复你。']);
  assert.equal(w.settings.get().chat.users['console:lucia']?.language, 'zh-CN');
  const bad = commandContext(w.services, { args: { language: 'fr' } });
  await langCommand.handler(bad.ctx);
  assert.match(String(bad.rec.ephemerals[0]), /Usage: \/lang <zh-CN\|en\|es>/);
  assert.equal(w.settings.get().chat.users['console:lucia']?.language, 'zh-CN', 'unchanged');
  assert.equal(pickLanguage('es-MX'), 'es');
  assert.equal(pickLanguage('english'), undefined);
});
