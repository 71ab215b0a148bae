import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/core/errors.ts';
import { CANONICAL_STATUSES } from '../../src/core/status.ts';
import { SettingsStore, readDefaultSettings } from '../../src/settings/store.ts';
import { compileMapping } from '../../src/sync/normalize.ts';
import { tempDir } from '../helpers/temp.ts';

test('first start creates the settings file from the defaults', async (t) => {
  const dir = tempDir(t);
  const s = await SettingsStore.open(dir);
  assert.equal(s.get().version, 1);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')), JSON.parse(readFileSync(new URL('../../data/default-settings.json', import.meta.url), 'utf8')));
});

async function openWith(t: import('node:test').TestContext, doc: unknown): Promise<UserError> {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'settings.json'), typeof doc === 'string' ? doc : JSON.stringify(doc));
  const err = await SettingsStore.open(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof UserError, 'a bad file is a UserError, not a crash');
  return err;
}

test('a bad settings file is a clear error naming the field', async (t) => {
  const base = readDefaultSettings();
  const badCron = await openWith(t, { ...base, sources: [{ name: 'erp', kind: 'http-json', mapping: ['zh-common'], schedule: 'every five minutes' }] });
  assert.match(badCron.message, /sources\[0\]\.schedule: not a valid cron expression/);
  const badKind = await openWith(t, { ...base, sources: [{ name: 'erp', kind: 'ftp', mapping: ['zh-common'] }] });
  assert.match(badKind.message, /sources\[0\]\.kind/);
  const badMapping = await openWith(t, { ...base, mappings: { ...base.mappings, x: { foo: 'sent' } } });
  assert.match(badMapping.message, /mappings\.x\.foo/);
  const missingSet = await openWith(t, { ...base, sources: [{ name: 'erp', kind: 'http-json', mapping: ['nope'] }] });
  assert.match(missingSet.message, /sources\[0\]\.mapping\[0\]: no mapping set "nope"/);
  const badFallback = await openWith(t, { ...base, sources: [{ name: 'erp', kind: 'http-json', mapping: ['zh-common'], fallback: 'ghost' }] });
  assert.match(badFallback.message, /sources\[0\]\.fallback: no source "ghost"/);
  const syntax = await openWith(t, '{ "version": 1, ');
  assert.match(syntax.message, /settings\.json is not valid JSON/);
});

test('edits are validated before they are written', async (t) => {
  const dir = tempDir(t);
  const s = await SettingsStore.open(dir);
  await assert.rejects(s.update((d) => void (d.sync.batchSize = -1)), UserError);
  assert.equal(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).sync.batchSize, 1000, 'the file is untouched');
  await s.update((d) => void (d.sync.batchSize = 500));
  assert.equal(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).sync.batchSize, 500);
});

test('shipped mappings cover the Chinese, Taobao, JD, Shopify and English vocabularies', () => {
  const m = readDefaultSettings().mappings;
  const zh = compileMapping([m['zh-common'] ?? {}]);
  const expected: Record<string, string> = { 待付款: 'created', 已付款: 'paid', 待发货: 'paid', 已发货: 'shipped', 运输中: 'in_transit', 派送中: 'out_for_delivery', 已签收: 'delivered', 交易成功: 'completed', 交易关闭: 'cancelled', 退款中: 'refund_requested', 已退款: 'refunded' };
  for (const [raw, canonical] of Object.entries(expected)) assert.equal(zh(raw), canonical, raw);
  const shopify = compileMapping([m.shopify ?? {}]);
  assert.equal(shopify('paid/unfulfilled'), 'paid');
  assert.equal(shopify('paid/fulfilled'), 'shipped');
  assert.equal(shopify('refunded/fulfilled'), 'refunded');
  assert.equal(shopify('cancelled'), 'cancelled');
  assert.equal(shopify('paid/restocked'), 'returned');
  const taobao = compileMapping([m.taobao ?? {}]);
  assert.equal(taobao('WAIT_BUYER_CONFIRM_GOODS'), 'shipped');
  assert.equal(taobao('TRADE_CLOSED_BY_TAOBAO'), 'cancelled');
  const en = compileMapping([m['english-common'] ?? {}]);
  assert.equal(en('  SHIPPED '), 'shipped', 'case and spaces are ignored');
  assert.equal(en('FULFILLED'), 'shipped');
  assert.equal(en('teleported'), undefined, 'never guessed');
  for (const set of Object.values(m)) for (const v of Object.values(set)) assert.ok((CANONICAL_STATUSES as readonly string[]).includes(v));
});
