// Sync benchmark: N generated records through normalize, diff and persist; then an unchanged pass;
// then a plain batched upsert of the same rows as the ceiling. Prints one JSON line at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { SourceRecord } from '../../src/core/order.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import type { Settings } from '../../src/settings/schema.ts';
import { Db, type SqlValue } from '../../src/store/db.ts';
import { Store } from '../../src/store/index.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import type { OrderSource, SourcePage } from '../../src/sync/sources/types.ts';

const RAW = ['paid', 'allocated', 'picking', 'packed', 'shipped', 'in_transit', 'delivered', 'completed'];
const BASE = Date.UTC(2026, 0, 1);

// BENCH_SHIP_TO=1: every record also carries a shipping address (stored per order and system, checked for doubts).
const WITH_ADDRESS = process.env.BENCH_SHIP_TO === '1';

function record(i: number): SourceRecord {
  return {
    orderId: `B${String(i).padStart(8, '0')}`,
    rawStatus: RAW[i % RAW.length] ?? 'paid',
    updatedAt: BASE + i,
    amount: (i % 1000) + 0.5,
    currency: 'CNY',
    ...(WITH_ADDRESS ? { shipTo: { name: '王小明', phone: '13812345678', region: '浙江省', city: '杭州市', district: '西湖区', street: `文三路 ${i % 997} 号`, postalCode: '310012' } } : {}),
  };
}

/** A generated source that streams `total` records in pages; nothing is held beyond one page. */
function generatedSource(total: number, pageSize: number): OrderSource {
  return {
    name: 'gen',
    kind: 'generated',
    async *pull(): AsyncIterable<SourcePage> {
      for (let start = 0; start < total; start += pageSize) {
        const records: SourceRecord[] = [];
        for (let i = start; i < Math.min(total, start + pageSize); i++) records.push(record(i));
        yield { records, errors: [], cursor: String(start + records.length) };
      }
    },
  };
}

/** Peak resident set size of this process so far, MB. */
function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export async function runSyncBench(total = Number(process.env.BENCH_RECORDS ?? 1_000_000)): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'orderops-bench-'));
  try {
    const store = await Store.open(join(dir, 'bench.db'));
    const base = readDefaultSettings();
    const settings: Settings = {
      ...base,
      sources: [{ name: 'gen', kind: 'http-json', enabled: true, mapping: ['english-common'], options: {} }],
      sync: { ...base.sync, batchSize: 5000 },
    };
    const engine = new SyncEngine({ store, settings: () => settings, sources: new Map([['gen', generatedSource(total, 5000)]]), clock: systemClock, log: createSilentLogger() });

    let t0 = performance.now();
    const first = await engine.run('gen');
    const firstS = (performance.now() - t0) / 1000;
    if (first.status !== 'ok' || first.changed !== total) throw new Error(`first pass: ${JSON.stringify(first)}`);
    console.log(`first pass: ${total} records in ${firstS.toFixed(2)} s (${first.events} events), peak rss ${peakRssMb()} MB`);

    t0 = performance.now();
    const second = await engine.run('gen');
    const secondS = (performance.now() - t0) / 1000;
    if (second.status !== 'ok' || second.changed !== 0 || second.unchanged !== total) throw new Error(`second pass: ${JSON.stringify(second)}`);
    console.log(`unchanged pass: ${total} records in ${secondS.toFixed(2)} s, peak rss ${peakRssMb()} MB`);

    await engine.stop();
    await store.close();

    // Ceiling: the same rows, plain batched upsert into a table shaped like per-system snapshot rows, in a fresh
    // database with the store's settings (the same starting point as the first pass), one transaction, with the
    // technique the store uses (one JSON parameter per statement expanded by jsonb_each, whose JSONB values need
    // no re-parse) and the next statement's JSON built while SQLite runs the current one. The fastest plain upsert
    // measured here: faster than json_each(?) (about 1.7x), json_each(jsonb(?)), 500-row multi-VALUES statements
    // with bound parameters (about 2.5x) and the same upsert into the sync database after the passes (about 1.4x);
    // a UTF-8 Buffer parameter or 10,000 rows per statement were no faster.
    const ceilingDb = await Db.open(join(dir, 'ceiling.db'));
    await ceilingDb.exec(`CREATE TABLE ceiling (order_id TEXT NOT NULL, system TEXT NOT NULL, status TEXT NOT NULL, raw_status TEXT NOT NULL,
      updated_at INTEGER NOT NULL, amount REAL, currency TEXT, seen_at INTEGER NOT NULL, run_id INTEGER NOT NULL, PRIMARY KEY (order_id, system)) WITHOUT ROWID`);
    const upsert = `INSERT INTO ceiling SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8
       FROM jsonb_each(?) WHERE true ON CONFLICT(order_id, system) DO UPDATE SET status = excluded.status, raw_status = excluded.raw_status,
       updated_at = excluded.updated_at, amount = excluded.amount, currency = excluded.currency, seen_at = excluded.seen_at, run_id = excluded.run_id`;
    const ceilingBatch = Number(process.env.BENCH_CEILING_BATCH ?? 5000);
    t0 = performance.now();
    await ceilingDb.transaction(async () => {
      let pending: Promise<number> | undefined;
      for (let start = 0; start < total; start += ceilingBatch) {
        const rows: SqlValue[][] = [];
        for (let i = start; i < Math.min(total, start + ceilingBatch); i++) {
          const r = record(i);
          rows.push([r.orderId, 'gen', r.rawStatus, r.rawStatus, r.updatedAt, r.amount ?? null, r.currency ?? null, 0, 0]);
        }
        const json = JSON.stringify(rows);
        if (pending) await pending;
        pending = ceilingDb.runCached(upsert, [json]);
      }
      if (pending) await pending;
    });
    const ceilingS = (performance.now() - t0) / 1000;
    await ceilingDb.close();
    console.log(`ceiling: ${total} rows in ${ceilingS.toFixed(2)} s, peak rss ${peakRssMb()} MB`);

    const result = {
      bench: 'sync',
      records: total,
      ship_to: WITH_ADDRESS ? 1 : 0,
      records_per_s: Math.round(total / firstS),
      unchanged_records_per_s: Math.round(total / secondS),
      sqlite_upsert_ceiling_per_s: Math.round(total / ceilingS),
      peak_rss_mb: peakRssMb(),
    };
    console.log(`ratio to ceiling: ${((result.records_per_s / result.sqlite_upsert_ceiling_per_s) * 100).toFixed(1)}%`);
    console.log(JSON.stringify(result));
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
