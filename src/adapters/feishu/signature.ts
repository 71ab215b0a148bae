// Feishu request signing (PLATFORMS.md 2.6): sha256(timestamp + nonce + encrypt_key ++ raw body), hex; checked
// over the raw bytes (the SDK re-serializes the parsed body, which only matches compact JSON), 5-minute window.
import { createHash, timingSafeEqual } from 'node:crypto';
import { FEISHU_SIGNATURE_WINDOW_S } from './limits.ts';

/** Why a delivery was refused (for logs; the caller answers 401 either way). */
export type FeishuAuthFailure = 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature' | 'bad_token';

/** The X-Lark-Signature of a raw body. */
export function computeFeishuSignature(encryptKey: string, timestamp: string, nonce: string, rawBody: Buffer | string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey, 'utf8').update(rawBody).digest('hex');
}

/** Checks the signature headers against the raw body; undefined when valid. */
export function checkFeishuSignature(input: {
  encryptKey: string;
  rawBody: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  nonce: string | undefined;
  nowMs: number;
}): FeishuAuthFailure | undefined {
  const { signature, timestamp, nonce } = input;
  if (!signature || !timestamp || nonce === undefined) return 'missing_headers';
  const window = checkTimestampWindow(timestamp, input.nowMs);
  if (window) return window;
  const expected = Buffer.from(computeFeishuSignature(input.encryptKey, timestamp, nonce, input.rawBody), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'bad_signature';
}

/** A seconds timestamp (the X-Lark-Request-Timestamp header) within 5 minutes of `nowMs`. */
export function checkTimestampWindow(timestamp: string, nowMs: number): FeishuAuthFailure | undefined {
  if (!/^\d{1,12}$/.test(timestamp)) return 'bad_timestamp';
  return Math.abs(nowMs / 1000 - Number(timestamp)) > FEISHU_SIGNATURE_WINDOW_S ? 'stale_timestamp' : undefined;
}

/**
 * An envelope's `create_time` as milliseconds: events carry milliseconds, card callbacks microseconds, v1 `ts`
 * seconds (with decimals). Undefined when it is not a number.
 */
export function createTimeMs(value: string | undefined): number | undefined {
  if (!value || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  const n = Number(value);
  if (n > 1e14) return Math.floor(n / 1000);
  if (n > 1e11) return n;
  return n * 1000;
}

/** Constant-time comparison of the verification token. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
