// The http-json source's price write (pushPrice) against the demo ERP: the amount is written, the next pull shows
// it, the demo refuses a foreign currency, and the options are validated like the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/core/clock.ts';
import { PermanentError, UserError } from '../../../src/core/errors.ts';
import { startDemoShop } from '../../../src/demo/index.ts';
import type { SourceSettings } from '../../../src/settings/schema.ts';
import { createHttpJsonSource } from '../../../src/sync/sources/http-json.ts';
import { collect, finalCursor, steppingClock, testDeps } from '../../demo/helpers.ts';

const FAST = { retries: 0, retryBaseMs: 1, retryMaxMs: 5, timeoutMs: 2000 };

test('the demo ERP takes amount writes through pushPrice; the next incremental pull shows the new amount', async () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  const shop = await startDemoShop({ clock, seed: 7, orders: 40, troubles: false });
  try {
    const src = steppingClock(clock);
    const base = shop.sources.find((s) => s.name === 'erp');
    assert.ok(base);
    const source = createHttpJsonSource({ ...base, options: { ...base.options, ...FAST } }, testDeps(shop.env, src));
    assert.ok(source.pushPrice, 'the demo settings declare the price write');
    const cursor = finalCursor(await collect(source, null, src));
    const target = [...shop.world.orders()].find((o) => shop.world.erp(o));
    assert.ok(target);
    clock.advance(60_000);
    const ctx = { clock: src, log: testDeps({}, src).log };
    await source.pushPrice(target.orderId, 12.345, target.currency, ctx);
    const writes = shop.requestLog.entries('erp').filter((e) => e.method === 'POST' && e.path.endsWith(`/orders/${target.orderId}/price`));
    assert.equal(writes.length, 1);
    const records = (await collect(source, cursor, src)).flatMap((p) => p.records);
    const seen = records.find((r) => r.orderId === target.orderId);
    assert.equal(seen?.amount, 12.35, 'the incremental pull sees the order again, with the written amount (rounded to cents)');
    assert.equal(seen?.currency, target.currency);

    const other = target.currency === 'EUR' ? 'USD' : 'EUR';
    await assert.rejects(source.pushPrice(target.orderId, 10, other, ctx), (e: unknown) => e instanceof PermanentError && e.code === 'http.422');
    await assert.rejects(source.pushPrice('999999', 10, null, ctx), (e: unknown) => e instanceof PermanentError && e.code === 'http.404');
    await assert.rejects(source.pushPrice(target.orderId, -1, null, ctx), (e: unknown) => e instanceof PermanentError && e.code === 'push.bad_amount');
  } finally {
    await shop.stop();
  }
});

test('pushPrice options are validated: the URL must hold {id}; without them the source has no price write', () => {
  const deps = testDeps({}, new ManualClock());
  const settings = (options: Record<string, unknown>): SourceSettings => ({ name: 'erp', kind: 'http-json', enabled: true, mapping: ['zh-common'], options });
  const fields = { orderId: '$.id', status: '$.s', updatedAt: '$.t' };
  assert.equal(createHttpJsonSource(settings({ url: 'http://x', fields }), deps).pushPrice, undefined);
  assert.throws(
    () => createHttpJsonSource(settings({ url: 'http://x', fields, pushPrice: { url: 'http://x/orders/price', amountFeld: 'a' } }), deps),
    (e: unknown) => e instanceof UserError && /options\.pushPrice\.url: .*\{id\}/.test(e.message) && /amountFeld/.test(e.message),
  );
});
