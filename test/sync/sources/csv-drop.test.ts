import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ManualClock } from '../../../src/core/clock.ts';
import { PermanentError, UserError } from '../../../src/core/errors.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import type { SourceSettings } from '../../../src/settings/schema.ts';
import { createCsvDropSource } from '../../../src/sync/sources/csv-drop.ts';
import type { OrderSource, PullContext, SourcePage } from '../../../src/sync/sources/types.ts';

const root = mkdtempSync(join(tmpdir(), 'orderops-csv-'));
after(() => rmSync(root, { recursive: true, force: true }));

const COLUMNS = { orderId: '订单号', status: '状态', updatedAt: '更新时间' };

interface Fixture {
  dir: string;
  clock: ManualClock;
  processed: Set<string>;
  /** Writes a file whose mtime is a minute before the clock (settled) unless `ageMs` says otherwise. */
  write(name: string, content: string | Buffer, ageMs?: number): void;
  pull(options?: Record<string, unknown>): Promise<SourcePage[]>;
}

let fixtures = 0;
function fixture(): Fixture {
  const dir = join(root, `case-${++fixtures}`);
  mkdirSync(dir);
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  const processed = new Set<string>();
  const sources = new Map<string, OrderSource>();
  return {
    dir,
    clock,
    processed,
    write(name, content, ageMs = 60_000) {
      writeFileSync(join(dir, name), content);
      const at = (clock.now() - ageMs) / 1000;
      utimesSync(join(dir, name), at, at);
    },
    async pull(options = {}) {
      // One source per set of options, kept across pulls like the long-lived process keeps it.
      const key = JSON.stringify(options);
      const source = sources.get(key) ?? createCsvDropSource(settings({ dir, columns: COLUMNS, ...options }), { env: {}, dataDir: root, clock, log: createSilentLogger() });
      sources.set(key, source);
      const ctx: PullContext = {
        cursor: null,
        signal: new AbortController().signal,
        clock,
        log: createSilentLogger(),
        isFileProcessed: (hash) => Promise.resolve(processed.has(hash)),
      };
      const pages: SourcePage[] = [];
      for await (const page of source.pull(ctx)) pages.push(page);
      // The engine commits pages while the source reads on, so the store may learn of a file only later.
      for (const page of pages) if (page.processedFile) processed.add(page.processedFile.hash);
      return pages;
    },
  };
}

function settings(options: Record<string, unknown>): SourceSettings {
  return { name: 'erp-csv', kind: 'csv-drop', enabled: true, mapping: ['zh-common'], options };
}

const HEADER = '订单号,状态,更新时间';

