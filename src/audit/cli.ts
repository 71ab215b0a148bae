// `orderops audit verify`: opens the database read-only, verifies the chain, says what it found.
import type { TFunction } from 'i18next';
import { Db } from '../store/db.ts';
import { anchorFileOf } from './anchors.ts';
import { verifyAudit, type AuditVerifyResult } from './verify.ts';

/** Verifies the audit chain of a database file without writing to it, against its anchor file and the audit key. */
export async function verifyAuditFile(file: string, key?: string): Promise<AuditVerifyResult> {
  const db = await Db.open(file, { readonly: true });
  try {
    return await verifyAudit(db, { key, anchorFile: anchorFileOf(file) });
  } finally {
    await db.close();
  }
}

/** The CLI's answer: one localized line and the process exit code (0 intact, 1 tampered). */
export function formatAuditVerify(result: AuditVerifyResult, t: TFunction): { text: string; exitCode: number } {
  if (result.ok) {
    const notes = [result.keyed === undefined ? t('tasks:audit.unkeyed') : '', result.anchors === 0 ? t('tasks:audit.noAnchors') : ''].filter((n) => n !== '');
    return { text: [t('tasks:audit.ok', { count: result.rows }), ...notes].join(' '), exitCode: 0 };
  }
  if (result.reason === 'anchor_file') return { text: t('tasks:audit.anchorFile'), exitCode: 1 };
  return { text: t('tasks:audit.tampered', { id: result.firstBadId, n: result.rows, reason: t(`tasks:audit.reason.${result.reason}`) }), exitCode: 1 };
}
