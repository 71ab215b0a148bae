import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SUPPORTED_LANGUAGES, getT } from '../../src/core/i18n.ts';
import { buildAlertCard } from '../../cards/alert.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';
import { advance, alertWorld, MIN, S, staleAlert } from './helpers.ts';

test('800 stale orders of one source are ONE card with the count and the ten oldest, not 800 cards', async (t) => {
  const w = await alertWorld(t);
  // Order S0000 is the oldest (1000 h), S0799 the newest.
  const firing = Array.from({ length: 800 }, (_v, i) => staleAlert(`S${String(i).padStart(4, '0')}`, 1000 - i));
  await w.pipeline.ingest({ firing: firing.slice(400), resolved: [] });
  await w.pipeline.ingest({ firing: firing.slice(0, 400), resolved: [] });
  await advance(w, 30 * S);
  assert.equal(w.publisher.posts().length, 1);
  const card = w.publisher.last()?.card;
  assert.ok(card);
  assert.equal(card.header?.title, '800 orders stuck past their limit · wms');
  const list = card.elements.find((e) => e.type === 'list');
  assert.ok(list?.type === 'list');
  assert.equal(list.items.length, 10);
  assert.deepEqual(
    list.items.map((i) => /\*\*(S\d+)\*\*/.exec(i)?.[1]),
    Array.from({ length: 10 }, (_v, i) => `S${String(i).padStart(4, '0')}`),
    'the ten oldest, oldest first',
  );
  assert.match(list.items[0] ?? '', /Paid for 41d 16h \(limit 24 h\) · waiting on wms/);
  assert.match(cardText(card), /…and 790 more/);
  const fields = card.elements.find((e) => e.type === 'fields');
  assert.ok(fields?.type === 'fields');
  assert.deepEqual(fields.fields.find((f) => f.label === 'Open')?.value, '800');

  // 300 resolve: the same card changes in place (count and worst ten follow).
  await w.pipeline.ingest({ firing: [], resolved: firing.slice(0, 300).map((a) => a.fingerprint) });
  await advance(w, 5 * MIN);
  assert.equal(w.publisher.posts().length, 1);
  const updated = w.publisher.last();
  assert.equal(updated?.versions, 2);
  assert.equal(updated?.card.header?.title, '500 orders stuck past their limit · wms');
  assert.match(cardText(updated?.card ?? card), /\*\*S0300\*\*/);
});

test('the group card reads well in every language (no keys leak), in each state', () => {
  const base = {
    groupKey: 'kind=stale,source=wms,shop=default',
    kind: 'stale' as const,
    source: 'wms',
    shop: 'default',
    active: 3,
    silenced: 1,
    inhibited: 2,
    startsAt: Date.UTC(2026, 5, 1),
    worst: [
      { kind: 'stale' as const, orderId: 'A1', source: 'wms', startsAt: 0, parsed: { kind: 'stale' as const, details: { status: 'paid' as const, since: Date.UTC(2026, 4, 30), limitHours: 24, system: 'wms' } } },
      { kind: 'stale' as const, orderId: 'A2', source: 'wms', startsAt: 0, parsed: undefined },
    ],
    silence: { id: 'ab12cd34', until: Date.UTC(2026, 5, 2), by: 'Lucía' },
    inhibitedBy: ['wms'],
    now: Date.UTC(2026, 5, 1, 12),
    timeZone: 'Asia/Shanghai',
  };
  for (const lang of SUPPORTED_LANGUAGES) {
    const tr = getT(lang, 'cards');
    for (const state of ['firing', 'muted', 'resolved'] as const) {
      const c = buildAlertCard({ ...base, state, resolvedCount: 6 }, tr);
      assertNoKeyLeaks(c, `${lang} ${state}`);
      assert.doesNotMatch(cardText(c), /alerts:|\{\{/);
    }
  }
  assert.match(cardText(buildAlertCard({ ...base, state: 'firing' }, getT('zh-CN', 'cards'))), /3 个订单超时未流转 · wms/);
  assert.match(cardText(buildAlertCard({ ...base, state: 'firing' }, getT('es', 'cards'))), /Silenciar 24 h/);
});
