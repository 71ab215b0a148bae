// SQLite state of the alert pipeline: alerts, groups (what each card last showed) — bulk statements only.
import type { Db } from '../store/db.ts';
import type { FindingKind, FindingLabels } from '../detect/types.ts';
import type { CardState } from './types.ts';

/** An alert ready to store: labels resolved to a group, rank computed. */
export interface AlertRow {
  fingerprint: string;
  groupKey: string;
  labels: FindingLabels;
  details: string;
  rank: number;
  startsAt: number;
}

/** A firing alert as a group flush reads it (no details: those are read for the worst ten only). */
export interface FiringAlert {
  fingerprint: string;
  labels: FindingLabels;
  rank: number;
  startsAt: number;
}

/** A live group and what its card last showed. */
export interface GroupRow {
  groupKey: string;
  labels: string;
  createdAt: number;
  nextFlushAt: number;
  changedAt: number;
  cardKey: string | null;
  cardState: CardState;
  notifiedHash: string | null;
  notifiedCount: number;
  notifiedAt: number | null;
  postedAt: number | null;
}

const UPSERT = `INSERT INTO alerts (fingerprint, group_key, kind, source, shop, order_id, details, rank, starts_at, updated_at)
  SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, ?1 FROM json_each(?2) WHERE true
  ON CONFLICT(fingerprint) DO UPDATE SET group_key = excluded.group_key, kind = excluded.kind, source = excluded.source, shop = excluded.shop,
    order_id = excluded.order_id, details = excluded.details, rank = excluded.rank, updated_at = excluded.updated_at,
    starts_at = CASE WHEN alerts.resolved_at IS NULL THEN alerts.starts_at ELSE excluded.starts_at END, resolved_at = NULL
  WHERE alerts.resolved_at IS NOT NULL OR alerts.details IS NOT excluded.details OR alerts.group_key IS NOT excluded.group_key
    OR alerts.source IS NOT excluded.source
  RETURNING group_key`;
const RESOLVE = `UPDATE alerts SET resolved_at = ?1 WHERE resolved_at IS NULL AND fingerprint IN (SELECT value FROM json_each(?2)) RETURNING group_key`;
const RESOLVE_ABSENT = `UPDATE alerts SET resolved_at = ?1 WHERE resolved_at IS NULL AND kind IN (SELECT value FROM json_each(?2))
  AND fingerprint NOT IN (SELECT value FROM json_each(?3)) RETURNING group_key`;
const GROUP_UPSERT = `INSERT INTO alert_groups (group_key, labels, created_at, next_flush_at, changed_at)
  SELECT value ->> 0, value ->> 1, ?1, ?2, ?1 FROM json_each(?3) WHERE true
  ON CONFLICT(group_key) DO UPDATE SET changed_at = excluded.changed_at`;
const GROUP_COLUMNS = `group_key AS groupKey, labels, created_at AS createdAt, next_flush_at AS nextFlushAt, changed_at AS changedAt, card_key AS cardKey,
  card_state AS cardState, notified_hash AS notifiedHash, notified_count AS notifiedCount, notified_at AS notifiedAt, posted_at AS postedAt`;

interface FiringRow {
  fingerprint: string;
  kind: FindingKind;
  source: string;
  shop: string;
  orderId: string | null;
  rank: number;
  startsAt: number;
}

function toFiring(r: FiringRow): FiringAlert {
  return { fingerprint: r.fingerprint, labels: { kind: r.kind, source: r.source, shop: r.shop, orderId: r.orderId ?? undefined }, rank: r.rank, startsAt: r.startsAt };
}

/** The pipeline's tables. */
export class AlertRepo {
  constructor(readonly db: Db) {}

