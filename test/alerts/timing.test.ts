import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardButtons } from '../../src/core/card.ts';
import { ALERT_SILENCE } from '../../cards/alert.ts';
import { cardText } from '../cards/helpers.ts';
import { advance, alert, alertWorld, HOUR, MIN, S, staleAlert } from './helpers.ts';

test('group_wait: a new group is posted only after group_wait, with everything that arrived meanwhile in one card', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30)], resolved: [] });
  await advance(w, 10 * S);
  await w.pipeline.ingest({ firing: [staleAlert('A2', 40)], resolved: [] });
  await advance(w, 19 * S);
  assert.equal(w.publisher.posts().length, 0, 'still inside group_wait (30 s)');
  await advance(w, 1 * S);
  assert.equal(w.publisher.posts().length, 1);
  const card = w.publisher.last()?.card;
  assert.equal(card?.header?.title, '2 orders stuck past their limit · wms');
  assert.deepEqual(cardButtons(card ?? { elements: [], fallbackText: '' }).map((b) => [b.actionId, b.value]), [[ALERT_SILENCE, 'kind=stale,source=wms,shop=default']]);
  assert.match(cardText(card ?? { elements: [], fallbackText: '' }), /A2.*A1/s, 'oldest first');
});

test('groups are keyed by kind, source and shop: different kinds or sources are different cards', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({
    firing: [
      staleAlert('A1', 30, 'wms'),
      staleAlert('A2', 30, 'erp'),
      alert('regression', 'A3', { system: 'wms', from: 'shipped', to: 'paid', raw: 'PAID', at: 0 }),
      staleAlert('A4', 30, 'wms'),
    ],
    resolved: [],
  });
  await advance(w, 30 * S);
  const titles = w.publisher.posts().map((m) => m.card.header?.title).sort();
  assert.deepEqual(titles, ['1 order moved backwards · wms', '1 order stuck past its limit · erp', '2 orders stuck past their limit · wms']);
});

test('group_interval: a changed group is updated in place at most once per interval; nothing is sent while unchanged', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30)], resolved: [] });
  await advance(w, 30 * S);
  assert.equal(w.publisher.log.length, 1);
  await w.pipeline.ingest({ firing: [staleAlert('A2', 30)], resolved: [] });
  await advance(w, 2 * MIN);
  assert.equal(w.publisher.log.length, 1, 'the change waits for group_interval (5 min)');
  await advance(w, 3 * MIN);
  assert.deepEqual(w.publisher.log.map((l) => l.op), ['post', 'update']);
  assert.equal(w.publisher.posts().length, 1, 'updated in place, not re-posted');
  assert.equal(w.publisher.last()?.card.header?.title, '2 orders stuck past their limit · wms');
  assert.equal(w.publisher.last()?.versions, 2);
  // The same alert re-raised with unchanged details is no change.
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30), staleAlert('A2', 30)], resolved: [] });
  await advance(w, 5 * MIN);
  assert.equal(w.publisher.log.length, 2);
});

test('repeat_interval: an unchanged firing group is posted again (a reminder) every repeat_interval', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30)], resolved: [] });
  await advance(w, 30 * S);
  for (let i = 0; i < 4 * 12 - 1; i++) await advance(w, 5 * MIN);
  assert.equal(w.publisher.posts().length, 1, 'not before 4 h');
  await advance(w, 5 * MIN);
  assert.equal(w.publisher.posts().length, 2, 're-posted after 4 h');
  const [first, second] = w.publisher.posts();
  assert.equal(first?.cardKey, second?.cardKey, 'same card key: later updates change both copies');
  await w.pipeline.ingest({ firing: [], resolved: ['stale:A1'] });
  await advance(w, 5 * MIN);
  assert.deepEqual(w.publisher.posts().map((m) => m.card.header?.severity), ['success', 'success']);
});

test('when every alert of a group resolves, its card changes in place to "resolved"; a later alert starts a new card', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30), staleAlert('A2', 31)], resolved: [] });
  await advance(w, 30 * S);
  await w.pipeline.ingest({ firing: [], resolved: ['stale:A1'] });
  await advance(w, 5 * MIN);
  assert.equal(w.publisher.last()?.card.header?.title, '1 order stuck past its limit · wms');
  await w.pipeline.ingest({ firing: [], resolved: ['stale:A2'] });
  await advance(w, 5 * MIN);
  const msg = w.publisher.last();
  assert.equal(w.publisher.posts().length, 1);
  assert.equal(msg?.card.header?.title, '✅ Resolved · 1 order stuck past its limit · wms');
  assert.equal(msg?.card.header?.severity, 'success');
  assert.equal(cardButtons(msg?.card ?? { elements: [], fallbackText: '' }).length, 0, 'no silence button on a resolved card');
  assert.equal((await w.pipeline.repo.groups()).length, 0, 'the group is closed');

  await w.pipeline.ingest({ firing: [staleAlert('A3', 30)], resolved: [] });
  await advance(w, 29 * S);
  assert.equal(w.publisher.posts().length, 1, 'a new episode waits group_wait again');
  await advance(w, 1 * S);
  assert.equal(w.publisher.posts().length, 2);
  assert.notEqual(w.publisher.posts()[0]?.cardKey, w.publisher.posts()[1]?.cardKey, 'new episode, new card');
});

test('a group resolved before its first card is never posted', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30)], resolved: [] });
  await w.pipeline.ingest({ firing: [], resolved: ['stale:A1'] });
  await advance(w, 1 * HOUR);
  assert.equal(w.publisher.log.length, 0);
});

test('`complete` kinds: firing alerts of that kind not listed resolve (how the runner reconciles)', async (t) => {
  const w = await alertWorld(t);
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30), staleAlert('A2', 30)], resolved: [] });
  await advance(w, 30 * S);
  await w.pipeline.ingest({ firing: [staleAlert('A2', 30)], resolved: [], complete: ['stale'] });
  await advance(w, 5 * MIN);
  assert.equal(w.publisher.last()?.card.header?.title, '1 order stuck past its limit · wms');
});

test('routes per alert kind: a kind with its own route goes there, the others to the alerts route', async (t) => {
  const w = await alertWorld(t, (s) => {
    s.chat.routes = { alerts: ['console:ops'], 'alerts.regression': ['slack:C0WAREHOUSE'] };
  });
  await w.pipeline.ingest({ firing: [staleAlert('A1', 30, 'wms'), alert('regression', 'A3', { system: 'wms', from: 'shipped', to: 'paid', raw: 'PAID', at: 0 })], resolved: [] });
  await advance(w, 30 * S);
  const where = w.publisher.posts().map((m) => `${m.card.header?.title} → ${m.ref.platform}:${m.ref.channelId}`).sort();
  assert.deepEqual(where, ['1 order moved backwards · wms → slack:C0WAREHOUSE', '1 order stuck past its limit · wms → console:ops']);
});
