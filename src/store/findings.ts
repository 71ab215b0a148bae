import type { Finding } from '../core/order.ts';
import type { Db } from './db.ts';

/** A stored finding. */
export interface FindingRecord extends Finding {
  firstSeen: number;
  lastSeen: number;
  count: number;
  resolvedAt: number | null;
}

interface FindingRow {
  fingerprint: string;
  kind: string;
  source: string | null;
  order_id: string | null;
  details: string;
  first_seen: number;
  last_seen: number;
  count: number;
  resolved_at: number | null;
}

function toFinding(r: FindingRow): FindingRecord {
  return {
    fingerprint: r.fingerprint,
    kind: r.kind,
    source: r.source ?? undefined,
    orderId: r.order_id ?? undefined,
    details: JSON.parse(r.details) as Record<string, unknown>,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    count: r.count,
    resolvedAt: r.resolved_at,
  };
}

/** Findings: one row per problem (fingerprint), reopened when the problem returns. */
export class FindingsRepo {
  constructor(private readonly db: Db) {}

  /** Records (or re-records) a finding; returns true when it is new or was resolved before. */
  async raise(f: Finding, now: number): Promise<boolean> {
    const prev = await this.db.get<{ resolved_at: number | null }>('SELECT resolved_at FROM findings WHERE fingerprint = ?', [f.fingerprint]);
    await this.db.run(
      `INSERT INTO findings (fingerprint, kind, source, order_id, details, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(fingerprint) DO UPDATE SET details = excluded.details, last_seen = excluded.last_seen, count = findings.count + 1,
       resolved_at = NULL, first_seen = CASE WHEN findings.resolved_at IS NULL THEN findings.first_seen ELSE excluded.first_seen END`,
      [f.fingerprint, f.kind, f.source ?? null, f.orderId ?? null, JSON.stringify(f.details), now, now],
    );
    return prev === undefined || prev.resolved_at !== null;
  }

  /** Marks a finding resolved; returns true when it was open. */
  async resolve(fingerprint: string, now: number): Promise<boolean> {
    const res = await this.db.run('UPDATE findings SET resolved_at = ? WHERE fingerprint = ? AND resolved_at IS NULL', [now, fingerprint]);
    return res.changes > 0;
  }

  /** Open findings, optionally of one kind or one order. */
  async open(filter: { kind?: string; orderId?: string; source?: string } = {}): Promise<FindingRecord[]> {
    const where = ['resolved_at IS NULL'];
    const params: string[] = [];
    if (filter.kind) (where.push('kind = ?'), params.push(filter.kind));
    if (filter.orderId) (where.push('order_id = ?'), params.push(filter.orderId));
    if (filter.source) (where.push('source = ?'), params.push(filter.source));
    const rows = await this.db.all<FindingRow>(`SELECT * FROM findings WHERE ${where.join(' AND ')} ORDER BY last_seen DESC`, params);
    return rows.map(toFinding);
  }
}
