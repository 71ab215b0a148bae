// The append-only audit log: every command, click, state change and executor result, hash-chained.
import type { Clock } from '../core/clock.ts';
import type { Db } from '../store/db.ts';
import type { AuditAnchors } from './anchors.ts';
import { canonicalJson, GENESIS_HASH, hashAuditRow, type AuditRowContent } from './hash.ts';

/** What happened, as the caller describes it. */
export interface AuditEntry {
  /** Who did it (`platform:userId`), or null for the system itself. */
  actor: string | null;
  /** command, click, transition, executor, denied, escalation… */
  type: string;
  /** What it happened to (`task:12`, `/approve`, `order:A1`). */
  subject: string;
  action: string;
  data?: Record<string, unknown> | undefined;
  /** Defaults to the clock's now. */
  at?: number | undefined;
}

/** A stored audit row. */
export interface AuditRecord extends Omit<AuditRowContent, 'data'> {
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** How the chain is protected: keyed (HMAC under ORDEROPS_AUDIT_KEY) and anchored outside the database. */
export interface AuditProtection {
  /** The audit key; without it the chain is plain sha256 (anyone with the file could re-hash it). */
  key?: string | undefined;
  anchors?: AuditAnchors | undefined;
}

/** Appends hash-chained rows; appends are serialized through Db.transaction so the chain never forks. */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly protection: AuditProtection = {},
  ) {}

  /** True when rows are keyed (HMAC); false means the log is unkeyed, as /healthz and the banner say. */
  get keyed(): boolean {
    return Boolean(this.protection.key);
  }

  /** Appends one entry (joining the caller's transaction when there is one); returns its id and hash. */
  append(entry: AuditEntry): Promise<{ id: number; hash: string }> {
    return this.db.transaction(async () => {
      const last = await this.db.get<{ id: number; hash: string }>('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1');
      const id = (last?.id ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const content = { id, at: entry.at ?? this.clock.now(), actor: entry.actor, type: entry.type, subject: entry.subject, action: entry.action, data: entry.data ?? {} };
      const key = this.protection.key;
      const hash = hashAuditRow(prevHash, content, key);
      this.protection.anchors?.touch();
      await this.db.run('INSERT INTO audit (id, at, actor, type, subject, action, data, prev_hash, hash, keyed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        id,
        content.at,
        content.actor,
        content.type,
        content.subject,
        content.action,
        canonicalJson(content.data),
        prevHash,
        hash,
        key ? 1 : 0,
      ]);
      return { id, hash };
    });
  }

  /** The newest rows first, optionally about one subject. */
  async recent(opts: { subject?: string; limit?: number } = {}): Promise<AuditRecord[]> {
    const limit = Math.min(Math.max(opts.limit ?? 50, 1), 1000);
    const rows = opts.subject
      ? await this.db.all<AuditRow>('SELECT * FROM audit WHERE subject = ? ORDER BY id DESC LIMIT ?', [opts.subject, limit])
      : await this.db.all<AuditRow>('SELECT * FROM audit ORDER BY id DESC LIMIT ?', [limit]);
    return rows.map(toRecord);
  }
}

/** An audit row as SQLite returns it. */
export interface AuditRow {
  id: number;
  at: number;
  actor: string | null;
  type: string;
  subject: string;
  action: string;
  data: string;
  prev_hash: string;
  hash: string;
  /** 1 when the hash is an HMAC under the audit key. */
  keyed: number;
}

function toRecord(r: AuditRow): AuditRecord {
  return { id: r.id, at: r.at, actor: r.actor, type: r.type, subject: r.subject, action: r.action, data: JSON.parse(r.data) as Record<string, unknown>, prevHash: r.prev_hash, hash: r.hash };
}
