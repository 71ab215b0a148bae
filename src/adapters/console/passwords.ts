// Console passwords per person: scrypt from node:crypto, stored in settings as `scrypt$N$r$p$<salt>$<hash>`.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

// OWASP's scrypt minimum (N=2^17 needs more than node's default 32 MiB maxmem; 2^15 with r=8 is ~32 MiB).
const N = 32_768;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const MAXMEM = 64 * 1024 * 1024;

/** The stored form of a password. */
export function hashConsolePassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize('NFC'), salt, KEY_BYTES, { N, r: R, p: P, maxmem: MAXMEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** True when `password` matches `stored` (constant time; a malformed stored value never matches). */
export function verifyConsolePassword(password: string, stored: string): boolean {
  const m = /^scrypt\$(\d{4,7})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]{16,})\$([A-Za-z0-9+/=]{40,})$/.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const expected = Buffer.from(m[5] ?? '', 'base64');
  try {
    const got = scryptSync(password.normalize('NFC'), Buffer.from(m[4] ?? '', 'base64'), expected.length, { N: n, r, p, maxmem: MAXMEM });
    return timingSafeEqual(got, expected);
  } catch {
    // Parameters node refuses (N not a power of two, too much memory) are a stored value we cannot match.
    return false;
  }
}
