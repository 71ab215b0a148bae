import type { Clock } from '../core/clock.ts';
import { PermanentError, RetryableError } from '../core/errors.ts';
import { parseRetryAfter, withRetry } from '../core/retry.ts';
import type { Logger } from '../core/logger.ts';

/** A JSON response: status, headers and the parsed body (unknown until a zod parse). */
export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Options shared by every HTTP-based source. */
export interface HttpOptions {
  clock: Clock;
  log?: Logger;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  method?: string;
  body?: string;
  timeoutMs?: number;
  /** Retries after the first try for timeouts, 5xx and 429 (default 3). */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

/** One request, no retry: maps the outcome to JSON, RetryableError or PermanentError. */
export async function requestJsonOnce(url: string, opts: HttpOptions): Promise<JsonResponse> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 15_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? 'GET',
      headers: { accept: 'application/json', ...opts.headers },
      ...(opts.body === undefined ? {} : { body: opts.body }),
      signal,
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw new RetryableError('http.network', `request to ${redactUrl(url)} failed: ${(err as Error).message}`, { cause: err });
  }
  const text = await res.text().catch((err: unknown) => {
    throw new RetryableError('http.body', `reading ${redactUrl(url)} failed`, { cause: err });
  });
  if (res.status === 429 || res.status >= 500) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), opts.clock.now());
    throw new RetryableError(`http.${res.status}`, `${redactUrl(url)} answered ${res.status}`, {
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      details: { status: res.status },
    });
  }
  if (res.status >= 400) {
    const reason = errorReason(text, opts.headers);
    throw new PermanentError(`http.${res.status}`, `${redactUrl(url)} answered ${res.status}${reason ? `: ${reason}` : ''}`, { status: res.status });
  }
  let body: unknown = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      // A 200 with a half-written or HTML body is what a struggling proxy sends: worth a retry.
      throw new RetryableError('http.bad_json', `${redactUrl(url)} answered ${res.status} with a body that is not JSON`, {
        details: { status: res.status, preview: text.slice(0, 80) },
      });
    }
  }
  return { status: res.status, headers: res.headers, body };
}

/**
 * The vendor's own error text from a 4xx body (`errors`, `error`, `message`, `msg`, `errmsg`), at most 200
 * characters, with every value we sent in a header blanked out, so an echoing server cannot leak a credential.
 */
export function errorReason(body: string, sentHeaders: Record<string, string> = {}): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const field = ['errors', 'error', 'message', 'msg', 'errmsg'].map((k) => record[k]).find((v) => v !== undefined);
  if (field === undefined) return undefined;
  let text = (typeof field === 'string' ? field : JSON.stringify(field)).slice(0, 200);
  for (const value of Object.values(sentHeaders)) {
    for (const part of value.split(/\s+/)) if (part.length >= 8) text = text.split(part).join('***');
  }
  return text;
}

/** GET/POST JSON with bounded retries (exponential backoff, jitter, Retry-After honoured). */
export function requestJson(url: string, opts: HttpOptions): Promise<JsonResponse> {
  return withRetry(() => requestJsonOnce(url, opts), {
    retries: opts.retries ?? 3,
    baseMs: opts.baseDelayMs ?? 500,
    maxMs: opts.maxDelayMs ?? 30_000,
    clock: opts.clock,
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onRetry: (err, attempt, delayMs) => opts.log?.warn({ url: redactUrl(url), code: err.code, attempt, delayMs }, 'retrying request'),
  });
}

/** Drops credentials and query values from a URL before it reaches a log or message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const key of [...u.searchParams.keys()]) {
      if (/token|key|secret|sign|password|auth/i.test(key)) u.searchParams.set(key, '***');
    }
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** Retry and timeout options a source's settings give, shared by the HTTP-based sources. */
export interface SourceHttpSettings {
  headers: Record<string, string>;
  timeoutMs?: number | undefined;
  retries?: number | undefined;
  retryBaseMs?: number | undefined;
  retryMaxMs?: number | undefined;
}

/** Builds the per-request HttpOptions of a source from its settings and the pull's clock, log and signal. */
export function sourceHttpOptions(settings: SourceHttpSettings, random?: () => number): (ctx: { clock: Clock; log: Logger; signal?: AbortSignal }) => HttpOptions {
  return (ctx) => ({
    clock: ctx.clock,
    log: ctx.log,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    headers: settings.headers,
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    ...(settings.retries === undefined ? {} : { retries: settings.retries }),
    ...(settings.retryBaseMs === undefined ? {} : { baseDelayMs: settings.retryBaseMs }),
    ...(settings.retryMaxMs === undefined ? {} : { maxDelayMs: settings.retryMaxMs }),
    ...(random ? { random } : {}),
  });
}
