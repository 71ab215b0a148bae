import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sqlite3 from 'sqlite3';
import { ManualClock } from '../../../src/core/clock.ts';
import { PermanentError, RetryableError, UserError } from '../../../src/core/errors.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import type { SourceSettings } from '../../../src/settings/schema.ts';
import { checkReadOnlyQuery, createSqlSource } from '../../../src/sync/sources/sql.ts';
import type { PullContext, SourcePage } from '../../../src/sync/sources/types.ts';

const root = mkdtempSync(join(tmpdir(), 'orderops-sql-'));
const DB = 'erp.db';
const BASE = '2026-01-01 00:00:00';
const QUERY = `SELECT order_no, status, updated_at, amount FROM orders
  WHERE (updated_at > $since) OR (updated_at = $since AND order_no > $sinceId)
  ORDER BY updated_at, order_no LIMIT $limit`;
const COLUMNS = { orderId: 'order_no', status: 'status', updatedAt: 'updated_at', amount: 'amount' };

function run(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((ok, reject) => db.run(sql, params, (err) => (err ? reject(err) : ok())));
}

function open(file: string): Promise<sqlite3.Database> {
  return new Promise((ok, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(file, (err) => (err ? reject(err) : ok(db)));
  });
}

function close(db: sqlite3.Database): Promise<void> {
  return new Promise((ok, reject) => db.close((err) => (err ? reject(err) : ok())));
}

