// Slack failures → RetryableError / PermanentError carrying Slack's own error code (PLATFORMS.md 1.4, 1.6).
import { webApi } from '@slack/bolt';
import { parseRetryAfter } from '../../core/retry.ts';
import { describeError, PermanentError, RetryableError } from '../../core/errors.ts';

// Platform error codes worth another try; everything else (channel_not_found, invalid_blocks,
// msg_too_long, message_not_found, cant_update_message, invalid_auth, …) is permanent.
const RETRYABLE_CODES = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Codes that mean "Slack did not take the request": safe to resend even a non-idempotent post. */
export const NOT_TAKEN_CODES: ReadonlySet<string> = new Set(['ratelimited', 'rate_limited', 'connect_failed']);

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECT_CODES.has(code)) return code;
    e = (e as { cause?: unknown; original?: unknown }).cause ?? (e as { original?: unknown }).original;
  }
  return undefined;
}

/** An error for an HTTP status (response_url and WebClient HTTP errors). */
export function errorForStatus(status: number, code: string | undefined, retryAfterMs: number | undefined, what: string): RetryableError | PermanentError {
  const c = code ?? `http_${status}`;
  if (status === 429) return new RetryableError(code ?? 'ratelimited', `${what}: rate limited`, { retryAfterMs });
  if (status >= 500 || status === 408) return new RetryableError(c, `${what}: HTTP ${status}`, { retryAfterMs });
  return new PermanentError(c, `${what}: HTTP ${status}${code ? ` (${code})` : ''}`);
}

/** Maps anything a WebClient call threw; `.code` is Slack's error code (e.g. channel_not_found). */
export function mapSlackError(err: unknown, method: string, nowMs: number): RetryableError | PermanentError {
  if (err instanceof RetryableError || err instanceof PermanentError) return err;
  if (err instanceof webApi.WebAPIRateLimitedError) {
    return new RetryableError('ratelimited', `${method}: rate limited (retry after ${err.retryAfter}s)`, { retryAfterMs: err.retryAfter * 1000, cause: err });
  }
  if (err instanceof webApi.WebAPIPlatformError) {
    const code = String(err.data.error);
    const after = err.data.response_metadata?.retryAfter;
    const retryAfterMs = typeof after === 'number' ? after * 1000 : undefined;
    if (RETRYABLE_CODES.has(code)) return new RetryableError(code, `${method}: ${code}`, { retryAfterMs, cause: err });
    return new PermanentError(code, `${method}: ${code}`, { errors: (err.data as { errors?: unknown }).errors }, { cause: err });
  }
  if (err instanceof webApi.WebAPIHTTPError) {
    return errorForStatus(err.statusCode, undefined, parseRetryAfter(err.headers['retry-after'], nowMs), method);
  }
  if (err instanceof webApi.WebAPIRequestError) {
    const refused = causeCode(err.original);
    if (refused) return new RetryableError('connect_failed', `${method}: cannot reach Slack (${refused})`, { cause: err });
    return new RetryableError('request_failed', `${method}: ${describeError(err.original)}`, { cause: err });
  }
  // WebClient reports a 429 without a usable Retry-After as a plain Error.
  if (err instanceof Error && /rate limit|retry header/i.test(err.message)) return new RetryableError('ratelimited', `${method}: ${err.message}`, { cause: err });
  return new PermanentError('slack.unexpected', `${method}: ${describeError(err)}`, {}, { cause: err });
}
