// Walks the audit chain and reports the first row whose hash, link or position does not hold.
import type { Db } from '../store/db.ts';
import { GENESIS_HASH, hashAuditRow } from './hash.ts';
import type { AuditRow } from './log.ts';

/** Outcome of a verification. */
export type AuditVerifyResult =
  | { ok: true; rows: number }
  | { ok: false; rows: number; firstBadId: number; reason: 'hash' | 'link' | 'gap' | 'data' };

const PAGE = 2000;

/** Recomputes every row's hash in id order; returns ok, or the id of the first tampered (or missing) row. */
export async function verifyAudit(db: Db): Promise<AuditVerifyResult> {
  let prevHash = GENESIS_HASH;
  let expectedId = 1;
  let rows = 0;
  for (;;) {
    const page = await db.all<AuditRow>('SELECT * FROM audit WHERE id >= ? ORDER BY id LIMIT ?', [expectedId, PAGE]);
    for (const r of page) {
      // A deleted row leaves a gap: the row after it is the first one that no longer fits.
      if (r.id !== expectedId) return { ok: false, rows, firstBadId: expectedId, reason: 'gap' };
      if (r.prev_hash !== prevHash) return { ok: false, rows, firstBadId: r.id, reason: 'link' };
      let data: unknown;
      try {
        data = JSON.parse(r.data);
      } catch {
        return { ok: false, rows, firstBadId: r.id, reason: 'data' };
      }
      const hash = hashAuditRow(prevHash, { id: r.id, at: r.at, actor: r.actor, type: r.type, subject: r.subject, action: r.action, data });
      if (hash !== r.hash) return { ok: false, rows, firstBadId: r.id, reason: 'hash' };
      prevHash = r.hash;
      expectedId++;
      rows++;
    }
    if (page.length < PAGE) return { ok: true, rows };
  }
}
