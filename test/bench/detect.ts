// Detect benchmark: the stale scan over 1,000,000 orders, each with a shipping address (committed through
// Store.applyBatch, like a sync),
// then 10,000 findings through the alert pipeline (fire, group, post, resolve, update). Prints one JSON line at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AlertPipeline } from '../../src/alerts/pipeline.ts';
import type { AlertInput, AlertPublisher } from '../../src/alerts/types.ts';
import type { PostedRef } from '../../src/core/chat.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { NormalizedRecord, ShippingAddress } from '../../src/core/order.ts';
import type { CanonicalStatus } from '../../src/core/status.ts';
import { sourceLookup } from '../../src/detect/detected.ts';
import { scanDetectors } from '../../src/detect/scan.ts';
import { scanStale } from '../../src/detect/stale.ts';
import type { FindingKind } from '../../src/detect/types.ts';
import type { Settings } from '../../src/settings/schema.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { Store } from '../../src/store/index.ts';

const NOW = Date.UTC(2026, 5, 1, 12);
const HOUR = 3_600_000;
const ACTIVE: CanonicalStatus[] = ['paid', 'allocated', 'picking', 'packed', 'shipped', 'in_transit', 'out_for_delivery'];

// Every order ships to an address; one in 500 has only a short street line (an incomplete address the address check
// reports while the order is unshipped).
function shipTo(i: number): ShippingAddress {
  if (i % 500 === 0) return { name: '王小明', street: `文三路 ${i % 97} 号` };
  return { name: '王小明', phone: '13812345678', region: '浙江省', city: '杭州市', district: '西湖区', street: `文三路 ${i % 997} 号 ${i % 13} 幢`, postalCode: '310012', country: 'CN' };
}

// One order in ten is under way, its status started anywhere in the last 1.1 × its dwell limit (so about one
// in eleven of those is stale: ~0.9% of all orders); the rest completed weeks ago.
function record(i: number, settings: Settings): NormalizedRecord {
  const orderId = `B${String(i).padStart(8, '0')}`;
  if (i % 10 !== 0) return { orderId, system: 'wms', status: 'completed', rawStatus: 'completed', updatedAt: NOW - 30 * 24 * HOUR - i, amount: 10 + (i % 500), currency: 'CNY', shipTo: shipTo(i) };
  const status = ACTIVE[(i / 10) % ACTIVE.length] ?? 'paid';
  const limit = (settings.dwellHours[status] ?? 24) * HOUR;
  return { orderId, system: 'wms', status, rawStatus: status, updatedAt: NOW - Math.floor((((i * 7919) % 1000) / 1000) * 1.1 * limit), amount: 10 + (i % 500), currency: 'CNY', shipTo: shipTo(i) };
}

