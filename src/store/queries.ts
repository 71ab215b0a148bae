import type { CanonicalStatus } from '../core/status.ts';
import type { Db } from './db.ts';
import type { OrderDoc } from './sync-store.ts';

/** Order count per (system, canonical status); system `*` is the canonical view. */
export interface StatusCount {
  system: string;
  status: CanonicalStatus;
  count: number;
}

/** One system's view of an order. */
export interface SnapshotView {
  system: string;
  status: CanonicalStatus;
  rawStatus: string;
  updatedAt: number;
  amount: number | null;
  currency: string | null;
  seenAt: number;
}

/** One order: canonical view, per-system snapshots, history. */
export interface OrderDetail {
  orderId: string;
  status: CanonicalStatus;
  statusSystem: string;
  statusSince: number;
  amount: number | null;
  currency: string | null;
  customerId: string | null;
  firstSeen: number;
  snapshots: SnapshotView[];
  events: { id: number; system: string; from: CanonicalStatus | null; to: CanonicalStatus; raw: string; at: number; runId: number }[];
  quarantined: { system: string; rawStatus: string; lastSeen: number; count: number }[];
}

/** A quarantined (unmapped) raw status, grouped. */
export interface QuarantineGroup {
  system: string;
  rawStatus: string;
  orders: number;
  lastSeen: number;
  sampleOrderId: string;
}

/** Read-only queries for commands and the CLI. */
export class OrderQueries {
  constructor(private readonly db: Db) {}

  /** Counts per system and status, plus the canonical view under system `*` (kept by applyBatch, so O(statuses)). */
  async statusCounts(): Promise<StatusCount[]> {
    return this.db.all<StatusCount>("SELECT system, status, count FROM status_counts WHERE count > 0 ORDER BY system <> '*', system, status");
  }

  /** Open quarantine, grouped by system and raw status. */
  async quarantine(): Promise<QuarantineGroup[]> {
    return this.db.all<QuarantineGroup>(
      `SELECT system, raw_status AS rawStatus, count(*) AS orders, max(last_seen) AS lastSeen, min(order_id) AS sampleOrderId
       FROM quarantine WHERE resolved_at IS NULL GROUP BY system, raw_status ORDER BY orders DESC`,
    );
  }

  /** Every system's view of one order and its history, or undefined when unknown. */
  async order(orderId: string, eventLimit = 50): Promise<OrderDetail | undefined> {
    const row = await this.db.get<{ doc: string }>('SELECT json(doc) AS doc FROM orders WHERE order_id = ?', [orderId]);
    const quarantined = await this.db.all<{ system: string; rawStatus: string; lastSeen: number; count: number }>(
      'SELECT system, raw_status AS rawStatus, last_seen AS lastSeen, count FROM quarantine WHERE order_id = ? AND resolved_at IS NULL',
      [orderId],
    );
    if (!row && quarantined.length === 0) return undefined;
    const doc = row ? (JSON.parse(row.doc) as OrderDoc) : undefined;
    const snapshots: SnapshotView[] = [];
    if (doc) {
      for (const system of Object.keys(doc.v).sort()) {
        const v = doc.v[system];
        if (!v) continue;
        const seen = Object.hasOwn(doc.n, system) ? doc.n[system] : undefined;
        snapshots.push({ system, status: v[0], rawStatus: v[1], updatedAt: v[2], amount: v[3], currency: v[4], seenAt: seen?.[0] ?? 0 });
      }
    }
    const events =
      doc && doc.e.length > 0
        ? await this.db.all<OrderDetail['events'][number]>(
            'SELECT id, system, from_status AS "from", to_status AS "to", raw_status AS raw, at, run_id AS runId FROM events WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT ?',
            [JSON.stringify(doc.e), eventLimit],
          )
        : [];
    const c = doc?.c;
    return {
      orderId,
      status: c?.[0] ?? 'exception',
      statusSystem: c?.[1] ?? '',
      statusSince: c?.[2] ?? 0,
      amount: c?.[3] ?? null,
      currency: c?.[4] ?? null,
      customerId: c?.[5] ?? null,
      firstSeen: c?.[6] ?? 0,
      snapshots,
      events: events.reverse(),
      quarantined,
    };
  }

  /** The order's items as one system reported them (the first system with items, by name), for texts to customers. */
  async itemsOf(orderId: string): Promise<{ sku: string; name?: string; qty: number }[]> {
    const row = await this.db.get<{ items: string }>('SELECT items FROM order_items WHERE order_id = ? ORDER BY system LIMIT 1', [orderId]);
    if (!row) return [];
    try {
      const parsed: unknown = JSON.parse(row.items);
      if (!Array.isArray(parsed)) return [];
      return parsed.flatMap((i: unknown) => {
        const o = i as { sku?: unknown; name?: unknown; qty?: unknown };
        return typeof o.sku === 'string' ? [{ sku: o.sku, ...(typeof o.name === 'string' ? { name: o.name } : {}), qty: typeof o.qty === 'number' ? o.qty : 1 }] : [];
      });
    } catch {
      return [];
    }
  }

  /** Total orders, per-system snapshots and events (for health and tests). */
  async totals(): Promise<{ orders: number; snapshots: number; events: number }> {
    const row = await this.db.get<{ orders: number; snapshots: number; events: number }>(
      `SELECT (SELECT coalesce(sum(count), 0) FROM status_counts WHERE system = '*') AS orders,
         (SELECT coalesce(sum(count), 0) FROM status_counts WHERE system <> '*') AS snapshots,
         (SELECT count(*) FROM events) AS events`,
    );
    return row ?? { orders: 0, snapshots: 0, events: 0 };
  }
}
