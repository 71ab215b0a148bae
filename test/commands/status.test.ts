import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REFRESH_STATUS } from '../../cards/status-overview.ts';
import { refreshStatusAction, statusCommand } from '../../commands/status.ts';
import { cardButtons, type Card } from '../../src/core/card.ts';
import { SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { assertNoKeyLeaks, cardText } from '../cards/helpers.ts';
import { actionContext, commandContext, commit, makeWorld, rec } from './fixture.ts';

const onlyCard = (out: readonly unknown[]): Card => {
  assert.equal(out.length, 1);
  assert.equal(typeof out[0], 'object');
  return out[0] as Card;
};

test('an empty database gets the friendly empty state in every language', async (t) => {
  const w = await makeWorld(t);
  for (const lang of SUPPORTED_LANGUAGES) {
    const { ctx, rec: out } = commandContext(w.services, { lang });
    await statusCommand.handler(ctx);
    const c = onlyCard(out.replies);
    assertNoKeyLeaks(c, lang);
    assert.equal(c.header?.severity, 'info');
    assert.match(cardText(c), /\/sync/);
    assert.deepEqual(cardButtons(c).map((b) => b.actionId), [REFRESH_STATUS]);
  }
});

test('/status: per-status counts by system with totals, stuck orders past their dwell limit, quarantine', async (t) => {
  const w = await makeWorld(t);
  await commit(w, 'storefront', [
    { r: rec('A1', 'paid', 0), status: 'paid' },
    { r: rec('A2', 'paid', 0), status: 'paid' },
    { r: rec('A3', 'paid', 0), status: 'paid' },
  ]);
  await commit(w, 'wms', [{ r: rec('A3', 'shipped', 30), status: 'shipped' }, { r: rec('B1', 'QC_HOLD', 30) }, { r: rec('B2', 'QC_HOLD', 31) }]);
  w.clock.advance(2 * 86_400_000);
  const { ctx, rec: out } = commandContext(w.services);
  await statusCommand.handler(ctx);
  const c = onlyCard(out.replies);
  assertNoKeyLeaks(c, 'en');
  const table = c.elements.find((e) => e.type === 'table');
  assert.ok(table?.type === 'table');
  assert.deepEqual(table.columns, ['Status', 'Orders', 'storefront', 'wms']);
  assert.deepEqual(table.rows, [['Paid', '2', '3', '0'], ['Shipped', '1', '0', '1'], ['Total', '3', '3', '1']]);
  assert.equal(c.header?.title, 'Order status · 3 orders');
  assert.equal(c.header?.severity, 'danger');
  assert.match(cardText(c), /Paid: 2 orders for more than 24h/);
  assert.match(cardText(c), /Shipped: 1 order for more than 48h/);
  const quarantine = c.elements.filter((e) => e.type === 'table')[1];
  assert.ok(quarantine?.type === 'table');
  assert.deepEqual(quarantine.rows, [['wms', 'QC_HOLD', '2', 'B1']]);
  assert.match(cardText(c), /mapping set in the settings/);
});

test('Refresh (viewer) re-reads and updates the card in place', async (t) => {
  const w = await makeWorld(t);
  assert.equal(refreshStatusAction.role, 'viewer');
  const first = actionContext(w.services, '', { lang: 'zh-CN' });
  await refreshStatusAction.handler(first.ctx);
  assert.equal(first.rec.updates[0]?.card.header?.title, '订单状态总览');
  await commit(w, 'erp', [{ r: rec('C1', '已完成', 5), status: 'completed' }]);
  const second = actionContext(w.services, '', { lang: 'zh-CN' });
  await refreshStatusAction.handler(second.ctx);
  const c = second.rec.updates[0]?.card;
  assert.ok(c);
  assert.equal(c.header?.title, '订单状态总览 · 共 1 单');
  assert.equal(c.header?.severity, 'success');
  assert.deepEqual(second.rec.replies, []);
});