async function fillOrders(store: Store, settings: Settings, total: number): Promise<number> {
  const t0 = performance.now();
  let run = 0;
  for (let start = 0; start < total; start += 5000) {
    const records: NormalizedRecord[] = [];
    for (let i = start; i < Math.min(total, start + 5000); i++) records.push(record(i, settings));
    await store.applyBatch({ runId: ++run, source: 'wms', system: 'wms', now: NOW, authority: settings.authority, records });
  }
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** A publisher that only counts (the pipeline's own work is what is measured). */
class CountingPublisher implements AlertPublisher {
  posts = 0;
  updates = 0;
  async publish(_kind: string, cardKey: string): Promise<PostedRef[]> {
    this.posts++;
    return [{ platform: 'bench', channelId: 'ops', messageId: `${cardKey}#${this.posts}` }];
  }
  async updateCard(): Promise<void> {
    this.updates++;
  }
}

function benchAlerts(n: number): AlertInput[] {
  const kinds: FindingKind[] = ['stale', 'stale', 'stale', 'mismatch', 'price', 'stock', 'regression'];
  return Array.from({ length: n }, (_v, i) => {
    const kind = kinds[i % kinds.length] ?? 'stale';
    const source = `src${i % 5}`;
    const orderId = `F${String(i).padStart(6, '0')}`;
    const details =
      kind === 'stale'
        ? { status: 'paid', since: NOW - (30 + (i % 500)) * HOUR, limitHours: 24, system: source }
        : kind === 'price'
          ? { amounts: [{ system: 'erp', amount: 100, currency: 'CNY' }, { system: source, amount: 120 + (i % 7), currency: 'CNY' }], deviationPercent: 20 + (i % 7) }
          : kind === 'mismatch'
            ? { views: [{ system: 'erp', status: 'cancelled', raw: '已取消', updatedAt: NOW - HOUR }, { system: source, status: 'shipped', raw: 'shipped', updatedAt: NOW - 2 * HOUR }], since: NOW - HOUR - i }
            : kind === 'stock'
              ? { system: source, raw: 'STOCK_SHORT', status: 'paid', since: NOW - i * 1000 }
              : { system: source, from: 'shipped', to: 'paid', raw: 'paid', at: NOW - i * 1000 };
    return { fingerprint: `${kind}:${orderId}`, labels: { kind, source, shop: 'default', orderId }, details: JSON.stringify(details), startsAt: NOW - i };
  });
}

async function pipelineBench(store: Store, base: Settings, n: number): Promise<{ ms: number; groups: number; posts: number; updates: number }> {
  const settings: Settings = { ...base, chat: { ...base.chat, routes: { alerts: ['bench:ops'] } }, alerts: { ...base.alerts, groupWaitSeconds: 0, noiseBudgetPerHour: 1000 } };
  const clock = new ManualClock(NOW);
  const publisher = new CountingPublisher();
  const pipeline = new AlertPipeline({ db: store.db, settings: () => settings, publisher, clock, log: createSilentLogger() });
  const alerts = benchAlerts(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1000) await pipeline.ingest({ firing: alerts.slice(i, i + 1000), resolved: [] });
  clock.advance(1000);
  await pipeline.tick();
  const groups = (await pipeline.repo.groups()).length;
  for (let i = 0; i < n; i += 1000) await pipeline.ingest({ firing: [], resolved: alerts.slice(i, i + 1000).map((a) => a.fingerprint) });
  clock.advance(settings.alerts.groupIntervalSeconds * 1000);
  await pipeline.tick();
  const ms = performance.now() - t0;
  if ((await pipeline.repo.groups()).length !== 0) throw new Error('pipeline bench: groups left open');
  return { ms, groups, posts: publisher.posts, updates: publisher.updates };
}

/** Runs the detect benchmark; prints progress lines and the final JSON line. */
export async function runDetectBench(total = Number(process.env.BENCH_ORDERS ?? 1_000_000), findings = Number(process.env.BENCH_FINDINGS ?? 10_000)): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'orderops-bench-detect-'));
  try {
    const store = await Store.open(join(dir, 'bench.db'));
    const settings: Settings = { ...readDefaultSettings(), sources: [{ name: 'wms', kind: 'http-json', enabled: true, mapping: ['english-common'], options: {} }] };
    const fillMs = await fillOrders(store, settings, total);
    console.log(`orders: ${total} committed through Store.applyBatch in ${(fillMs / 1000).toFixed(1)} s`);

    const sourceOf = sourceLookup(settings);
    const runs: number[] = [];
    let stale = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      stale = (await scanStale(store.db, { settings, now: NOW, sourceOf })).length;
      runs.push(performance.now() - t0);
    }
    console.log(`stale scan: ${stale} stale orders of ${total}; runs ${runs.map((r) => r.toFixed(0)).join(', ')} ms (median reported)`);

    const first = await scanDetectors(store.db, { settings, now: NOW, full: true, recentOrderIds: [] });
    const next = await scanDetectors(store.db, { settings, now: NOW, full: false, recentOrderIds: [] });
    const fmt = (t: typeof first.timings): string =>
      `stale ${t.stale.toFixed(0)} ms, regression ${t.regression.toFixed(0)} ms, mismatch/price/stock/address ${t.orders.toFixed(0)} ms (address ${t.address.toFixed(0)} ms), total ${t.total.toFixed(0)} ms`;
    console.log(`full runner scan incl. writing ${first.raised.length} findings: ${fmt(first.timings)}`);
    console.log(`steady runner scan (nothing new; unsettled orders only): ${fmt(next.timings)}`);

    const p = await pipelineBench(store, settings, findings);
    console.log(`pipeline: ${findings} findings fired (${p.groups} groups, ${p.posts} cards posted) and resolved (${p.updates} cards updated) in ${p.ms.toFixed(0)} ms`);
    await store.close();

    const result = { bench: 'detect', orders: total, stale_scan_ms: Math.round(median(runs)), address_scan_ms: Math.round(next.timings.address), findings_per_s: Math.round(findings / (p.ms / 1000)) };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
