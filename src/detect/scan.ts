// One pass of every scanning detector, each kind's findings written in bulk (new raised, gone resolved).
import { performance } from 'node:perf_hooks';
import { CANONICAL_STATUSES, isCanonicalStatus, type CanonicalStatus } from '../core/status.ts';
import type { Settings } from '../settings/schema.ts';
import type { Db } from '../store/db.ts';
import { parseDetails } from './details.ts';
import { sourceLookup, type AnyDetected, type Detected, type SourceOfSystem } from './detected.ts';
import { openFindings, syncFindings, type StoredFinding } from './finding-sync.ts';
import { findMismatch } from './mismatch.ts';
import { loadOrderFacts, loadStockReports } from './order-facts.ts';
import { findPriceProblem } from './price.ts';
import { currentStatuses, isStillRegressed, scanRegressionEvents } from './regression.ts';
import { scanStale } from './stale.ts';
import { findStockProblem, PAID_UNSHIPPED, stockRawSet } from './stock.ts';
import { addressCandidates } from '../store/order-addresses.ts';
import { findAddressProblem } from './address.ts';
import type { FindingKind } from './types.ts';

/** Milliseconds each part of a scan took. */
export interface ScanTimings {
  stale: number;
  regression: number;
  orders: number;
  /** Part of `orders`: the address check. */
  address: number;
  total: number;
}

/** What a scan changed in the findings table. */
export interface ScanResult {
  raised: StoredFinding[];
  resolved: string[];
  timings: ScanTimings;
}

// Orders in these canonical statuses are re-read by the order-level detectors only while recently touched
// by a sync batch or under an open finding; every other order is re-read on every scan.
const SETTLED: ReadonlySet<CanonicalStatus> = new Set(['delivered', 'completed', 'cancelled', 'refunded', 'returned']);
const UNSETTLED = CANONICAL_STATUSES.filter((s) => !SETTLED.has(s));
const ORDER_KINDS: readonly FindingKind[] = ['mismatch', 'price', 'stock'];
const REGRESSION_MARK = 'regression.last_event_id';
const ORDERS_MARK = 'orders.last_event_id';

async function readMark(db: Db, key: string): Promise<number | undefined> {
  const row = await db.get<{ value: string }>('SELECT value FROM detect_state WHERE key = ?', [key]);
  const n = row ? Number(row.value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

async function writeMark(db: Db, key: string, value: number): Promise<void> {
  await db.run('INSERT INTO detect_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [key, String(value)]);
}

/**
 * After a restart (or when the list of recently touched orders overflowed): the orders with events after
 * the last scan, or dated within `windowMs` (they may still be inside the mismatch grace). Undefined when
 * no scan ever ran here: the caller then reads every order once.
 */
export async function ordersTouchedSinceLastScan(db: Db, now: number, windowMs: number): Promise<string[] | undefined> {
  const mark = await readMark(db, ORDERS_MARK);
  if (mark === undefined) return undefined;
  const rows = await db.all<{ id: string }>('SELECT DISTINCT order_id AS id FROM events WHERE id > ? OR at >= ?', [mark, now - windowMs]);
  return rows.map((r) => r.id);
}

async function regressions(db: Db, sourceOf: SourceOfSystem): Promise<Detected<'regression'>[]> {
  const { found, lastId } = await scanRegressionEvents(db, (await readMark(db, REGRESSION_MARK)) ?? 0, sourceOf);
  const byFingerprint = new Map<string, Detected<'regression'>>();
  for (const f of await openFindings(db, ['regression'])) {
    const p = parseDetails('regression', f.details);
    if (p?.kind === 'regression') byFingerprint.set(f.fingerprint, { kind: 'regression', fingerprint: f.fingerprint, source: f.source, orderId: f.orderId, details: p.details });
  }
  for (const d of found) byFingerprint.set(d.fingerprint, d);
  const candidates = [...byFingerprint.values()];
  const current = await currentStatuses(db, candidates.flatMap((d) => d.orderId ?? []));
  await writeMark(db, REGRESSION_MARK, lastId);
  return candidates.filter((d) => isStillRegressed(d.details, current.get(`${d.orderId ?? ''}\u0000${d.details.system}`)));
}

async function orderLevel(db: Db, settings: Settings, now: number, full: boolean, recent: readonly string[], sourceOf: SourceOfSystem): Promise<Record<'mismatch' | 'price' | 'stock', AnyDetected[]>> {
  const stockRaw = stockRawSet(settings.detect.stockRawStatuses);
  const open = full ? [] : (await openFindings(db, ORDER_KINDS)).flatMap((f) => f.orderId ?? []);
  const facts = await loadOrderFacts(db, full ? { all: true } : { all: false, statuses: UNSETTLED, ids: [...new Set([...recent, ...open])] }, stockRaw);
  const common = { authority: settings.authority, sourceOf };
  const mismatch = facts.flatMap((f) => findMismatch(f.orderId, f.views, { ...common, now, graceMs: settings.detect.mismatchGraceMinutes * 60_000 }) ?? []);
  const price = facts.flatMap((f) => findPriceProblem(f.orderId, f.views, f.items, { ...common, tolerancePercent: settings.detect.priceTolerancePercent }) ?? []);
  const { reports, canonical } = await loadStockReports(db, facts, stockRaw);
  const stock = reports.flatMap((r) => findStockProblem(r, canonical.get(r.orderId), sourceOf) ?? []);
  return { mismatch, price, stock };
}

// Every unshipped order whose systems hold different or incomplete addresses (few: picked in SQLite from the address table).
async function addressProblems(db: Db, settings: Settings, now: number, sourceOf: SourceOfSystem): Promise<AnyDetected[]> {
  const opts = { authority: settings.authority, now, graceMs: settings.detect.mismatchGraceMinutes * 60_000, sourceOf };
  return (await addressCandidates(db, [...PAID_UNSHIPPED])).flatMap((c) => (isCanonicalStatus(c.status) ? (findAddressProblem(c.orderId, c.status, c.addresses, { ...opts, accepted: c.accepted }) ?? []) : []));
}

/** Runs stale, regression, mismatch, price, stock and address once and writes their findings. */
export async function scanDetectors(db: Db, input: { settings: Settings; now: number; full: boolean; recentOrderIds: readonly string[] }): Promise<ScanResult> {
  const { settings, now } = input;
  const sourceOf = sourceLookup(settings);
  const raised: StoredFinding[] = [];
  const resolved: string[] = [];
  const write = async (kind: FindingKind, found: readonly AnyDetected[]): Promise<void> => {
    const delta = await syncFindings(db, kind, found, now);
    raised.push(...delta.raised);
    resolved.push(...delta.resolved);
  };
  const t0 = performance.now();
  await write('stale', await scanStale(db, { settings, now, sourceOf }));
  const t1 = performance.now();
  await write('regression', await regressions(db, sourceOf));
  const t2 = performance.now();
  const last = await db.get<{ id: number | null }>('SELECT max(id) AS id FROM events');
  const orders = await orderLevel(db, settings, now, input.full, input.recentOrderIds, sourceOf);
  await write('mismatch', orders.mismatch);
  await write('price', orders.price);
  await write('stock', orders.stock);
  const ta = performance.now();
  await write('address', await addressProblems(db, settings, now, sourceOf));
  await writeMark(db, ORDERS_MARK, last?.id ?? 0);
  const t3 = performance.now();
  return { raised, resolved, timings: { stale: t1 - t0, regression: t2 - t1, orders: t3 - t2, address: t3 - ta, total: t3 - t0 } };
}
