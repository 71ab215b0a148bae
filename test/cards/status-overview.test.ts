import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatusCard, REFRESH_STATUS, type StatusOverviewView } from '../../cards/status-overview.ts';
import { cardButtons } from '../../src/core/card.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { assertNoKeyLeaks, cardText } from './helpers.ts';

const NOW = Date.UTC(2026, 5, 1, 8, 0);
const full: StatusOverviewView = {
  counts: [
    { system: '*', status: 'shipped', count: 2 },
    { system: '*', status: 'paid', count: 1 },
    { system: 'wms', status: 'shipped', count: 2 },
    { system: 'erp', status: 'paid', count: 3 },
  ],
  stuck: [{ status: 'paid', count: 1, limitHours: 24 }, { status: 'shipped', count: 0, limitHours: 48 }],
  quarantine: [{ system: 'wms', rawStatus: 'QC_HOLD', orders: 2, lastSeen: NOW, sampleOrderId: 'B1' }],
  now: NOW,
};

test('one table: rows are statuses in lifecycle order, columns the canonical view then each system, with totals', () => {
  const c = buildStatusCard(full, getT('en', 'cards'));
  const table = c.elements.find((e) => e.type === 'table');
  assert.ok(table?.type === 'table');
  assert.deepEqual(table.columns, ['Status', 'Orders', 'erp', 'wms']);
  assert.deepEqual(table.rows, [['Paid', '1', '3', '0'], ['Shipped', '2', '0', '2'], ['Total', '3', '3', '2']]);
  assert.equal(c.header?.title, 'Order status · 3 orders');
  assert.equal(c.header?.severity, 'danger', 'quarantined statuses need someone');
  assert.match(cardText(c), /Paid: 1 order for more than 24h/);
  assert.doesNotMatch(cardText(c), /Shipped: 0/, 'statuses with nothing stuck are not listed');
  assert.match(cardText(c), /QC_HOLD[\s\S]*mapping set/);
  assert.deepEqual(cardButtons(c).map((b) => b.actionId), [REFRESH_STATUS]);
});

test('severity: warning when only stuck orders, success when healthy', () => {
  const t = getT('en', 'cards');
  assert.equal(buildStatusCard({ ...full, quarantine: [] }, t).header?.severity, 'warning');
  assert.equal(buildStatusCard({ ...full, quarantine: [], stuck: [] }, t).header?.severity, 'success');
});

test('an empty database gets a friendly empty state with a Refresh button, in every language', () => {
  for (const lang of SUPPORTED_LANGUAGES) {
    const c = buildStatusCard({ counts: [], stuck: [], quarantine: [], now: NOW }, getT(lang, 'cards'));
    assertNoKeyLeaks(c, lang);
    assert.equal(c.header?.severity, 'info');
    assert.equal(c.elements.some((e) => e.type === 'table'), false);
    assert.match(cardText(c), /\/sync/);
    assert.deepEqual(cardButtons(c).map((b) => b.actionId), [REFRESH_STATUS]);
  }
  for (const lang of SUPPORTED_LANGUAGES) assertNoKeyLeaks(buildStatusCard(full, getT(lang, 'cards')), lang);
});
