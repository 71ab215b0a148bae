// Canonical JSON and the row hash of the audit chain.
import { createHash, createHmac } from 'node:crypto';

/** The hash the first row chains from. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so the same value always serializes to the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The content of one audit row that its hash covers (everything but the hashes). */
export interface AuditRowContent {
  id: number;
  at: number;
  actor: string | null;
  type: string;
  subject: string;
  action: string;
  data: unknown;
}

/**
 * The row's link in the chain, hex: HMAC-SHA256 under the audit key (ORDEROPS_AUDIT_KEY) when there is one, so
 * nobody without the key can re-hash an edited chain; sha256(prev_hash + canonical JSON of the row) otherwise.
 */
export function hashAuditRow(prevHash: string, row: AuditRowContent, key?: string): string {
  const h = key ? createHmac('sha256', key) : createHash('sha256');
  return h.update(prevHash).update(canonicalJson(row)).digest('hex');
}
