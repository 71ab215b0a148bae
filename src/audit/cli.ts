// `orderops audit verify`: opens the database read-only, verifies the chain, says what it found.
import type { TFunction } from 'i18next';
import { Db } from '../store/db.ts';
import { verifyAudit, type AuditVerifyResult } from './verify.ts';

/** Verifies the audit chain of a database file without writing to it. */
export async function verifyAuditFile(file: string): Promise<AuditVerifyResult> {
  const db = await Db.open(file, { readonly: true });
  try {
    return await verifyAudit(db);
  } finally {
    await db.close();
  }
}

/** The CLI's answer: one localized line and the process exit code (0 intact, 1 tampered). */
export function formatAuditVerify(result: AuditVerifyResult, t: TFunction): { text: string; exitCode: number } {
  if (result.ok) return { text: t('tasks:audit.ok', { count: result.rows }), exitCode: 0 };
  return { text: t('tasks:audit.tampered', { id: result.firstBadId, n: result.rows, reason: t(`tasks:audit.reason.${result.reason}`) }), exitCode: 1 };
}
