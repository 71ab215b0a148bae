// Walks the audit chain and reports the first row whose hash, link or position does not hold, then checks the chain
// against the anchors written outside the database (a trimmed tail or a re-hashed chain fails there).
import type { Db } from '../store/db.ts';
import { readAnchors } from './anchors.ts';
import { GENESIS_HASH, hashAuditRow } from './hash.ts';
import type { AuditRow } from './log.ts';

/** Why verification failed: a row that does not hold, a row after the last one that an anchor names, an anchor the chain does not match. */
export type AuditFailure = 'hash' | 'link' | 'gap' | 'data' | 'key' | 'downgrade' | 'trimmed' | 'anchor' | 'anchor_file';

/** Outcome of a verification. `keyed` counts rows under the audit key, `anchors` the anchors checked. */
export type AuditVerifyResult =
  | { ok: true; rows: number; keyed?: number; anchors?: number }
  | { ok: false; rows: number; firstBadId: number; reason: AuditFailure };

/** What to check against: the audit key and the anchor file. */
export interface AuditVerifyOptions {
  key?: string | undefined;
  anchorFile?: string | undefined;
}

const PAGE = 2000;

/** Recomputes every row's hash in id order and checks the anchors; returns ok, or the id of the first tampered (or missing) row. */
export async function verifyAudit(db: Db, opts: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
  let prevHash = GENESIS_HASH;
  let expectedId = 1;
  let rows = 0;
  let keyed = 0;
  const hashes = new Map<number, string>();
  const { anchors, badLines } = opts.anchorFile ? readAnchors(opts.anchorFile, opts.key) : { anchors: [], badLines: [] };
  const anchoredIds = new Set(anchors.map((a) => a.id));
  for (;;) {
    const page = await db.all<AuditRow>('SELECT * FROM audit WHERE id >= ? ORDER BY id LIMIT ?', [expectedId, PAGE]);
    for (const r of page) {
      // A deleted row leaves a gap: the row after it is the first one that no longer fits.
      if (r.id !== expectedId) return { ok: false, rows, firstBadId: expectedId, reason: 'gap' };
      if (r.prev_hash !== prevHash) return { ok: false, rows, firstBadId: r.id, reason: 'link' };
      // Once rows are keyed, an unkeyed one after them is a forger's re-hash without the key.
      if (!r.keyed && keyed > 0) return { ok: false, rows, firstBadId: r.id, reason: 'downgrade' };
      if (r.keyed && !opts.key) return { ok: false, rows, firstBadId: r.id, reason: 'key' };
      let data: unknown;
      try {
        data = JSON.parse(r.data);
      } catch {
        return { ok: false, rows, firstBadId: r.id, reason: 'data' };
      }
      const hash = hashAuditRow(prevHash, { id: r.id, at: r.at, actor: r.actor, type: r.type, subject: r.subject, action: r.action, data }, r.keyed ? opts.key : undefined);
      if (hash !== r.hash) return { ok: false, rows, firstBadId: r.id, reason: 'hash' };
      if (anchoredIds.has(r.id)) hashes.set(r.id, r.hash);
      prevHash = r.hash;
      expectedId++;
      rows++;
      if (r.keyed) keyed++;
    }
    if (page.length < PAGE) break;
  }
  if (badLines.length > 0) return { ok: false, rows, firstBadId: 0, reason: 'anchor_file' };
  let lastGood = 0;
  for (const a of anchors) {
    if (a.id > rows) return { ok: false, rows, firstBadId: rows + 1, reason: 'trimmed' };
    // The chain was re-hashed from somewhere after the last anchor it still matches.
    if (hashes.get(a.id) !== a.hash) return { ok: false, rows: lastGood, firstBadId: lastGood + 1, reason: 'anchor' };
    lastGood = a.id;
  }
  return { ok: true, rows, ...(opts.key ? { keyed } : {}), ...(opts.anchorFile ? { anchors: anchors.length } : {}) };
}
