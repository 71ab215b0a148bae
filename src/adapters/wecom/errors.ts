// WeCom failures → RetryableError / PermanentError carrying WeCom's errcode (PLATFORMS.md 3.6).
import { describeError, PermanentError, RetryableError } from '../../core/errors.ts';

/** Token invalid or expired: fetch a new one and try once more. */
export const TOKEN_CODES: ReadonlySet<number> = new Set([40014, 42001]);
/** Frequency and concurrency limits: back off (the block lasts up to 60 s for per-minute limits). */
export const RATE_CODES: ReadonlySet<number> = new Set([45009, 45033]);
/** The group robot's webhook is invalid or the robot was removed from its group. */
export const ROBOT_GONE = 93000;

/** One WeCom errcode as an error; `code` is `wecom.<errcode>`. */
export function errorForErrcode(errcode: number, errmsg: string, what: string): RetryableError | PermanentError {
  const code = `wecom.${errcode}`;
  // errmsg can echo a hint id, never the secret or token (they travel in the query string, not the body).
  const message = `${what}: errcode ${errcode} (${errmsg.slice(0, 120)})`;
  if (errcode === -1) return new RetryableError(code, message, { details: { errcode } });
  if (RATE_CODES.has(errcode)) return new RetryableError(code, message, { details: { errcode } });
  return new PermanentError(code, message, { errcode });
}

/** An HTTP-level failure (no errcode body). */
export function errorForHttp(status: number, what: string): RetryableError | PermanentError {
  if (status >= 500 || status === 429 || status === 408) return new RetryableError(`wecom.http_${status}`, `${what}: HTTP ${status}`);
  return new PermanentError(`wecom.http_${status}`, `${what}: HTTP ${status}`);
}

/** A network failure (connect refused, reset, timeout). */
export function errorForNetwork(err: unknown, what: string): RetryableError {
  return new RetryableError('wecom.request_failed', `${what}: ${describeError(err)}`, { cause: err });
}

/** The errcode of an error from this module, if any. */
export function errcodeOf(err: unknown): number | undefined {
  const details = (err as { details?: { errcode?: unknown } } | null)?.details;
  return typeof details?.errcode === 'number' ? details.errcode : undefined;
}