  /** Stores changes in one transaction; new groups flush first at `firstFlushAt`. Returns the groups that changed. */
  ingest(rows: readonly AlertRow[], resolved: readonly string[], complete: readonly FindingKind[] | undefined, now: number, firstFlushAt: number): Promise<Set<string>> {
    const { db } = this;
    return db.transaction(async () => {
      const changed = new Set<string>();
      const add = (rs: { group_key: string }[]): void => rs.forEach((r) => changed.add(r.group_key));
      if (rows.length > 0) {
        const json = JSON.stringify(rows.map((r) => [r.fingerprint, r.groupKey, r.labels.kind, r.labels.source, r.labels.shop, r.labels.orderId ?? null, r.details, r.rank, r.startsAt]));
        add(await db.all<{ group_key: string }>(UPSERT, [now, json]));
      }
      if (resolved.length > 0) add(await db.all<{ group_key: string }>(RESOLVE, [now, JSON.stringify(resolved)]));
      if (complete && complete.length > 0) add(await db.all<{ group_key: string }>(RESOLVE_ABSENT, [now, JSON.stringify(complete), JSON.stringify(rows.map((r) => r.fingerprint))]));
      if (changed.size > 0) {
        const labels = new Map<string, string>();
        for (const r of rows) if (!labels.has(r.groupKey)) labels.set(r.groupKey, JSON.stringify(r.labels));
        // Groups that only lost alerts exist already; a group is created by its first firing alert.
        const groups = [...changed].flatMap((g) => (labels.has(g) ? [[g, labels.get(g)]] : []));
        if (groups.length > 0) await db.run(GROUP_UPSERT, [now, firstFlushAt, JSON.stringify(groups)]);
        const rest = [...changed].filter((g) => !labels.has(g));
        if (rest.length > 0) await db.run('UPDATE alert_groups SET changed_at = ? WHERE group_key IN (SELECT value FROM json_each(?))', [now, JSON.stringify(rest)]);
      }
      return changed;
    });
  }

  /** Groups whose next flush is due. */
  dueGroups(now: number): Promise<GroupRow[]> {
    return this.db.all<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM alert_groups WHERE next_flush_at <= ? ORDER BY next_flush_at, group_key`, [now]);
  }

  /** Every live group. */
  groups(): Promise<GroupRow[]> {
    return this.db.all<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM alert_groups ORDER BY group_key`);
  }

  /** One group. */
  group(groupKey: string): Promise<GroupRow | undefined> {
    return this.db.get<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM alert_groups WHERE group_key = ?`, [groupKey]);
  }

  /** Firing alerts of a group, worst first. */
  async firing(groupKey: string): Promise<FiringAlert[]> {
    const rows = await this.db.all<FiringRow>(
      `SELECT fingerprint, kind, source, shop, order_id AS orderId, rank, starts_at AS startsAt FROM alerts
       WHERE group_key = ? AND resolved_at IS NULL ORDER BY rank, fingerprint`,
      [groupKey],
    );
    return rows.map(toFiring);
  }

  /** Labels of every firing alert of some kinds (the possible inhibitors). */
  async firingOfKinds(kinds: readonly string[]): Promise<FindingLabels[]> {
    if (kinds.length === 0) return [];
    const rows = await this.db.all<FiringRow>(
      `SELECT fingerprint, kind, source, shop, order_id AS orderId, rank, starts_at AS startsAt FROM alerts
       WHERE resolved_at IS NULL AND kind IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(kinds)],
    );
    return rows.map((r) => toFiring(r).labels);
  }

  /** Details JSON by fingerprint. */
  async details(fingerprints: readonly string[]): Promise<Map<string, string>> {
    if (fingerprints.length === 0) return new Map();
    const rows = await this.db.all<{ fingerprint: string; details: string }>('SELECT fingerprint, details FROM alerts WHERE fingerprint IN (SELECT value FROM json_each(?))', [JSON.stringify(fingerprints)]);
    return new Map(rows.map((r) => [r.fingerprint, r.details]));
  }

  /** Records what a flush did to a group and when it flushes next; drops its resolved alerts. */
  async saveFlush(g: Pick<GroupRow, 'groupKey' | 'nextFlushAt' | 'cardKey' | 'cardState' | 'notifiedHash' | 'notifiedCount' | 'notifiedAt' | 'postedAt'>): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.run(
        `UPDATE alert_groups SET next_flush_at = ?, card_key = ?, card_state = ?, notified_hash = ?, notified_count = ?, notified_at = ?, posted_at = ? WHERE group_key = ?`,
        [g.nextFlushAt, g.cardKey, g.cardState, g.notifiedHash, g.notifiedCount, g.notifiedAt, g.postedAt, g.groupKey],
      );
      await this.db.run('DELETE FROM alerts WHERE group_key = ? AND resolved_at IS NOT NULL', [g.groupKey]);
    });
  }

  /** Removes a group whose alerts all resolved. */
  async closeGroup(groupKey: string): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.run('DELETE FROM alerts WHERE group_key = ? AND resolved_at IS NOT NULL', [groupKey]);
      await this.db.run('DELETE FROM alert_groups WHERE group_key = ? AND NOT EXISTS (SELECT 1 FROM alerts WHERE group_key = ? AND resolved_at IS NULL)', [groupKey, groupKey]);
    });
  }
}
