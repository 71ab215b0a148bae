// Every source kind can say an order's discounts, shipping fee and tax (what lies between its items' sum and its
// amount), and the sync engine keeps them on the way to the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../src/core/clock.ts';
import { netAdjustment } from '../../../src/core/order.ts';
import { mapRow } from '../../../src/sync/sources/columns.ts';
import { createHttpJsonSource } from '../../../src/sync/sources/http-json.ts';
import { toShopifyRecord } from '../../../src/sync/sources/shopify-order.ts';
import { readWebhookOrders } from '../../../src/sync/sources/webhook.ts';
import { collect, testDeps } from '../../demo/helpers.ts';

const AT = '2026-06-01T10:00:00Z';

test('net adjustment: shipping + tax − discount, undefined when the source said none', () => {
  assert.equal(netAdjustment({ discount: 20, shipping: 8 }), -12);
  assert.equal(netAdjustment({ tax: 15.6 }), 15.6);
  assert.equal(netAdjustment({}), undefined);
  assert.equal(netAdjustment(undefined), undefined);
});

test('Shopify: total_discounts, shipping and total_tax; with taxes_included the tax is already in the line prices', () => {
  const base = { id: 1, name: '#1001', updated_at: AT, financial_status: 'paid', fulfillment_status: null, cancelled_at: null, currency: 'EUR', line_items: [{ sku: 'TEA', quantity: 2, price: '45.00' }] };
  const us = toShopifyRecord({ ...base, total_price: '87.30', total_discounts: '9.00', total_tax: '6.30', total_shipping_price_set: { shop_money: { amount: '0.00', currency_code: 'USD' } } }, 'name');
  assert.ok('record' in us);
  assert.deepEqual(us.record.adjustments, { discount: 9, shipping: 0, tax: 6.3 });
  assert.equal(90 + (netAdjustment(us.record.adjustments) ?? NaN), us.record.amount, 'items − discount + shipping + tax is the total');
  const eu = toShopifyRecord({ ...base, total_price: '81.00', total_discounts: '9.00', total_tax: '13.50', taxes_included: true }, 'name');
  assert.ok('record' in eu);
  assert.deepEqual(eu.record.adjustments, { discount: 9, shipping: undefined, tax: 0 });
  const none = toShopifyRecord({ ...base, total_price: '90.00' }, 'name');
  assert.ok('record' in none && !('adjustments' in none.record));
});

test('webhook: discount, shipping and tax per order, numbers or numeric text', () => {
  const { records, errors } = readWebhookOrders(
    [
      { order_id: 'W1', status: 'paid', updated_at: AT, amount: 108, discount: '20', shipping: 8 },
      { order_id: 'W2', status: 'paid', updated_at: AT, amount: 120 },
      { order_id: 'W3', status: 'paid', updated_at: AT, discount: 'ten' },
    ],
    'evt-adj',
  );
  assert.deepEqual(records[0]?.adjustments, { discount: 20, shipping: 8, tax: undefined });
  assert.ok(!('adjustments' in (records[1] ?? {})));
  assert.deepEqual(errors.map((e) => e.ref), ['event evt-adj #2'], 'the third order (index 2) is rejected, the others kept');
});

test('CSV / SQL columns: discount, shipping and tax cells, thousands separators too; a bad cell rejects the row', () => {
  const columns = { orderId: 'no', status: 'st', updatedAt: 'at', amount: 'total', discount: 'disc', shipping: 'ship', tax: 'vat' };
  const row = (v: Record<string, unknown>) => mapRow((c) => v[c], columns, { timeZone: 'UTC', updatedAtFormat: 'auto' });
  const ok = row({ no: 'C1', st: 'paid', at: AT, total: '1,108.00', disc: '20', ship: '8', vat: '' });
  assert.ok(ok.ok);
  assert.deepEqual(ok.record.adjustments, { discount: 20, shipping: 8 });
  const bad = row({ no: 'C2', st: 'paid', at: AT, disc: 'n/a' });
  assert.equal(bad.ok, false);
});

test('http-json: fields.discount / shipping / tax paths', async () => {
  const body = { data: [{ no: 'H1', st: 'paid', ts: AT, money: { off: 20, post: '8.5', vat: null } }, { no: 'H2', st: 'paid', ts: AT }] };
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
    const clock = new ManualClock();
    const fields = { orderId: '$.no', status: '$.st', updatedAt: '$.ts', discount: '$.money.off', shipping: '$.money.post', tax: '$.money.vat' };
    const options = { url, recordsPath: '$.data', retries: 0, timeoutMs: 2000, fields };
    const source = createHttpJsonSource({ name: 'oms', kind: 'http-json', enabled: true, mapping: ['english-common'], options }, testDeps({}, clock));
    const [page] = await collect(source, null, clock);
    assert.deepEqual(page?.records.map((r) => r.adjustments), [{ discount: 20, shipping: 8.5 }, undefined]);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
