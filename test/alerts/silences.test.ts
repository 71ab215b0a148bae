import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TFunction } from 'i18next';
import { ALERT_SILENCE } from '../../cards/alert.ts';
import { alertsCommand } from '../../commands/alerts.ts';
import { silenceAlertAction, silenceCommand } from '../../commands/silence.ts';
import { createAlertService, type AlertBotServices } from '../../src/alerts/service.ts';
import { parseDuration, parseSilenceSpec } from '../../src/alerts/silences.ts';
import type { Card } from '../../src/core/card.ts';
import type { Outbound } from '../../src/core/chat.ts';
import type { ActionContext, CommandContext, Role } from '../../src/core/command.ts';
import { getT } from '../../src/core/i18n.ts';
import { SettingsStore } from '../../src/settings/store.ts';
import { cardText } from '../cards/helpers.ts';
import { tempDir } from '../helpers/temp.ts';
import { advance, alertWorld, HOUR, MIN, S, staleAlert, type AlertWorld } from './helpers.ts';

const ACTOR = { platform: 'console', userId: 'lucia', name: 'Lucía' };
const PLACE = { platform: 'console', channelId: 'ops' };

interface Said {
  replies: Outbound[];
  ephemerals: Outbound[];
}

function text(o: Outbound | undefined): string {
  return typeof o === 'string' ? o : o ? cardText(o) : '';
}

function contexts(services: AlertBotServices, lang = 'en') {
  const said: Said = { replies: [], ephemerals: [] };
  const t: TFunction = getT(lang, 'bot');
  const base = {
    t,
    locale: lang,
    actor: ACTOR,
    place: PLACE,
    reply: async (c: Outbound) => void said.replies.push(c),
    ephemeral: async (c: Outbound) => void said.ephemerals.push(c),
    postTracked: async () => undefined,
    services,
  };
  const command = (spec: string | undefined, role: Role = 'agent'): CommandContext<AlertBotServices> => ({ ...base, role, args: { spec }, catalog: [] });
  const action = (value: string, role: Role = 'agent'): ActionContext<AlertBotServices> => ({ ...base, role, value, updateCard: async () => undefined });
  return { said, command, action };
}

async function world(t: import('node:test').TestContext): Promise<{ w: AlertWorld; doc: SettingsStore; dir: string; services: AlertBotServices }> {
  const dir = tempDir(t);
  const doc = await SettingsStore.open(dir);
  const w = await alertWorld(t, () => undefined, doc);
  const services = { alerts: createAlertService({ pipeline: w.pipeline, settings: doc, clock: w.clock, timeZone: 'UTC' }) };
  return { w, doc, dir, services };
}

test('"Silence 24 h" on the card (agent): written to the settings file atomically; the card says so at once; new alerts stay quiet; expiry re-posts', async (t) => {
  const { w, dir, services } = await world(t);
  assert.equal(silenceAlertAction.actionId, ALERT_SILENCE);
  assert.equal(silenceAlertAction.role, 'agent');
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30), staleAlert('A2', 30)], resolved: [] });
  await advance(w, 30 * S);
  const posted = w.publisher.last();
  assert.ok(posted);
  const button = posted.card.elements.flatMap((e) => (e.type === 'actions' ? e.buttons : []))[0];
  assert.equal(button?.actionId, ALERT_SILENCE);

  const { said, action } = contexts(services);
  await silenceAlertAction.handler(action(button?.value ?? ''));
  assert.match(text(said.ephemerals[0]), /Silenced `kind=stale source=wms shop=default` until Jun 2, 2026, 09:00/);
  const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { silences: { matchers: Record<string, string>; until: string; createdBy: string }[] };
  assert.equal(file.silences.length, 1);
  assert.deepEqual(file.silences[0]?.matchers, { kind: 'stale', source: 'wms', shop: 'default' });
  assert.equal(file.silences[0]?.until, new Date(w.clock.now() + 24 * HOUR).toISOString());
  assert.equal(file.silences[0]?.createdBy, 'console:lucia');
  const muted = w.publisher.last();
  assert.equal(muted?.versions, 2, 'the same card changed in place');
  assert.equal(muted?.card.header?.severity, 'info');
  assert.match(cardText(muted?.card ?? posted.card), /Silenced by Lucía \(agent\) until/);
  assert.equal(muted?.card.elements.some((e) => e.type === 'actions'), false);

  await w.pipeline.ingest({ firing: [staleAlert('A3', 30)], resolved: [] });
  for (let i = 0; i < 12 * 23; i++) await advance(w, 5 * MIN);
  assert.equal(w.publisher.posts().length, 1, 'nothing new is posted while silenced');
  await advance(w, 60 * MIN);
  assert.equal(w.publisher.posts().length, 2, 'after the silence expired the group is posted again');
  assert.equal(w.publisher.last()?.card.header?.title, '3 orders stuck past their limit · wms');
});