/** 2,500 orders; updated_at takes only 4 values, so runs of equal times cross every page boundary. */
async function buildDatabase(): Promise<void> {
  const db = await open(join(root, DB));
  await run(db, 'CREATE TABLE orders (order_no TEXT PRIMARY KEY, status TEXT, updated_at TEXT, amount REAL)');
  await run(db, 'BEGIN');
  for (let i = 0; i < 2500; i++) {
    const at = `2026-01-01 00:0${Math.floor(i / 700)}:00`;
    await run(db, 'INSERT INTO orders VALUES (?, ?, ?, ?)', [`SO${String(i).padStart(5, '0')}`, i % 2 ? '已发货' : '已付款', at, i + 0.5]);
  }
  await run(db, 'COMMIT');
  await run(db, `CREATE TABLE erp_orders (id INTEGER PRIMARY KEY, st TEXT, mtime INTEGER, total TEXT, cur TEXT, buyer TEXT, phone INTEGER, lines TEXT)`);
  await run(db, 'INSERT INTO erp_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [7, 'paid', 1767225600, '99.90', 'USD', 'Ann', 13800000000, '[{"sku":"A","qty":1}]']);
  await run(db, 'INSERT INTO erp_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [8, 'paid', 1767225601, 'lots', 'USD', null, null, null]);
  await run(db, 'INSERT INTO erp_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [9, 'shipped', 1767225602000, null, null, null, null, null]);
  await run(db, 'CREATE TABLE ship_orders (id TEXT PRIMARY KEY, st TEXT, mtime INTEGER, to_name TEXT, to_phone INTEGER, nation TEXT, prov TEXT, city TEXT, dist TEXT, street BLOB, zip INTEGER)');
  const ship = 'INSERT INTO ship_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  await run(db, ship, ['S1', 'paid', 1767225600, '张三', 13800000000, 'CN', '浙江省', '杭州市', '西湖区', '文三路 90 号', 310012]);
  await run(db, ship, ['S2', 'paid', 1767225601, 'Sherlock Holmes', null, 'GB', null, 'London', '', '221B Baker Street, Flat 2', null]);
  await run(db, ship, ['S3', 'paid', 1767225602, null, null, null, null, null, null, null, null]);
  await run(db, ship, ['S4', 'paid', 1767225603, ' ', null, '', null, null, null, Buffer.from('5 Main St'), null]);
  await close(db);
}

before(buildDatabase);
after(() => rmSync(root, { recursive: true, force: true }));

function settings(options: Record<string, unknown>): SourceSettings {
  return { name: 'erp-db', kind: 'sql', enabled: true, mapping: ['zh-common'], options };
}

const clock = new ManualClock();
const deps = { env: {}, dataDir: root, clock, log: createSilentLogger() };

async function pull(options: Record<string, unknown>, cursor: string | null = null): Promise<SourcePage[]> {
  const source = createSqlSource(settings({ file: DB, query: QUERY, columns: COLUMNS, ...options }), deps);
  const ctx: PullContext = { cursor, signal: new AbortController().signal, clock, log: createSilentLogger(), isFileProcessed: () => Promise.resolve(false) };
  const pages: SourcePage[] = [];
  for await (const page of source.pull(ctx)) pages.push(page);
  return pages;
}

function optionError(options: Record<string, unknown>): string {
  try {
    createSqlSource(settings({ file: DB, query: QUERY, columns: COLUMNS, ...options }), deps);
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    return err.message;
  }
  return assert.fail('expected a UserError');
}

describe('sql source', () => {
  it('pages with ties across page boundaries: every row exactly once, in order', async () => {
    const pages = await pull({});
    assert.deepEqual(pages.map((p) => p.records.length), [1000, 1000, 500]);
    const ids = pages.flatMap((p) => p.records.map((r) => r.orderId));
    assert.equal(new Set(ids).size, 2500);
    assert.deepEqual(ids, [...ids].sort());
    assert.deepEqual(pages.map((p) => (p.cursor ? JSON.parse(p.cursor) : null)), [
      { updated: '2026-01-01 00:01:00', id: 'SO00999' },
      { updated: '2026-01-01 00:02:00', id: 'SO01999' },
      { updated: '2026-01-01 00:03:00', id: 'SO02499' },
    ]);
    assert.deepEqual(pages[0]?.records[0], { orderId: 'SO00000', rawStatus: '已付款', updatedAt: Date.parse(`${BASE}Z`), amount: 0.5 });
    assert.ok(pages.every((p) => p.errors.length === 0 && p.processedFile === undefined));
  });

  it('resumes from an emitted cursor with only the rest', async () => {
    const first = await pull({});
    const pages = await pull({}, first[0]?.cursor ?? null);
    const ids = pages.flatMap((p) => p.records.map((r) => r.orderId));
    assert.equal(ids.length, 1500);
    assert.equal(ids[0], 'SO01000');
    assert.equal(ids.at(-1), 'SO02499');
    const done = await pull({}, first[2]?.cursor ?? null);
    assert.deepEqual(done, []);
  });

  it('reads dates in the configured zone and ends on a short page', async () => {
    const pages = await pull({ pageSize: 2400, timeZone: 'Asia/Shanghai' });
    assert.deepEqual(pages.map((p) => p.records.length), [2400, 100]);
    assert.equal(pages[0]?.records[0]?.updatedAt, Date.UTC(2025, 11, 31, 16));
  });

  it('maps integer epochs, text amounts, customers and items; bad rows are reported and skipped', async () => {
    const query = `SELECT id, st, mtime, total, cur, buyer, phone, lines FROM erp_orders
      WHERE mtime > $since OR (mtime = $since AND id > $sinceId) ORDER BY mtime, id LIMIT $limit`;
    const columns = { orderId: 'id', status: 'st', updatedAt: 'mtime', amount: 'total', currency: 'cur', customerName: 'buyer', customerPhone: 'phone', items: 'lines' };
    const pages = await pull({ query, columns });
    assert.equal(pages.length, 1);
    assert.deepEqual(pages[0]?.records, [
      { orderId: '7', rawStatus: 'paid', updatedAt: Date.UTC(2026, 0, 1), amount: 99.9, currency: 'USD', customer: { name: 'Ann', phone: '13800000000' }, items: [{ sku: 'A', qty: 1 }] },
      { orderId: '9', rawStatus: 'shipped', updatedAt: Date.UTC(2026, 0, 1, 0, 0, 2) },
    ]);
    assert.deepEqual(pages[0]?.errors, [{ ref: 'erp.db page 1 #2', message: 'order 8: bad amount "lots"' }]);
    assert.deepEqual(JSON.parse(pages[0]?.cursor ?? 'null'), { updated: 1767225602000, id: 9 });
  });

  it('maps shipping columns onto shipTo: integer postal codes and phones as text; blank cells left out', async () => {
    const query = `SELECT * FROM ship_orders WHERE mtime > $since OR (mtime = $since AND id > $sinceId) ORDER BY mtime, id LIMIT $limit`;
    const columns = {
      orderId: 'id', status: 'st', updatedAt: 'mtime', shipName: 'to_name', shipPhone: 'to_phone', shipCountry: 'nation', shipRegion: 'prov',
      shipCity: 'city', shipDistrict: 'dist', shipStreet: 'street', shipPostalCode: 'zip',
    };
    const pages = await pull({ query, columns });
    assert.equal(pages.length, 1);
    assert.deepEqual(pages[0]?.records, [
      {
        orderId: 'S1', rawStatus: 'paid', updatedAt: Date.UTC(2026, 0, 1),
        shipTo: { name: '张三', phone: '13800000000', country: 'CN', region: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 90 号', postalCode: '310012' },
      },
      { orderId: 'S2', rawStatus: 'paid', updatedAt: Date.UTC(2026, 0, 1, 0, 0, 1), shipTo: { name: 'Sherlock Holmes', country: 'GB', city: 'London', street: '221B Baker Street, Flat 2' } },
      { orderId: 'S3', rawStatus: 'paid', updatedAt: Date.UTC(2026, 0, 1, 0, 0, 2) },
    ]);
    // A BLOB is not text: the row is reported by field name, the address itself is not echoed.
    assert.deepEqual(pages[0]?.errors, [{ ref: 'erp.db page 1 #4', message: 'order S4: shipStreet is not text' }]);
    const noShipFields = await pull({ query, columns: { orderId: 'id', status: 'st', updatedAt: 'mtime' } });
    assert.ok(noShipFields[0]?.records.every((r) => !('shipTo' in r)));
    await assert.rejects(
      pull({ query, columns: { ...columns, shipCity: 'town' } }),
      (err: unknown) => err instanceof PermanentError && err.message.includes('"town" (columns.shipCity)'),
    );
  });

  it('fails permanently on a missing file, a bad query or a missing column', async () => {
    await assert.rejects(pull({ file: 'nope.db' }), (err: unknown) => err instanceof PermanentError && err.message.includes(join(root, 'nope.db')));
    await assert.rejects(
      pull({ query: 'SELECT * FROM missing_table WHERE x > $since OR $sinceId = 1 LIMIT $limit' }),
      (err: unknown) => err instanceof PermanentError && /no such table: missing_table/.test(err.message),
    );
    await assert.rejects(pull({ columns: { ...COLUMNS, currency: 'cur' } }), (err: unknown) => err instanceof PermanentError && err.message.includes('"cur" (columns.currency)'));
  });

  it('refuses a query that ignores the cursor instead of looping forever', async () => {
    const query = 'SELECT order_no, status, updated_at, amount FROM orders WHERE $since IS NOT NULL AND $sinceId IS NOT NULL ORDER BY updated_at, order_no LIMIT $limit';
    await assert.rejects(pull({ query }), (err: unknown) => err instanceof PermanentError && err.code === 'source.sql.no_progress');
  });

  it('is retryable while a writer holds the database', async () => {
    const writer = await open(join(root, DB));
    await run(writer, 'BEGIN EXCLUSIVE');
    try {
      await assert.rejects(pull({ busyTimeoutMs: 0 }), (err: unknown) => err instanceof RetryableError && err.code === 'source.sql.busy');
    } finally {
      await run(writer, 'ROLLBACK');
      await close(writer);
    }
    assert.equal((await pull({})).length, 3);
  });

  it('rejects anything but one read-only SELECT at creation', () => {
    assert.match(optionError({ query: 'DELETE FROM orders WHERE $since AND $sinceId LIMIT $limit' }), /options\.query: must be a SELECT/);
    assert.match(optionError({ query: `${QUERY}; DROP TABLE orders` }), /options\.query: must be a single statement/);
    assert.match(optionError({ query: `WITH x AS (SELECT 1) DELETE FROM orders WHERE $since > $sinceId LIMIT $limit` }), /options\.query: must only read, found DELETE/);
    assert.match(optionError({ query: 'SELECT * FROM orders ORDER BY updated_at LIMIT $limit' }), /options\.query: .*missing \$since, \$sinceId/);
    assert.equal(checkReadOnlyQuery(`${QUERY};`), undefined);
    assert.equal(checkReadOnlyQuery(`SELECT replace(status, ';', '') AS status, "update" FROM orders -- ; DROP\n WHERE updated_at > $since OR order_no > $sinceId LIMIT $limit`), undefined);
  });

  it('names the field in option errors', () => {
    assert.match(optionError({ pageSize: 0 }), /sources\[erp-db\]\.options\.pageSize:/);
    assert.match(optionError({ columns: { orderId: 'a', status: 'b' } }), /sources\[erp-db\]\.options\.columns\.updatedAt:/);
    assert.match(optionError({ file: '' }), /sources\[erp-db\]\.options\.file:/);
    assert.match(optionError({ updatedAtFormat: 'unix' }), /sources\[erp-db\]\.options\.updatedAtFormat:/);
    assert.match(optionError({ columns: { ...COLUMNS, shipPostalCode: '' } }), /sources\[erp-db\]\.options\.columns\.shipPostalCode:/);
    assert.match(optionError({ columns: { ...COLUMNS, shipZip: 'zip' } }), /shipZip/);
  });
});
