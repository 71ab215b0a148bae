import type { CanonicalStatus } from '../core/status.ts';
import type { Db } from './db.ts';

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

  /** Counts per system and status, plus the canonical view under system `*`. */
  async statusCounts(): Promise<StatusCount[]> {
    const perSystem = await this.db.all<StatusCount>('SELECT system, status, count(*) AS count FROM snapshots GROUP BY system, status ORDER BY system, status');
    const canonical = await this.db.all<StatusCount>("SELECT '*' AS system, status, count(*) AS count FROM orders GROUP BY status ORDER BY status");
    return [...canonical, ...perSystem];
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
    const o = await this.db.get<{ status: CanonicalStatus; status_system: string; status_since: number; amount: number | null; currency: string | null; customer_id: string | null; first_seen: number }>(
      'SELECT status, status_system, status_since, amount, currency, customer_id, first_seen FROM orders WHERE order_id = ?',
      [orderId],
    );
    const quarantined = await this.db.all<{ system: string; rawStatus: string; lastSeen: number; count: number }>(
      'SELECT system, raw_status AS rawStatus, last_seen AS lastSeen, count FROM quarantine WHERE order_id = ? AND resolved_at IS NULL',
      [orderId],
    );
    if (!o && quarantined.length === 0) return undefined;
    const snapshots = await this.db.all<SnapshotView>(
      'SELECT system, status, raw_status AS rawStatus, updated_at AS updatedAt, amount, currency, seen_at AS seenAt FROM snapshots WHERE order_id = ? ORDER BY system',
      [orderId],
    );
    const events = await this.db.all<OrderDetail['events'][number]>(
      'SELECT id, system, from_status AS "from", to_status AS "to", raw_status AS raw, at, run_id AS runId FROM events WHERE order_id = ? ORDER BY id DESC LIMIT ?',
      [orderId, eventLimit],
    );
    return {
      orderId,
      status: o?.status ?? 'exception',
      statusSystem: o?.status_system ?? '',
      statusSince: o?.status_since ?? 0,
      amount: o?.amount ?? null,
      currency: o?.currency ?? null,
      customerId: o?.customer_id ?? null,
      firstSeen: o?.first_seen ?? 0,
      snapshots,
      events: events.reverse(),
      quarantined,
    };
  }

  /** Total rows of the main tables (for health and tests). */
  async totals(): Promise<{ orders: number; snapshots: number; events: number }> {
    const row = await this.db.get<{ orders: number; snapshots: number; events: number }>(
      'SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM snapshots) AS snapshots, (SELECT count(*) FROM events) AS events',
    );
    return row ?? { orders: 0, snapshots: 0, events: 0 };
  }
}
