// Reads what the order-level detectors (mismatch, price, stock) look at, for the orders worth looking at.
import { isCanonicalStatus, type CanonicalStatus } from '../core/status.ts';
import type { Db } from '../store/db.ts';
import type { OrderView } from './mismatch.ts';
import type { ItemsTotal } from './price.ts';
import type { StockReport } from './stock.ts';

/** Everything the order-level detectors need about one order. */
export interface OrderFacts {
  orderId: string;
  canonical: CanonicalStatus | undefined;
  views: OrderView[];
  items: ItemsTotal[];
}

/** Which orders to read: every order, or the orders in `statuses` plus `ids`. */
export type OrderSelection = { all: true } | { all: false; statuses: readonly CanonicalStatus[]; ids: readonly string[] };

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** Parses `[[system, status, raw, updatedAt, amount, currency], …]` as the SQL below builds it. */
function parseViews(json: string): OrderView[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  const out: OrderView[] = [];
  for (const row of parsed as unknown[]) {
    if (!Array.isArray(row)) continue;
    const [system, status, raw, updatedAt, amount, currency] = row as unknown[];
    if (typeof system !== 'string' || typeof status !== 'string' || !isCanonicalStatus(status)) continue;
    out.push({ system, status, raw: str(raw) ?? '', updatedAt: num(updatedAt) ?? 0, amount: num(amount), currency: str(currency) });
  }
  return out;
}

// Orders read per statement: a full pass over a large table is many short statements, so sync commits
// queued behind it wait for one chunk, never for the whole pass.
const CHUNK = 10_000;

/** Reads the facts of one chunk of order ids (those whose views could break a rule; the rest are filtered in SQLite). */
async function factsOf(db: Db, ids: readonly string[], stockRaw: readonly string[]): Promise<OrderFacts[]> {
  if (ids.length === 0) return [];
  const raws = stockRaw.length > 0 ? stockRaw : [''];
  const rows = await db.all<{ id: string; canonical: string | null; views: string }>(
    `SELECT s.order_id AS id, (SELECT status FROM orders o WHERE o.order_id = s.order_id) AS canonical,
       json_group_array(json_array(s.system, s.status, s.raw_status, s.updated_at, s.amount, s.currency)) AS views
     FROM json_each(?) AS c JOIN snapshots s ON s.order_id = c.value
     GROUP BY s.order_id
     HAVING min(s.status) <> max(s.status) OR min(s.amount) <> max(s.amount) OR max(lower(s.raw_status) IN (${raws.map(() => '?').join(', ')}))
       OR (count(s.amount) > 0 AND EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = s.order_id))`,
    [JSON.stringify(ids), ...raws],
  );
  return rows.map((r) => ({ orderId: r.id, canonical: r.canonical !== null && isCanonicalStatus(r.canonical) ? r.canonical : undefined, views: parseViews(r.views), items: [] }));
}

