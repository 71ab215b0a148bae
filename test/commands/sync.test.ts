import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_SOURCES, RERUN_SYNC } from '../../cards/sync-summary.ts';
import { rerunSyncAction, syncCommand } from '../../commands/sync.ts';
import { cardButtons, type Card } from '../../src/core/card.ts';
import { RetryableError } from '../../src/core/errors.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';
import { actionContext, commandContext, makeWorld, rec, ScriptedSource } from './fixture.ts';

const rows = (c: Card): string[][] => c.elements.flatMap((e) => (e.type === 'table' ? e.rows : []));

async function world(t: import('node:test').TestContext) {
  const wms = new ScriptedSource('wms', [[{ records: [rec('A1', 'paid', 1), rec('A2', 'QC_HOLD', 2)], errors: [{ ref: 'page 1 #3', message: 'missing id' }] }]]);
  const erp = new ScriptedSource('erp', [new RetryableError('http.503', 'erp answered 503'), [{ records: [rec('A1', '已付款', 1)], errors: [] }]]);
  const erpDb = new ScriptedSource('erp-db', [[{ records: [rec('A1', '已付款', 1)], errors: [] }]]);
  const w = await makeWorld(t, [wms, erp, erpDb], [
    { name: 'wms' },
    { name: 'erp', mapping: ['zh-common'], fallback: 'erp-db', system: 'erp' },
    { name: 'erp-db', kind: 'sql', mapping: ['zh-common'], system: 'erp', enabled: false },
  ]);
  return { w, wms, erp, erpDb };
}

test('/sync says it started, runs every source, then posts the summary tracked under the first run id', async (t) => {
  const { w, wms, erp, erpDb } = await world(t);
  const { ctx, rec: out } = commandContext(w.services, { role: 'agent' });
  await syncCommand.handler(ctx);
  assert.deepEqual(out.ephemerals, ['Sync started for all sources. The summary follows here when it is done.']);
  assert.deepEqual([wms.pulls, erp.pulls, erpDb.pulls], [1, 1, 1]);
  assert.equal(out.tracked.length, 1);
  const posted = out.tracked[0];
  assert.ok(posted);
  const runs = await w.store.runs.recent(10);
  const first = Math.min(...runs.filter((r) => r.source !== 'erp-db').map((r) => r.id));
  assert.equal(posted.key, `sync:${first}`);
  const c = posted.card;
  assertNoKeyLeaks(c, 'en');
  assert.equal(c.header?.severity, 'warning', 'erp failed but its fallback worked');
  assert.deepEqual(rows(c).map((r) => [r[0], r[1], r[2], r[5], r[6]]), [
    ['wms', '✅ ok', '3', '1', '1'],
    ['erp', '❌ failed', '0', '0', '0'],
    ['↳ erp-db', '✅ ok', '1', '0', '0'],
  ]);
  assert.match(cardText(c), /erp failed: `http\.503: erp answered 503`/);
  assert.match(cardText(c), /fallback erp-db was read instead/);
  assert.deepEqual(cardButtons(c).map((b) => [b.actionId, b.value]), [[RERUN_SYNC, ALL_SOURCES]]);
  for (const lang of ['zh-CN', 'es']) assertNoKeyLeaks(posted.build(lang), lang);
});

test('/sync <source> runs just that one (names match ignoring case); the button re-runs the same source', async (t) => {
  const { w, wms, erp } = await world(t);
  const { ctx, rec: out } = commandContext(w.services, { role: 'agent', args: { source: 'WMS' }, lang: 'es' });
  await syncCommand.handler(ctx);
  assert.deepEqual([wms.pulls, erp.pulls], [1, 0]);
  assert.deepEqual(out.ephemerals, ['Sincronización iniciada para wms. El resumen aparecerá aquí al terminar.']);
  const c = out.tracked[0]?.card;
  assert.ok(c);
  assert.equal(c.header?.title, 'Sincronización terminada · 1 fuente correcta');
  assert.deepEqual(cardButtons(c).map((b) => b.value), ['wms']);
});

test('/sync with an unknown source lists the known ones and runs nothing', async (t) => {
  const { w, wms, erp } = await world(t);
  const { ctx, rec: out } = commandContext(w.services, { role: 'agent', args: { source: 'shopfy' } });
  await syncCommand.handler(ctx);
  assert.deepEqual([wms.pulls, erp.pulls], [0, 0]);
  assert.equal(out.tracked.length, 0);
  assert.equal(out.ephemerals[0], 'There is no source called “shopfy”. Known sources: wms, erp, erp-db.');
});

test('/sync with no source configured says how to add one', async (t) => {
  const w = await makeWorld(t);
  const { ctx, rec: out } = commandContext(w.services, { role: 'agent', lang: 'zh-CN' });
  await syncCommand.handler(ctx);
  assert.match(String(out.ephemerals[0]), /还没有配置任何数据源/);
  assert.equal(out.tracked.length + out.replies.length, 0);
});

test('Run again (agent) re-runs and updates that card in place; a source that disappeared is reported', async (t) => {
  const { w, wms, erp } = await world(t);
  assert.equal(rerunSyncAction.role, 'agent');
  const all = actionContext(w.services, ALL_SOURCES, { role: 'agent' });
  await rerunSyncAction.handler(all.ctx);
  assert.deepEqual([wms.pulls, erp.pulls], [1, 1]);
  assert.equal(all.rec.updates.length, 1);
  assert.equal(all.rec.tracked.length, 0, 'the same card is updated, no new one is posted');
  assert.deepEqual(all.rec.ephemerals, ['Running the sync again; this card updates when it is done.']);
  const again = actionContext(w.services, ALL_SOURCES, { role: 'agent' });
  await rerunSyncAction.handler(again.ctx);
  const c = again.rec.updates[0]?.card;
  assert.ok(c);
  assert.equal(c.header?.severity, 'success', 'erp answers the second time');
  assert.deepEqual(rows(c).map((r) => r[0]), ['wms', 'erp']);
  const one = actionContext(w.services, 'wms', { role: 'agent' });
  await rerunSyncAction.handler(one.ctx);
  assert.equal(wms.pulls, 3);
  assert.equal(erp.pulls, 2);
  const gone = actionContext(w.services, 'old-source', { role: 'agent' });
  await rerunSyncAction.handler(gone.ctx);
  assert.equal(gone.rec.updates.length, 0);
  assert.match(String(gone.rec.ephemerals[0]), /old-source/);
});
