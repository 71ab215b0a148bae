import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPriceProblem } from '../../src/detect/price.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { detectWorld, NOW, openOf } from './helpers.ts';

const authority = readDefaultSettings().authority;
const view = (system: string, amount: number | null, currency: string | null = 'CNY') => ({ system, status: 'paid' as const, raw: 'paid', updatedAt: NOW, amount, currency });
const opts = { authority, tolerancePercent: 1, sourceOf: (s: string) => s };

test('price rule: amounts compared within one currency, against the items’ sum when known, beyond the tolerance', () => {
  assert.equal(findPriceProblem('A', [view('storefront', 100), view('erp', 100.5)], [], opts), undefined, '0.5% is within 1%');
  const apart = findPriceProblem('A', [view('storefront', 100), view('erp', 120)], [], opts);
  assert.equal(apart?.details.deviationPercent, 20, 'erp is 20% off the payment authority (storefront)');
  assert.equal(apart?.source, 'erp');
  const items = findPriceProblem('A', [view('storefront', 100)], [{ system: 'erp', total: 90, adjust: 0 }], opts);
  assert.deepEqual(items?.details, { amounts: [{ system: 'storefront', amount: 100, currency: 'CNY' }], expected: 90, deviationPercent: 11.11 });
  assert.equal(findPriceProblem('A', [view('storefront', 80)], [{ system: 'erp', total: 100 }], opts), undefined, 'below the items\' sum with no word on discounts: a discount, not a wrong amount');
  assert.equal(findPriceProblem('A', [view('storefront', 112)], [{ system: 'erp', total: 100 }], opts), undefined, 'above it with no word on shipping or tax: not a wrong amount either');
  assert.equal(findPriceProblem('A', [view('storefront', 80)], [{ system: 'erp', total: 100, adjust: -20 }], opts), undefined, 'a 20 discount said: 80 is owed');
  assert.equal(findPriceProblem('A', [view('storefront', 80)], [{ system: 'erp', total: 100, adjust: 10 }], opts)?.details.expected, 110, 'shipping 10 said: 110 is owed, 80 is wrong');
  assert.equal(findPriceProblem('A', [view('storefront', 100, 'CNY'), view('erp', 14, 'USD')], [], opts), undefined, 'different currencies are not compared');
  assert.equal(findPriceProblem('A', [view('storefront', 100, null), view('erp', 130, 'CNY')], [], opts)?.details.deviationPercent, 30, 'a missing currency joins the other');
  assert.equal(findPriceProblem('A', [view('wms', null)], [], opts), undefined);
});

test('price and stock through the runner, from what the sources sent (amounts, priced items, stock raw statuses, quarantine)', async (t) => {
  const w = await detectWorld(t, [{ name: 'storefront' }, { name: 'erp' }, { name: 'wms' }]);
  await w.commit('storefront', [
    { id: 'P1', status: 'paid', hoursAgo: 1, amount: 100, currency: 'CNY' },
    { id: 'P2', status: 'paid', hoursAgo: 1, amount: 59.9, currency: 'CNY' },
    { id: 'K1', status: 'paid', hoursAgo: 2 },
    { id: 'K2', status: 'paid', hoursAgo: 2 },
    { id: 'K3', status: 'shipped', hoursAgo: 2 },
  ]);
  await w.commit('erp', [
    { id: 'P1', status: 'paid', hoursAgo: 1, amount: 150, currency: 'CNY' },
    { id: 'P2', status: 'paid', hoursAgo: 1, amount: 59.9, currency: 'CNY', items: [{ sku: 'X', qty: 2, price: 29.95 }] },
  ]);
  // K1: the WMS's mapping maps STOCK_SHORT (to exception); K2: it is unmapped and sits in quarantine; K3 is already shipped.
  await w.commit('wms', [{ id: 'K1', status: 'exception', raw: 'STOCK_SHORT', hoursAgo: 1, items: [{ sku: 'SKU-9', qty: 3 }] }], { quarantined: [{ id: 'K2', raw: '缺货' }, { id: 'K3', raw: 'out_of_stock' }] });
  await w.runner.scan();
  const price = await openOf(w.store, 'price');
  assert.deepEqual([...price.keys()], ['price:P1'], 'P2 matches its items (2 × 29.95)');
  assert.equal(price.get('price:P1')?.deviationPercent, 50);
  const stock = await openOf(w.store, 'stock');
  assert.deepEqual([...stock.keys()].sort(), ['stock:K1:wms', 'stock:K2:wms']);
  assert.deepEqual(stock.get('stock:K1:wms'), { system: 'wms', raw: 'STOCK_SHORT', status: 'exception', since: NOW - 3_600_000, items: [{ sku: 'SKU-9', qty: 3 }] });
  assert.equal(stock.get('stock:K2:wms')?.status, 'paid');

  // The WMS finds stock for K1 and corrects P1's amount: both resolve at the next scan.
  await w.commit('wms', [{ id: 'K1', status: 'picking', raw: 'picking', hoursAgo: 0 }]);
  await w.commit('erp', [{ id: 'P1', status: 'paid', hoursAgo: 0, amount: 100, currency: 'CNY' }]);
  await w.runner.scan();
  assert.equal((await openOf(w.store, 'price')).size, 0);
  assert.deepEqual([...(await openOf(w.store, 'stock')).keys()], ['stock:K2:wms']);
  assert.ok(w.sink.resolved().includes('price:P1') && w.sink.resolved().includes('stock:K1:wms'));
});

test('a realistic day of orders with discounts, shipping and tax raises a price card only for the one wrong amount', async (t) => {
  const w = await detectWorld(t, [{ name: 'storefront' }, { name: 'erp' }]);
  const items = [{ sku: 'TEA', qty: 2, price: 45 }, { sku: 'CUP', qty: 1, price: 30 }]; // 120 gross
  await w.commit('storefront', [
    // Coupon SAVE20: 120 − 20 + 8 shipping = 108, and the ERP agrees.
    { id: 'D1', status: 'paid', hoursAgo: 2, amount: 108, currency: 'CNY', items, adjustments: { discount: 20, shipping: 8 } },
    // Free shipping, 13 % VAT on top: 135.6.
    { id: 'D2', status: 'paid', hoursAgo: 2, amount: 135.6, currency: 'CNY', items, adjustments: { tax: 15.6 } },
    // A marketplace export with items and a discounted total but no discount column: nothing to say about it.
    { id: 'D3', status: 'paid', hoursAgo: 2, amount: 99, currency: 'CNY', items },
    // The storefront charged 108 but the ERP typed 180.
    { id: 'D4', status: 'paid', hoursAgo: 2, amount: 108, currency: 'CNY', items, adjustments: { discount: 20, shipping: 8 } },
  ]);
  await w.commit('erp', [
    { id: 'D1', status: 'paid', hoursAgo: 1, amount: 108, currency: 'CNY' },
    { id: 'D2', status: 'paid', hoursAgo: 1, amount: 135.6, currency: 'CNY' },
    { id: 'D3', status: 'paid', hoursAgo: 1, amount: 99, currency: 'CNY' },
    { id: 'D4', status: 'paid', hoursAgo: 1, amount: 180, currency: 'CNY' },
  ]);
  await w.runner.scan();
  const price = await openOf(w.store, 'price');
  assert.deepEqual([...price.keys()], ['price:D4']);
  assert.equal(price.get('price:D4')?.expected, 108);
});
