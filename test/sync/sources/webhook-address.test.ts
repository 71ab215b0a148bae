// The webhook body's optional `shipping_address` per order: mapped onto shipTo, a wrong type rejects only that order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readWebhookOrders } from '../../../src/sync/sources/webhook.ts';

const AT = '2026-06-01T10:00:00Z';

test('a full shipping_address becomes shipTo; without one the record has no shipTo key', () => {
  const { records, errors } = readWebhookOrders(
    [
      {
        order_id: 'W1', status: 'paid', updated_at: AT,
        shipping_address: { name: ' 张三 ', phone: '+8613800000000', country: 'CN', region: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 90 号', postal_code: '310012' },
      },
      {
        order_id: 'W2', status: 'paid', updated_at: AT,
        shipping_address: { name: 'Sherlock Holmes', country: 'GB', city: 'London', street: '221B Baker Street, Flat 2', postal_code: 'NW1 6XE', extra: 'ignored' },
      },
      { order_id: 'W3', status: 'paid', updated_at: AT },
      { order_id: 'W4', status: 'paid', updated_at: AT, shipping_address: { name: '  ', street: '' } },
    ],
    'evt-a',
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(records[0]?.shipTo, { name: '张三', phone: '+8613800000000', country: 'CN', region: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 90 号', postalCode: '310012' });
  assert.deepEqual(records[1]?.shipTo, { name: 'Sherlock Holmes', country: 'GB', city: 'London', street: '221B Baker Street, Flat 2', postalCode: 'NW1 6XE' });
  assert.equal(records[2]?.orderId, 'W3');
  assert.ok(!('shipTo' in (records[2] ?? {})), 'no address, no shipTo key');
  assert.ok(!('shipTo' in (records[3] ?? {})), 'only blank fields, no shipTo key');
});

test('a non-string city rejects that order with its path; the others in the delivery are kept', () => {
  const { records, errors } = readWebhookOrders(
    [
      { order_id: 'W5', status: 'paid', updated_at: AT, shipping_address: { city: '杭州市' } },
      { order_id: 'W6', status: 'paid', updated_at: AT, shipping_address: { city: 571, street: '文三路 90 号' } },
      { order_id: 'W7', status: 'paid', updated_at: AT, shipping_address: 'London' },
      { order_id: 'W8', status: 'shipped', updated_at: AT },
    ],
    'evt-b',
  );
  assert.deepEqual(records.map((r) => r.orderId), ['W5', 'W8']);
  assert.deepEqual(records[0]?.shipTo, { city: '杭州市' });
  assert.deepEqual(errors.map((e) => e.ref), ['event evt-b #1', 'event evt-b #2']);
  assert.match(errors[0]?.message ?? '', /^shipping_address\.city: .*expected string/);
  assert.match(errors[1]?.message ?? '', /^shipping_address: .*expected object/);
  // The message names the field, never the address itself.
  assert.ok(errors.every((e) => !e.message.includes('文三路') && !e.message.includes('London')));
});