async function attachTotals(db: Db, facts: readonly OrderFacts[]): Promise<void> {
  const priced = facts.filter((f) => f.views.some((v) => v.amount !== null));
  if (priced.length === 0) return;
  const byId = new Map(priced.map((f) => [f.orderId, f]));
  const totals = await db.all<{ id: string; system: string; total: number | null; adjust: number | null }>(
    `SELECT i.order_id AS id, i.system, i.adjust, (SELECT CASE WHEN count(*) > 0 AND count(*) = count(j.value ->> 'price') THEN sum((j.value ->> 'qty') * (j.value ->> 'price')) END
       FROM json_each(i.items) AS j) AS total
     FROM order_items i WHERE i.order_id IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(priced.map((f) => f.orderId))],
  );
  for (const t of totals) if (t.total !== null) byId.get(t.id)?.items.push({ system: t.system, total: t.total, adjust: t.adjust });
}

/**
 * The orders of `selection` whose views could break a rule: two statuses, two amounts, a stock raw
 * status, or an amount to check against priced items. Read in chunks of CHUNK orders.
 */
export async function loadOrderFacts(db: Db, selection: OrderSelection, stockRaw: ReadonlySet<string>): Promise<OrderFacts[]> {
  const raws = [...stockRaw];
  const out: OrderFacts[] = [];
  const seen = new Set<string>();
  const take = async (ids: readonly string[]): Promise<void> => {
    const facts = await factsOf(db, ids, raws);
    await attachTotals(db, facts);
    out.push(...facts);
  };
  const filter = selection.all ? '' : 'AND status IN (SELECT value FROM json_each(?2))';
  const statuses = selection.all ? '[]' : JSON.stringify(selection.statuses);
  for (let after = ''; ; ) {
    const ids = (await db.all<{ id: string }>(`SELECT order_id AS id FROM orders WHERE order_id > ?1 ${filter} ORDER BY order_id LIMIT ${CHUNK}`, selection.all ? [after] : [after, statuses])).map((r) => r.id);
    if (ids.length === 0) break;
    if (!selection.all) for (const id of ids) seen.add(id);
    await take(ids);
    after = ids[ids.length - 1] ?? after;
    if (ids.length < CHUNK) break;
  }
  if (!selection.all) {
    const extra = [...new Set(selection.ids)].filter((id) => !seen.has(id));
    for (let i = 0; i < extra.length; i += CHUNK) await take(extra.slice(i, i + CHUNK));
  }
  return out;
}

/** "Out of stock" reports: mapped views with a stock raw status, and open quarantine entries with one. */
export async function loadStockReports(db: Db, facts: readonly OrderFacts[], stockRaw: ReadonlySet<string>): Promise<{ reports: StockReport[]; canonical: Map<string, CanonicalStatus> }> {
  const reports: StockReport[] = [];
  const canonical = new Map<string, CanonicalStatus>();
  for (const f of facts) {
    for (const v of f.views) {
      if (!stockRaw.has(v.raw.trim().toLowerCase())) continue;
      reports.push({ orderId: f.orderId, system: v.system, raw: v.raw, since: v.updatedAt });
      if (f.canonical) canonical.set(f.orderId, f.canonical);
    }
  }
  const quarantined = await db.all<{ id: string; system: string; raw: string; since: number; canonical: string | null }>(
    `SELECT q.order_id AS id, q.system, q.raw_status AS raw, q.first_seen AS since, (SELECT status FROM orders o WHERE o.order_id = q.order_id) AS canonical
     FROM quarantine q WHERE q.resolved_at IS NULL AND lower(q.raw_status) IN (SELECT value FROM json_each(?))`,
    [JSON.stringify([...stockRaw])],
  );
  for (const q of quarantined) {
    reports.push({ orderId: q.id, system: q.system, raw: q.raw, since: q.since });
    if (q.canonical !== null && isCanonicalStatus(q.canonical)) canonical.set(q.id, q.canonical);
  }
  if (reports.length > 0) await attachItems(db, reports);
  return { reports, canonical };
}

async function attachItems(db: Db, reports: StockReport[]): Promise<void> {
  const rows = await db.all<{ id: string; system: string; items: string }>(
    'SELECT order_id AS id, system, items FROM order_items WHERE order_id IN (SELECT value FROM json_each(?))',
    [JSON.stringify([...new Set(reports.map((r) => r.orderId))])],
  );
  const byOrder = new Map<string, { sku: string; qty: number }[]>();
  for (const r of rows) {
    const parsed: unknown = JSON.parse(r.items);
    if (!Array.isArray(parsed) || byOrder.has(r.id)) continue;
    const items = (parsed as unknown[]).flatMap((it) => {
      if (typeof it !== 'object' || it === null) return [];
      const { sku, qty } = it as Record<string, unknown>;
      return typeof sku === 'string' && typeof qty === 'number' ? [{ sku, qty }] : [];
    });
    if (items.length > 0) byOrder.set(r.id, items);
  }
  for (const r of reports) r.items = byOrder.get(r.orderId);
}
