// Feishu failures → RetryableError / PermanentError carrying Feishu's own code (PLATFORMS.md 2.2, 2.3, 2.8).
// The SDK resolves HTTP 200 answers with code != 0 and throws axios errors for other statuses; both land here.
import { describeError, OrderOpsError, PermanentError, RetryableError } from '../../core/errors.ts';

/** "Frequency limit" (send/patch) and the generic "request trigger frequency limit". */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([230020, 99991400]);
/** The card can no longer be edited (older than 14 days, recalled, deleted): post a fresh copy. */
export const FRESH_COPY_CODES: ReadonlySet<number> = new Set([230031, 230011, 230110]);
/** Invalid or expired tenant_access_token. */
export const TOKEN_INVALID_CODE = 99991663;

/** The error code we give a Feishu code. */
export function feishuErrorCode(code: number): string {
  return `feishu.${code}`;
}

/** The Feishu code an error carries, if any. */
export function feishuCodeOf(err: unknown): number | undefined {
  if (!(err instanceof OrderOpsError)) return undefined;
  const c = err.details.feishuCode;
  return typeof c === 'number' ? c : undefined;
}

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** `x-ogw-ratelimit-reset` (seconds until the window resets) as milliseconds. */
export function rateLimitResetMs(headers: unknown): number | undefined {
  const v = header(headers, 'x-ogw-ratelimit-reset');
  if (!v || !/^\d+(\.\d+)?$/.test(v.trim())) return undefined;
  return Math.round(Number(v) * 1000);
}

/** Maps a Feishu answer code (with the HTTP status when there was one). */
export function mapFeishuCode(code: number, msg: string, status: number, retryAfterMs: number | undefined, method: string): RetryableError | PermanentError {
  const details = { feishuCode: code, status };
  if (RATE_LIMIT_CODES.has(code) || status === 429) return new RetryableError(feishuErrorCode(code), `${method}: rate limited (${code})`, { retryAfterMs, details });
  if (status >= 500) return new RetryableError(feishuErrorCode(code), `${method}: HTTP ${status} (${code} ${msg})`, { retryAfterMs, details });
  return new PermanentError(feishuErrorCode(code), `${method}: ${msg || 'refused'} (${code})`, details);
}

interface AxiosLike {
  message?: unknown;
  code?: unknown;
  response?: { status?: unknown; headers?: unknown; data?: unknown };
}

/** Maps anything an SDK call threw. */
export function mapFeishuError(err: unknown, method: string): RetryableError | PermanentError {
  if (err instanceof RetryableError || err instanceof PermanentError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as AxiosLike;
  const res = e.response;
  if (res && typeof res.status === 'number') {
    const data = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as { code?: unknown; msg?: unknown };
    const retryAfterMs = rateLimitResetMs(res.headers);
    if (typeof data.code === 'number') return mapFeishuCode(data.code, typeof data.msg === 'string' ? data.msg : '', res.status, retryAfterMs, method);
    if (res.status === 429) return new RetryableError('feishu.rate_limited', `${method}: HTTP 429`, { retryAfterMs, details: { status: 429 } });
    if (res.status >= 500 || res.status === 408) return new RetryableError(`feishu.http_${res.status}`, `${method}: HTTP ${res.status}`, { retryAfterMs, details: { status: res.status } });
    return new PermanentError(`feishu.http_${res.status}`, `${method}: HTTP ${res.status}`, { status: res.status });
  }
  // No answer at all (refused, reset, timed out): the request may be retried.
  if (typeof e.code === 'string') return new RetryableError('feishu.request_failed', `${method}: ${e.code}`, { cause: err });
  return new PermanentError('feishu.unexpected', `${method}: ${describeError(err)}`, {}, { cause: err });
}
