import { createHash } from 'node:crypto';

const SAFE = /^[A-Za-z0-9_.:@-]+$/;

/**
 * A stable provider-side idempotency id for a message key: the key itself when it is short and plain,
 * otherwise `h-` + the first hex digits of its SHA-256, so the same key always gives the same id.
 */
export function stableMessageId(key: string, maxLength = 64): string {
  if (key.length > 0 && key.length <= maxLength && SAFE.test(key)) return key;
  return `h-${createHash('sha256').update(key).digest('hex').slice(0, Math.min(62, maxLength - 2))}`;
}
