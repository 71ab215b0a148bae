import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TASK_APPROVE, TASK_CHOOSE, TASK_UNDO } from '../../cards/task.ts';
import { PermanentError } from '../../src/core/errors.ts';
import { cardText } from '../cards/helpers.ts';
import { cardsIn, click, makeTaskWorld } from './world.ts';

test('price: apply sets the corrected amount where it differs, undo puts the old amounts back; keep changes nothing', async (t) => {
  const w = await makeTaskWorld(t);
  const finding = { kind: 'price', fingerprint: 'price:P1', source: 'shop', orderId: 'P1', details: { amounts: [{ system: 'erp', amount: 99, currency: 'CNY' }, { system: 'shop', amount: 89, currency: 'CNY' }], expected: 99, deviationPercent: 10.1 } };
  const task = await w.tasks.onFinding(finding);
  assert.ok(task);
  assert.equal(task.amount, 99, 'four-eyes judged by the largest amount');
  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(task.id)));
  assert.deepEqual(w.ports.calls, ['price shop P1 99']);
  assert.match(cardText(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }), /Set the amount in shop to CN¥99\.00/);
  await w.a.deliver(click('a', 'li', TASK_UNDO, String(task.id)));
  assert.deepEqual(w.ports.calls, ['price shop P1 99', 'price shop P1 89']);
  await w.a.deliver(click('a', 'li', TASK_CHOOSE, `${task.id}:keep`));
  assert.equal(w.ports.calls.length, 2);
  assert.equal((await w.tasks.get(task.id))?.state, 'done');
});

test('source down: switch to the fallback (undo restores the source); acknowledge only records', async (t) => {
  const w = await makeTaskWorld(t);
  const details = { failures: 3, error: 'timeout', code: 'net', fallback: 'erp-backup', fallbackOk: true };
  const task = await w.tasks.onFinding({ kind: 'source_down', fingerprint: 'source_down:erp', source: 'erp', details });
  assert.ok(task);
  assert.equal(task.suggested, 'fallback');
  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(task.id)));
  assert.match(cardText(cardsIn(w.b, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }), /Pulling erp-backup instead of erp/);
  await w.a.deliver(click('a', 'li', TASK_UNDO, String(task.id)));
  await w.a.deliver(click('a', 'li', TASK_CHOOSE, `${task.id}:ack`));
  assert.deepEqual(w.ports.calls, ['fallback erp', 'restore erp']);
  assert.match(cardText(cardsIn(w.b, 'ops')[0]?.card ?? { elements: [], fallbackText: '' }), /Acknowledged; nothing was changed/);
});

test('regression: push the previous status back to the system that went backwards, then resync', async (t) => {
  const w = await makeTaskWorld(t);
  const task = await w.tasks.onFinding({ kind: 'regression', fingerprint: 'regression:R1:wms', source: 'wms', orderId: 'R1', details: { system: 'wms', from: 'shipped', to: 'paid', raw: 'PAID', at: 1 } });
  assert.ok(task);
  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(task.id)));
  assert.deepEqual(w.ports.calls, ['push wms R1 shipped', 'resync wms']);
  w.ports.pushable.delete('wms');
  const other = await w.tasks.onFinding({ kind: 'regression', fingerprint: 'regression:R2:wms', source: 'wms', orderId: 'R2', details: { system: 'wms', from: 'shipped', to: 'paid', raw: 'PAID', at: 1 } });
  assert.ok(other);
  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(other.id)));
  const failed = await w.tasks.get(other.id);
  assert.equal(failed?.state, 'failed', 'a system without push cannot be restored: failed, not retried');
  assert.equal(failed?.attempts, 1);
});

test('mismatch: a system whose source cannot express the trusted status is skipped and named on the card; the others are set', async (t) => {
  const w = await makeTaskWorld(t);
  w.ports.pushable.add('shop');
  const views = [
    { system: 'shop', status: 'shipped', raw: 'fulfilled' },
    { system: 'erp', status: 'cancelled', raw: 'TRADE_CANCELED' },
    { system: 'wms', status: 'delivered', raw: 'DELIVERED' },
  ];
  const task = await w.tasks.onFinding({ kind: 'mismatch', fingerprint: 'mismatch:M1', source: 'erp', orderId: 'M1', details: { views } });
  assert.ok(task);
  assert.equal(task.suggested, 'trust:wms', 'the delivered view is furthest along');
  // The shop's source refuses the status before writing anything (Shopify only cancels or fulfils).
  w.ports.failures = [new PermanentError('push.unsupported', 'source "shop" (Shopify) can only cancel or fulfil an order, not set delivered')];
  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(task.id)));
  assert.deepEqual(w.ports.calls, ['push shop M1 delivered', 'push erp M1 delivered', 'resync wms', 'resync shop', 'resync erp']);
  const done = await w.tasks.get(task.id);
  assert.equal(done?.state, 'done', done?.error ?? '');
  const text = cardText(cardsIn(w.a, 'ops')[0]?.card ?? { elements: [], fallbackText: '' });
  assert.match(text, /Set erp to Delivered/);
  assert.match(text, /shop cannot be set to Delivered from here; fix it there by hand if it matters\./);
  await w.a.deliver(click('a', 'li', TASK_UNDO, String(task.id)));
  assert.deepEqual(w.ports.calls.slice(5), ['push erp M1 cancelled'], 'only what was written is taken back');

  // Any other refusal still fails the task (and is not retried when permanent).
  const other = await w.tasks.onFinding({ kind: 'mismatch', fingerprint: 'mismatch:M2', source: 'erp', orderId: 'M2', details: { views } });
  assert.ok(other);
  w.ports.failures = [new PermanentError('shop.locked', 'order locked')];
  await w.a.deliver(click('a', 'li', TASK_APPROVE, String(other.id)));
  assert.equal((await w.tasks.get(other.id))?.state, 'failed');
});
