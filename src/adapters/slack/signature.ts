// Slack request signing, v0 (PLATFORMS.md 1.1): HMAC-SHA256 over "v0:<ts>:<raw body>", 5-minute window.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SLACK_SIGNATURE_WINDOW_S } from './limits.ts';

/** Why a signature was refused (for logs; the caller answers 401 either way). */
export type SignatureFailure = 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature';

/** The v0 signature of a raw body at a timestamp (seconds). */
export function computeSlackSignature(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

/** Checks the signature headers against the raw body at `nowMs`; returns the failure or undefined when valid. */
export function checkSlackSignature(input: {
  signingSecret: string;
  rawBody: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  nowMs: number;
}): SignatureFailure | undefined {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) return 'missing_headers';
  if (!/^\d{1,12}$/.test(timestamp)) return 'bad_timestamp';
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > SLACK_SIGNATURE_WINDOW_S) return 'stale_timestamp';
  const expected = Buffer.from(computeSlackSignature(input.signingSecret, timestamp, input.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'bad_signature';
}
