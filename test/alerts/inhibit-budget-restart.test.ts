import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardText } from '../cards/helpers.ts';
import { advance, alert, alertWorld, HOUR, MIN, S, staleAlert } from './helpers.ts';

const down = (source: string) => alert('source_down', source, { failures: 3, error: 'HTTP 503', code: 'source.http', fallback: null, fallbackOk: false }, { source, orderId: null });

test('inhibition: a firing source_down for wms suppresses stale alerts waiting on wms (not those on erp); they return when it resolves', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({ firing: [down('wms'), staleAlert('A1', 30, 'wms'), staleAlert('A2', 30, 'wms'), staleAlert('B1', 30, 'erp')], resolved: [] });
  await advance(w, 30 * S);
  const titles = w.publisher.posts().map((m) => m.card.header?.title).sort();
  assert.deepEqual(titles, ['1 order stuck past its limit · erp', '1 source failing · wms'], 'no wms stale card');
  assert.match(cardText(w.publisher.posts().find((m) => m.card.header?.title === '1 source failing · wms')?.card ?? { elements: [], fallbackText: '' }), /wms: `HTTP 503` \(3 failed runs in a row\)/);

  await w.pipeline.ingest({ firing: [], resolved: ['source_down:wms'] });
  await advance(w, 5 * MIN);
  assert.equal(w.publisher.posts().length, 3);
  assert.equal(w.publisher.last()?.card.header?.title, '2 orders stuck past their limit · wms');
  assert.equal(w.publisher.posts().find((m) => m.cardKey.includes('source_down'))?.card.header?.severity, 'success');
});

test('inhibition arriving after the card: the stale card changes in place to "suppressed" and stops asking', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30, 'wms')], resolved: [] });
  await advance(w, 30 * S);
  await w.pipeline.ingest({ firing: [down('wms')], resolved: [] });
  await advance(w, 5 * MIN);
  const stale = w.publisher.posts().find((m) => m.cardKey.includes('kind=stale'));
  assert.equal(stale?.versions, 2);
  assert.match(cardText(stale?.card ?? { elements: [], fallbackText: '' }), /Suppressed while source wms is down/);
});

test('noise budget: past N cards in an hour the channel gets ONE digest card (updated in place) instead; normal cards resume next hour', async (t) => {
  const w = await alertWorld(t, (s) => {
    s.alerts.noiseBudgetPerHour = 3;
  });
  const sources = ['s1', 's2', 's3', 's4', 's5', 's6'];
  await w.pipeline.ingest({ firing: sources.slice(0, 5).map((s, i) => staleAlert(`O${i}`, 30, s)), resolved: [] });
  await advance(w, 30 * S);
  assert.equal(w.publisher.posts('alert:').length, 3, 'budget: 3 cards');
  const digests = w.publisher.posts('alerts:digest:');
  assert.equal(digests.length, 1, 'one digest card for the rest');
  assert.equal(digests[0]?.card.header?.title, 'Alert digest · 2 groups');
  const table = digests[0]?.card.elements.find((e) => e.type === 'table');
  assert.ok(table?.type === 'table');
  assert.deepEqual(table.rows, [['1 order stuck past its limit · s4', '1'], ['1 order stuck past its limit · s5', '1']]);

  await w.pipeline.ingest({ firing: [staleAlert('O5', 30, 's6')], resolved: [] });
  await advance(w, 30 * S);
  assert.equal(w.publisher.posts('alerts:digest:').length, 1, 'still one digest');
  assert.equal(w.publisher.last('alerts:digest:')?.card.header?.title, 'Alert digest · 3 groups');
  assert.equal(w.publisher.posts('alert:').length, 3);

  // 09:00 + 1 h: the budget rolled over; the digested groups get their own cards at their next flush.
  await advance(w, 1 * HOUR - 60 * S);
  assert.equal(w.publisher.posts('alert:').length, 6);
  assert.equal(w.publisher.posts('alerts:digest:').length, 1);
});

test('a restart neither re-notifies nor forgets: timing and card state come from SQLite', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30), staleAlert('A2', 30)], resolved: [] });
  await advance(w, 30 * S);
  assert.equal(w.publisher.log.length, 1);
  await w.pipeline.stop();

  const again = w.restart();
  // The runner re-sends every open finding after a start: nothing changed, so nothing is sent.
  await again.ingest({ firing: [staleAlert('A1', 30), staleAlert('A2', 30)], resolved: [], complete: ['stale'] });
  for (let i = 0; i < 12; i++) await advance(w, 5 * MIN, again);
  assert.equal(w.publisher.log.length, 1, 'no re-post after restart');
  // It remembers the card: a resolution updates the same message.
  await again.ingest({ firing: [], resolved: ['stale:A1', 'stale:A2'] });
  await advance(w, 5 * MIN, again);
  assert.deepEqual(w.publisher.log.map((l) => l.op), ['post', 'update']);
  assert.equal(w.publisher.last()?.card.header?.severity, 'success');
});

test('a pending group_wait survives a restart too (the first card is not lost or doubled)', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30)], resolved: [] });
  await advance(w, 10 * S);
  const again = w.restart();
  await advance(w, 19 * S, again);
  assert.equal(w.publisher.log.length, 0);
  await advance(w, 1 * S, again);
  await w.pipeline.tick();
  assert.equal(w.publisher.log.length, 1);
});
