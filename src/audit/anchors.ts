// Anchors of the audit chain: every N rows or M minutes the head (row id, hash) is appended to a file beside the
// database, so trimming the newest rows or re-hashing the whole chain no longer passes `audit verify`
// (Certificate Transparency's signed tree heads are the model). With the audit key, each line carries an HMAC.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Clock } from '../core/clock.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Db } from '../store/db.ts';

/** One anchored head. */
export interface AuditAnchor {
  id: number;
  hash: string;
  at: number;
}

/** When to anchor: after `everyRows` new rows, or `everyMs` after the last anchor when rows were added. */
export interface AnchorPolicy {
  everyRows: number;
  everyMs: number;
}

/** Default: every 100 rows or 10 minutes. */
export const DEFAULT_ANCHOR_POLICY: AnchorPolicy = { everyRows: 100, everyMs: 10 * 60_000 };

/** The anchor file of a database file. */
export function anchorFileOf(dbFile: string): string {
  return `${dbFile}.audit-anchors`;
}

function macOf(key: string, a: AuditAnchor): string {
  return createHmac('sha256', key).update(`${a.id}:${a.hash}:${a.at}`).digest('hex');
}

/** Every anchor in the file, oldest first; lines that do not parse, or whose HMAC is wrong under `key`, are reported. */
export function readAnchors(file: string, key?: string): { anchors: AuditAnchor[]; badLines: number[] } {
  if (!existsSync(file)) return { anchors: [], badLines: [] };
  const anchors: AuditAnchor[] = [];
  const badLines: number[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const v = JSON.parse(line) as { id?: unknown; hash?: unknown; at?: unknown; mac?: unknown };
        if (typeof v.id !== 'number' || typeof v.hash !== 'string' || typeof v.at !== 'number') throw new Error('shape');
        const a = { id: v.id, hash: v.hash, at: v.at };
        if (key) {
          const want = Buffer.from(macOf(key, a));
          const got = Buffer.from(typeof v.mac === 'string' ? v.mac : '');
          if (got.length !== want.length || !timingSafeEqual(got, want)) throw new Error('mac');
        }
        anchors.push(a);
      } catch {
        badLines.push(i + 1);
      }
    });
  return { anchors, badLines };
}

/** Writes anchors of the committed head of the chain. */
export class AuditAnchors {
  private last: AuditAnchor | undefined;
  private scheduled = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly clock: Clock,
    private readonly key: string | undefined,
    private readonly policy: AnchorPolicy = DEFAULT_ANCHOR_POLICY,
    private readonly log?: Logger,
  ) {
    this.last = readAnchors(file, key).anchors.at(-1);
  }

  /** Called after an append: looks at the head once the current transaction has committed. */
  touch(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // A failed anchor write is retried at the next append or on close; the chain itself is in SQLite.
      this.running = (this.running ?? Promise.resolve())
        .then(async () => void (await this.anchorIfDue(false)))
        .catch((err: unknown) => this.log?.error({ err: describeError(err), file: this.file }, 'writing an audit anchor failed'));
    });
  }

  /** Anchors the head now if rows were added since the last anchor (on stop), or when the policy says so. */
  async anchorIfDue(force: boolean): Promise<AuditAnchor | undefined> {
    // Outside any transaction: the Db queues this read after an open transaction commits, so only committed rows are anchored.
    const head = await this.db.get<{ id: number; hash: string }>('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1');
    if (!head || head.id === this.last?.id) return undefined;
    const now = this.clock.now();
    const due = force || !this.last || head.id - this.last.id >= this.policy.everyRows || now - this.last.at >= this.policy.everyMs;
    if (!due) return undefined;
    const anchor = { id: head.id, hash: head.hash, at: now };
    appendFileSync(this.file, `${JSON.stringify(this.key ? { ...anchor, mac: macOf(this.key, anchor) } : anchor)}\n`);
    this.last = anchor;
    return anchor;
  }

  /** Waits for a pending anchor and writes the final one; a failed write is logged, never a failed shutdown. */
  async close(): Promise<void> {
    await this.running;
    try {
      await this.anchorIfDue(true);
    } catch (err) {
      this.log?.error({ err: describeError(err), file: this.file }, 'writing the final audit anchor failed');
    }
  }
}
