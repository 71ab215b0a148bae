import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALERT_SILENCE } from '../../cards/alert.ts';
import { ACTIONS } from '../../commands/index.ts';
import { CARD_SAMPLES } from '../../cards/samples.ts';
import { REFRESH_ORDER, SYNC_ORDER } from '../../cards/order-detail.ts';
import { REFRESH_STATUS } from '../../cards/status-overview.ts';
import { RERUN_SYNC } from '../../cards/sync-summary.ts';
import { cardButtons } from '../../src/core/card.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { assertNoKeyLeaks, cardText } from './helpers.ts';

const KNOWN_ACTIONS = new Set([REFRESH_ORDER, SYNC_ORDER, RERUN_SYNC, REFRESH_STATUS, ALERT_SILENCE, ...ACTIONS.map((a) => a.actionId)]);

test('every sample card builds in every language with no untranslated key, placeholder or empty label', () => {
  assert.ok(CARD_SAMPLES.length >= 12);
  for (const lang of SUPPORTED_LANGUAGES) {
    for (const ns of ['bot', 'cards']) {
      const t = getT(lang, ns);
      for (const s of CARD_SAMPLES) {
        const c = s.build(t);
        assertNoKeyLeaks(c, `${lang}/${ns}/${s.name}`);
        for (const b of cardButtons(c)) {
          assert.ok(KNOWN_ACTIONS.has(b.actionId), `${s.name}: unknown action ${b.actionId}`);
          assert.ok(b.label.trim().length > 0 && b.value.length <= 2000);
        }
      }
    }
  }
});

test('sample names are unique and cover the edge cases the golden tests need', () => {
  const names = CARD_SAMPLES.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  for (const needed of ['order-systems-disagree', 'order-long-history', 'order-quarantined', 'sync-failed-with-fallback', 'status-empty', 'help-order', 'tasks-empty']) assert.ok(names.includes(needed), needed);
});

test('samples are deterministic: same language, same card (no clock, no host time zone)', () => {
  const t = getT('zh-CN', 'cards');
  for (const s of CARD_SAMPLES) assert.deepEqual(s.build(t), s.build(t), s.name);
  const prev = process.env.TZ;
  const en = getT('en', 'cards');
  const before = CARD_SAMPLES.map((s) => s.build(en));
  process.env.TZ = 'America/Los_Angeles';
  try {
    assert.deepEqual(CARD_SAMPLES.map((s) => s.build(en)), before);
  } finally {
    if (prev === undefined) delete process.env.TZ;
    else process.env.TZ = prev;
  }
});

test('the three languages really differ (translations, not copies of English)', () => {
  const texts = SUPPORTED_LANGUAGES.map((lang) => CARD_SAMPLES.map((s) => cardText(s.build(getT(lang, 'cards')))).join('\n'));
  assert.equal(new Set(texts).size, 3);
  assert.match(texts[0] ?? '', /订单/);
  assert.match(texts[2] ?? '', /Pedido/);
});
