import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_SOURCES, buildSyncSummaryCard, RERUN_SYNC, syncOutcome } from '../../cards/sync-summary.ts';
import { cardButtons, type Card } from '../../src/core/card.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import type { RunSummary } from '../../src/sync/engine.ts';
import { assertNoKeyLeaks, cardText } from './helpers.ts';

const run = (source: string, over: Partial<RunSummary> = {}): RunSummary => ({
  runId: 7, source, system: source, trigger: 'chat', status: 'ok', fetched: 10, changed: 2, unchanged: 8, stale: 0, quarantined: 0, errors: 0, events: 2, durationMs: 1200, ...over,
});
const FINISHED = Date.UTC(2026, 5, 1, 8, 0);
const table = (c: Card): string[][] => {
  const e = c.elements.find((x) => x.type === 'table');
  assert.ok(e?.type === 'table');
  return e.rows;
};

test('all ok: success colour, one row per source with the counters, Run again for every source', () => {
  const c = buildSyncSummaryCard({ summaries: [run('erp'), run('wms', { fetched: 1234, changed: 5, unchanged: 1229, quarantined: 0 })], finishedAt: FINISHED }, getT('en', 'cards'));
  assert.equal(c.header?.severity, 'success');
  assert.equal(c.header?.title, 'Sync finished · all 2 sources ok');
  assert.deepEqual(table(c), [
    ['erp', '✅ ok', '10', '2', '8', '0', '0', '1.2s'],
    ['wms', '✅ ok', '1,234', '5', '1,229', '0', '0', '1.2s'],
  ]);
  assert.deepEqual(cardButtons(c).map((b) => [b.actionId, b.value]), [[RERUN_SYNC, ALL_SOURCES]]);
});

test('a failure covered by its fallback is a warning; the fallback is an indented row and a note', () => {
  const summaries = [run('erp', { status: 'failed', error: 'http.503: erp answered 503', errorCode: 'http.503', fetched: 0, changed: 0, unchanged: 0, fallback: run('erp-db', { runId: 8, quarantined: 2 }) }), run('wms')];
  assert.equal(syncOutcome(summaries), 'fallback');
  for (const lang of SUPPORTED_LANGUAGES) {
    const c = buildSyncSummaryCard({ summaries, finishedAt: FINISHED, timeZone: 'Asia/Shanghai' }, getT(lang, 'cards'));
    assertNoKeyLeaks(c, lang);
    assert.equal(c.header?.severity, 'warning');
    assert.deepEqual(table(c).map((r) => r[0]), ['erp', '↳ erp-db', 'wms']);
    assert.match(cardText(c), /`http\.503: erp answered 503`/);
    assert.match(cardText(c), /erp-db/);
  }
  assert.match(cardText(buildSyncSummaryCard({ summaries, finishedAt: FINISHED }, getT('en', 'cards'))), /2 records had a raw status with no mapping/);
});

test('a failure with no fallback is danger and says the orders were not updated; one source names itself', () => {
  const c = buildSyncSummaryCard({ summaries: [run('shopify', { status: 'failed', error: 'http.401: bad token' })], source: 'shopify', finishedAt: FINISHED }, getT('en', 'cards'));
  assert.equal(c.header?.severity, 'danger');
  assert.equal(c.header?.title, 'Sync problem · shopify failed');
  assert.match(cardText(c), /shopify has no fallback/);
  assert.deepEqual(cardButtons(c).map((b) => b.value), ['shopify']);
  const two = buildSyncSummaryCard({ summaries: [run('a', { status: 'failed' }), run('b')], finishedAt: FINISHED }, getT('en', 'cards'));
  assert.equal(two.header?.title, 'Sync problem · 1 of 2 sources failed');
});

test('joined runs are marked; no sources gives a friendly card without a rerun button', () => {
  const joined = buildSyncSummaryCard({ summaries: [run('wms', { joined: true })], finishedAt: FINISHED }, getT('es', 'cards'));
  assert.match(table(joined)[0]?.[1] ?? '', /ya en curso/);
  for (const lang of SUPPORTED_LANGUAGES) {
    const empty = buildSyncSummaryCard({ summaries: [], finishedAt: FINISHED }, getT(lang, 'cards'));
    assertNoKeyLeaks(empty, lang);
    assert.equal(empty.header?.severity, 'info');
    assert.equal(cardButtons(empty).length, 0);
  }
});