describe('csv-drop source', () => {
  it('maps every field of good rows', async () => {
    const f = fixture();
    const items = JSON.stringify([{ sku: 'SKU-1', name: 'Mug', qty: 2, price: 9.5 }]).replaceAll('"', '""');
    f.write(
      'orders.csv',
      [
        'order,status,updated,amount,cur,cid,cname,phone,email,openid,lang,tz,channel,items',
        `A1,已付款,2026-01-02 10:00:00,"1,234.50",CNY,C9,张三,13800000000,z@example.com,oX1,zh-CN,Asia/Shanghai,wechat,"${items}"`,
        'A2,已发货,2026-01-02T10:00:00Z,12,,,,,,,,,,',
        'A3,已签收,1767225600,,,,,,,,,,,',
      ].join('\n'),
    );
    const columns = {
      orderId: 'order', status: 'status', updatedAt: 'updated', amount: 'amount', currency: 'cur', customerId: 'cid', customerName: 'cname',
      customerPhone: 'phone', customerEmail: 'email', customerOpenid: 'openid', customerLanguage: 'lang', customerTimeZone: 'tz',
      customerPreferredChannel: 'channel', items: 'items',
    };
    const pages = await f.pull({ columns, timeZone: 'Asia/Shanghai' });
    assert.equal(pages.length, 1);
    const page = pages[0]!;
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.records, [
      {
        orderId: 'A1', rawStatus: '已付款', updatedAt: Date.UTC(2026, 0, 2, 2), amount: 1234.5, currency: 'CNY',
        customer: { id: 'C9', name: '张三', phone: '13800000000', email: 'z@example.com', openid: 'oX1', language: 'zh-CN', timeZone: 'Asia/Shanghai', preferredChannel: 'wechat' },
        items: [{ sku: 'SKU-1', name: 'Mug', qty: 2, price: 9.5 }],
      },
      { orderId: 'A2', rawStatus: '已发货', updatedAt: Date.UTC(2026, 0, 2, 10), amount: 12 },
      { orderId: 'A3', rawStatus: '已签收', updatedAt: Date.UTC(2026, 0, 1) },
    ]);
    assert.equal(page.cursor, undefined);
    assert.equal(page.processedFile?.name, 'orders.csv');
    assert.match(page.processedFile?.hash ?? '', /^[0-9a-f]{64}$/);
    assert.equal(page.processedFile?.rows, 3);
    assert.equal(page.processedFile?.badRows, 0);
  });

  it('maps shipping columns onto shipTo; rows without an address have no shipTo; a missing ship column is a header error', async () => {
    const f = fixture();
    f.write(
      'ship.csv',
      [
        `${HEADER},收件人,电话,国家,省份,城市,区县,地址,邮编`,
        '1001,已付款,2026-01-02 10:00:00,张三,13800000000,CN,浙江省,杭州市,西湖区,文三路 90 号,310012',
        '1002,已付款,2026-01-02 10:00:00,Sherlock Holmes,,GB,,London,," 221B Baker Street, Flat 2 ",NW1 6XE',
        '1003,已付款,2026-01-02 10:00:00, ,,,,,,,',
        '1004,已付款,2026-01-02 10:00:00,,,,,,,,02134',
      ].join('\n'),
    );
    const columns = {
      ...COLUMNS, shipName: '收件人', shipPhone: '电话', shipCountry: '国家', shipRegion: '省份', shipCity: '城市', shipDistrict: '区县', shipStreet: '地址', shipPostalCode: '邮编',
    };
    const [page] = await f.pull({ columns });
    assert.ok(page);
    assert.deepEqual(page.errors, []);
    const at = Date.UTC(2026, 0, 2, 10);
    assert.deepEqual(page.records, [
      {
        orderId: '1001', rawStatus: '已付款', updatedAt: at,
        shipTo: { name: '张三', phone: '13800000000', country: 'CN', region: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 90 号', postalCode: '310012' },
      },
      { orderId: '1002', rawStatus: '已付款', updatedAt: at, shipTo: { name: 'Sherlock Holmes', country: 'GB', city: 'London', street: '221B Baker Street, Flat 2', postalCode: 'NW1 6XE' } },
      { orderId: '1003', rawStatus: '已付款', updatedAt: at },
      { orderId: '1004', rawStatus: '已付款', updatedAt: at, shipTo: { postalCode: '02134' } },
    ]);
    const g = fixture();
    g.write('ship.csv', [`${HEADER},城市`, '1005,已付款,2026-01-02 10:00:00,London'].join('\n'));
    const [bad] = await g.pull({ columns: { ...COLUMNS, shipCity: '城市', shipStreet: '地址' } });
    assert.deepEqual(bad?.records, []);
    assert.deepEqual(bad?.errors, [{ ref: 'ship.csv:1', message: 'bad header: no column "地址" (columns.shipStreet)' }]);
  });

  it('reports bad rows with file:line and keeps the good ones', async () => {
    const f = fixture();
    f.write(
      'bad.csv',
      [
        `${HEADER},金额`,
        'G1,已付款,2026-01-01 08:00:00,10',
        'S1,已付款,2026-01-01 08:00:00',
        'M1,,2026-01-01 08:00:00,10',
        'D1,已付款,2026-02-30 08:00:00,10',
        'N1,已付款,2026-01-01 08:00:00,ten',
        ',已付款,2026-01-01 08:00:00,10',
        'G2,已发货,2026-01-01 09:00:00,',
        'L1,已付款,2026-01-01 08:00:00,10,extra',
      ].join('\n') + '\n',
    );
    const pages = await f.pull({ columns: { ...COLUMNS, amount: '金额' } });
    assert.equal(pages.length, 1);
    const page = pages[0]!;
    assert.deepEqual(page.records.map((r) => r.orderId), ['G1', 'G2']);
    assert.deepEqual(page.errors.map((e) => e.ref), ['bad.csv:3', 'bad.csv:4', 'bad.csv:5', 'bad.csv:6', 'bad.csv:7', 'bad.csv:9']);
    const [short, status, date, amount, id, long] = page.errors.map((e) => e.message);
    assert.match(short ?? '', /expected 4 columns, got 3/);
    assert.match(status ?? '', /M1.*missing status/);
    assert.match(date ?? '', /D1.*bad date "2026-02-30 08:00:00"/);
    assert.match(amount ?? '', /N1.*bad amount "ten"/);
    assert.match(id ?? '', /missing order id/);
    assert.match(long ?? '', /expected 4 columns, got 5/);
    assert.deepEqual(page.processedFile && { rows: page.processedFile.rows, badRows: page.processedFile.badRows }, { rows: 2, badRows: 6 });
  });

  it('accepts a BOM, CRLF and quoted fields with commas and line breaks, keeping line numbers right', async () => {
    const f = fixture();
    f.write(
      'quoted.csv',
      '\uFEFF' +
        [
          HEADER,
          '1,"已付款, 待审核",2026-01-01T00:00:00Z',
          '2,"已发货\r\n第二行",2026-01-01T00:00:00Z',
          '',
          '3,已付款',
          '4,"a\nb\nc",not-a-date',
          '5,"已""签收""",2026-01-01T00:00:00Z',
          '6,,2026-01-01T00:00:00Z',
        ].join('\r\n'),
    );
    const [page, ...rest] = await f.pull();
    assert.equal(rest.length, 0);
    assert.deepEqual(page?.records.map((r) => [r.orderId, r.rawStatus]), [['1', '已付款, 待审核'], ['2', '已发货\r\n第二行'], ['5', '已"签收"']]);
    assert.deepEqual(page?.errors.map((e) => e.ref), ['quoted.csv:6', 'quoted.csv:7', 'quoted.csv:11']);
    assert.match(page?.errors[1]?.message ?? '', /bad date "not-a-date"/);
  });

  it('reads each file once, in name order, and skips a copy with the same content', async () => {
    const f = fixture();
    f.write('b.csv', `${HEADER}\nB,已付款,2026-01-01 00:00:00\n`);
    f.write('a.csv', `${HEADER}\nA,已付款,2026-01-01 00:00:00\n`);
    f.write('c-copy-of-a.csv', `${HEADER}\nA,已付款,2026-01-01 00:00:00\n`);
    f.write('notes.txt', 'not a csv');
    const first = await f.pull();
    assert.deepEqual(first.map((p) => p.processedFile?.name), ['a.csv', 'b.csv']);
    assert.deepEqual(first.flatMap((p) => p.records.map((r) => r.orderId)), ['A', 'B']);
    assert.equal(f.processed.size, 2);
    assert.deepEqual(await f.pull(), []);
  });

  it('reads a file again when it is replaced by a new export under the same name', async () => {
    const f = fixture();
    f.write('daily.csv', `${HEADER}\nD1,已付款,2026-01-01 00:00:00\n`, 120_000);
    assert.deepEqual((await f.pull()).flatMap((p) => p.records.map((r) => r.orderId)), ['D1']);
    assert.deepEqual(await f.pull(), []);
    f.write('daily.csv', `${HEADER}\nD1,已发货,2026-01-01 01:00:00\n`);
    const pages = await f.pull();
    assert.deepEqual(pages.flatMap((p) => p.records.map((r) => r.rawStatus)), ['已发货']);
    assert.equal(f.processed.size, 2);
  });

  it('does not mark a file processed when its bytes changed after hashing', async () => {
    const f = fixture();
    f.write('x.csv', '订单号,状况,更新时间\n1,已付款,2026-01-01 00:00:00\n');
    assert.match((await f.pull())[0]?.errors[0]?.message ?? '', /bad header/);
    // Same size, same mtime, different bytes: the remembered hash is stale, the re-hash while reading notices.
    f.write('x.csv', `${HEADER}\n1,已付款,2026-01-01 00:00:00\n`);
    const [changed] = await f.pull();
    assert.deepEqual(changed?.records.map((r) => r.orderId), ['1']);
    assert.deepEqual(changed?.errors, [{ ref: 'x.csv:1', message: 'the file changed while it was being read; it will be read again' }]);
    assert.equal(changed?.processedFile, undefined);
    const [again] = await f.pull();
    assert.deepEqual(again?.errors, []);
    assert.equal(again?.processedFile?.rows, 1);
  });

  it('leaves files still being written for a later run', async () => {
    const f = fixture();
    f.write('fresh.csv', `${HEADER}\nF,已付款,2026-01-01 00:00:00\n`, 500);
    f.write('export.csv.tmp', `${HEADER}\nT,已付款,2026-01-01 00:00:00\n`);
    f.write('export.part', `${HEADER}\nP,已付款,2026-01-01 00:00:00\n`);
    assert.deepEqual(await f.pull({ pattern: '*' }), []);
    f.clock.advance(2_000);
    const pages = await f.pull({ pattern: '*' });
    assert.deepEqual(pages.map((p) => p.processedFile?.name), ['fresh.csv']);
  });

  it('pages a large file and marks it processed on the last page only', async () => {
    const f = fixture();
    const rows = Array.from({ length: 5000 }, (_, i) => `O${String(i).padStart(5, '0')},已付款,2026-01-01 00:00:00`);
    f.write('big.csv', [HEADER, ...rows].join('\n'));
    const pages = await f.pull();
    assert.deepEqual(pages.map((p) => p.records.length), [1000, 1000, 1000, 1000, 1000]);
    assert.deepEqual(pages.map((p) => p.processedFile !== undefined), [false, false, false, false, true]);
    assert.equal(pages[4]?.processedFile?.rows, 5000);
    const ids = pages.flatMap((p) => p.records.map((r) => r.orderId));
    assert.equal(new Set(ids).size, 5000);
    assert.equal(ids[4999], 'O04999');
  });

  it('counts errors towards the page size and reports them in order', async () => {
    const f = fixture();
    const rows = Array.from({ length: 25 }, (_, i) => (i % 5 === 4 ? `X${i},已付款` : `O${i},已付款,2026-01-01 00:00:00`));
    f.write('mixed.csv', [HEADER, ...rows].join('\n'));
    const pages = await f.pull({ pageSize: 10 });
    assert.deepEqual(pages.map((p) => p.records.length + p.errors.length), [10, 10, 5]);
    assert.deepEqual(pages.flatMap((p) => p.errors.map((e) => e.ref)), [6, 11, 16, 21, 26].map((l) => `mixed.csv:${l}`));
    assert.deepEqual(pages[2]?.processedFile && [pages[2].processedFile.rows, pages[2].processedFile.badRows], [20, 5]);
  });

  it('reports a bad header once per run and leaves the file unprocessed', async () => {
    const f = fixture();
    f.write('a-wrong.csv', '订单号,状况,更新时间\n1,已付款,2026-01-01 00:00:00\n');
    f.write('b-right.csv', `${HEADER}\n2,已付款,2026-01-01 00:00:00\n`);
    const pages = await f.pull();
    assert.equal(pages.length, 2);
    assert.deepEqual(pages[0], { records: [], errors: [{ ref: 'a-wrong.csv:1', message: 'bad header: no column "状态" (columns.status)' }], cursor: undefined });
    assert.deepEqual(pages[1]?.records.map((r) => r.orderId), ['2']);
    const again = await f.pull();
    assert.deepEqual(again.map((p) => p.errors[0]?.ref), ['a-wrong.csv:1']);
    const fixed = await f.pull({ columns: { ...COLUMNS, status: '状况' } });
    assert.equal(fixed[0]?.processedFile?.name, 'a-wrong.csv');
    assert.deepEqual(fixed[0]?.records.map((r) => r.orderId), ['1']);
  });

  it('marks a file with no good rows processed and reports an unclosed quote', async () => {
    const f = fixture();
    f.write('broken.csv', `${HEADER}\n1,已付款\n2,"已付款,2026-01-01 00:00:00\n3,已付款,2026-01-01 00:00:00\n`);
    const pages = await f.pull();
    assert.equal(pages.length, 1);
    assert.deepEqual(pages[0]?.records, []);
    assert.deepEqual(pages[0]?.errors.map((e) => e.ref), ['broken.csv:2', 'broken.csv:3']);
    assert.match(pages[0]?.errors[1]?.message ?? '', /quote/);
    assert.deepEqual(pages[0]?.processedFile && [pages[0].processedFile.rows, pages[0].processedFile.badRows], [0, 2]);
  });

  it('stops at a quote that swallows the rest of a big file instead of buffering it', async () => {
    const f = fixture();
    const rows = Array.from({ length: 60_000 }, (_, i) => `R${i},已付款,2026-01-01 00:00:00`);
    f.write('runaway.csv', [HEADER, 'G,已付款,2026-01-01 00:00:00', 'Q,"已付款,2026-01-01 00:00:00', ...rows].join('\n'));
    const pages = await f.pull();
    assert.equal(pages.length, 1);
    assert.deepEqual(pages[0]?.records.map((r) => r.orderId), ['G']);
    assert.deepEqual(pages[0]?.errors.map((e) => e.ref), ['runaway.csv:3']);
    assert.match(pages[0]?.errors[0]?.message ?? '', /rest of the file was not read/);
    assert.equal(pages[0]?.processedFile?.badRows, 1);
  });

  it('reads other encodings and delimiters', async () => {
    const f = fixture();
    // "订单号;状态;更新时间\n1;已发货;2026-01-01 00:00:00" in GBK.
    const gbkHeader = Buffer.from('b6a9b5a5bac53bd7b4ccac3bb8fcd0c2cab1bce40a', 'hex');
    f.write('gbk.csv', Buffer.concat([gbkHeader, Buffer.from('1;'), Buffer.from('d2d1b7a2bbf5', 'hex'), Buffer.from(';2026-01-01 00:00:00\n')]));
    const pages = await f.pull({ encoding: 'gbk', delimiter: ';' });
    assert.deepEqual(pages[0]?.errors, []);
    assert.deepEqual(pages[0]?.records, [{ orderId: '1', rawStatus: '已发货', updatedAt: Date.UTC(2026, 0, 1) }]);
  });

  it('resolves a relative dir against the data directory and fails clearly when it is missing', async () => {
    const f = fixture();
    f.write('r.csv', `${HEADER}\nR,已付款,2026-01-01 00:00:00\n`);
    const pages = await f.pull({ dir: f.dir.slice(root.length + 1) });
    assert.deepEqual(pages[0]?.records.map((r) => r.orderId), ['R']);
    await assert.rejects(f.pull({ dir: 'no-such-folder' }), (err: unknown) => err instanceof PermanentError && err.message.includes('no-such-folder'));
  });

  it('rejects bad options naming the field', () => {
    const deps = { env: {}, dataDir: root, clock: new ManualClock(), log: createSilentLogger() };
    const attempt = (options: Record<string, unknown>): UserError => {
      try {
        createCsvDropSource(settings(options), deps);
      } catch (err) {
        assert.ok(err instanceof UserError);
        return err;
      }
      assert.fail('expected a UserError');
    };
    assert.match(attempt({ dir: 'x', columns: { orderId: 'a', updatedAt: 'c' } }).message, /sources\[erp-csv\]\.options\.columns\.status:/);
    assert.match(attempt({ dir: 'x', columns: COLUMNS, timeZone: 'Mars/Base' }).message, /sources\[erp-csv\]\.options\.timeZone:/);
    assert.match(attempt({ dir: 'x', columns: COLUMNS, pageSize: 0 }).message, /sources\[erp-csv\]\.options\.pageSize:/);
    assert.match(attempt({ columns: COLUMNS }).message, /sources\[erp-csv\]\.options\.dir:/);
  });
});