test('a tampered or empty button value silences nothing', async (t) => {
  const { services } = await world(t);
  const { said, action } = contexts(services);
  await silenceAlertAction.handler(action(''));
  await silenceAlertAction.handler(action('kind=nonsense'));
  assert.equal(services.alerts.silences().length, 0);
  assert.match(text(said.ephemerals[1]), /no longer works/);
});

test('/silence <matchers> <duration> creates, /silence lists, /silence expire <id> ends; /alerts shows counts and silences', async (t) => {
  const { w, services } = await world(t);
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30), staleAlert('A2', 30), staleAlert('B1', 30, 'erp')], resolved: [] });
  await advance(w, 30 * S);
  assert.equal(w.publisher.posts().length, 2);
  const { said, command } = contexts(services);

  await silenceCommand.handler(command('kind=stale source=wms orderId=A1 2h'));
  assert.match(text(said.replies[0]), /Silenced `kind=stale source=wms orderId=A1` until Jun 1, 2026, 11:00/);
  const id = services.alerts.silences()[0]?.id ?? '';
  assert.match(id, /^[0-9a-f]{8}$/);

  await alertsCommand.handler(command(undefined, 'viewer'));
  const list = said.replies[1] as Card;
  assert.equal(list.header?.title, '2 alert groups firing');
  const table = list.elements.find((e) => e.type === 'table');
  assert.ok(table?.type === 'table');
  assert.deepEqual(table.rows.map((r) => r.slice(0, 4)), [
    ['2 orders stuck past their limit · wms', '1', '1', '0'],
    ['1 order stuck past its limit · erp', '1', '0', '0'],
  ]);
  assert.match(cardText(list), new RegExp(`${id}.*orderId=A1.*by Lucía`));

  // The partly silenced group shows one order now, at its next flush.
  await advance(w, 5 * MIN);
  const wms = w.publisher.posts().find((m) => m.card.header?.title?.endsWith('· wms'));
  assert.equal(wms?.card.header?.title, '1 order stuck past its limit · wms');

  await silenceCommand.handler(command(undefined));
  assert.equal((said.replies[2] as Card).header?.title, '1 silence in force');

  await silenceCommand.handler(command(`expire ${id}`));
  assert.match(text(said.replies[3]), new RegExp(`Silence \`${id}\` ended`));
  assert.equal(services.alerts.silences().length, 0);
  await silenceCommand.handler(command(`expire ${id}`));
  assert.match(text(said.ephemerals[0]), /no silence/);
});

test('/silence refuses what it cannot read, with the reason and the usage', async (t) => {
  const { services } = await world(t);
  const { said, command } = contexts(services, 'es');
  for (const spec of ['24h', 'kind=stale', 'kind=bogus 1h', 'colour=red 1h', 'kind=stale 100d', 'expire']) await silenceCommand.handler(command(spec));
  const answers = said.ephemerals.map(text);
  assert.equal(answers.length, 6);
  assert.match(answers[0] ?? '', /al menos una etiqueta/);
  assert.match(answers[1] ?? '', /cuánto tiempo/);
  assert.match(answers[2] ?? '', /`bogus` no es un tipo de alerta/);
  assert.match(answers[3] ?? '', /No entiendo `colour=red`/);
  assert.match(answers[4] ?? '', /90 días/);
  for (const a of answers) assert.match(a, /Uso: \/silence/);
  assert.equal(services.alerts.silences().length, 0);
});

test('durations and specs parse as people type them', () => {
  assert.equal(parseDuration('30m'), 30 * MIN);
  assert.equal(parseDuration('1d12h'), 36 * HOUR);
  assert.equal(parseDuration('2w'), 14 * 24 * HOUR);
  assert.equal(parseDuration('24'), undefined);
  assert.equal(parseDuration('h'), undefined);
  assert.deepEqual(parseSilenceSpec(['Kind=stale', 'SOURCE=wms', '24h']), { ok: true, matchers: { kind: 'stale', source: 'wms' }, durationMs: 24 * HOUR });
  assert.deepEqual(parseSilenceSpec(['kind=stale', '1h', '2h']), { ok: false, error: { code: 'bad_word', word: '2h' } });
});
