import { EventEmitter } from 'node:events';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import type { Clock } from '../core/clock.ts';
import { PermanentError, RetryableError } from '../core/errors.ts';
import { parseRetryAfter, withRetry } from '../core/retry.ts';
import type { Logger } from '../core/logger.ts';

/** Response headers by case-insensitive name; repeated headers come back joined with ", " (as fetch's Headers). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

/** A JSON response: status, headers and the parsed body (unknown until a zod parse). */
export interface JsonResponse {
  status: number;
  headers: ResponseHeaders;
  body: unknown;
}

/** Options of one request. */
export interface RequestOptions {
  /** Aborting it rejects with its reason, as it is. */
  signal?: AbortSignal;
  headers?: Record<string, string>;
  method?: string;
  body?: string;
  /** Whole request, answer and body included (default 15 s). */
  timeoutMs?: number;
  /** Longest response body read (default MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

/** Options shared by every HTTP-based source. */
export interface HttpOptions extends RequestOptions {
  clock: Clock;
  log?: Logger;
  /** Retries after the first try for timeouts, 5xx and 429 (default 3). */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

/** Default cap on a response body: a bigger answer is refused rather than held in memory. */
export const MAX_RESPONSE_BYTES = 50 * 1024 * 1024;

// One keep-alive connection pool per origin, shared by every caller (undici honours the server's Keep-Alive
// timeout, so an idle connection is dropped before the server closes it). One agent per body cap in use.
// Redirects are followed as fetch did (at most 20; Authorization and Cookie are dropped on a cross-origin hop).
const dispatchers = new Map<number, Dispatcher>();
function dispatcherFor(maxResponseBytes: number): Dispatcher {
  let dispatcher = dispatchers.get(maxResponseBytes);
  if (!dispatcher) {
    const agent = new Agent({ maxResponseSize: maxResponseBytes, keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });
    dispatcher = agent.compose(interceptors.redirect({ maxRedirections: 20 }));
    dispatchers.set(maxResponseBytes, dispatcher);
  }
  return dispatcher;
}

function headerAccessor(raw: Dispatcher.ResponseData['headers']): ResponseHeaders {
  return {
    get(name: string): string | null {
      const value = raw[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

function isTooLarge(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE';
}

/** A raw answer: status, headers and the body as text. */
export interface TextResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

/**
 * One request over the shared keep-alive pool, whatever the status (no retry, no status mapping).
 * Connection failure or timeout → RetryableError `http.network`; a body that breaks off → `http.body`; a 2xx body
 * over the cap → `http.too_large` (an error answer over the cap comes back with an empty body, its status is
 * what counts). The caller's abort rethrows the signal's reason as it is.
 */
export async function requestTextOnce(url: string, opts: RequestOptions): Promise<TextResponse> {
  const caller = opts.signal;
  if (caller?.aborted) throw caller.reason;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxBytes = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  // The deadline and the caller's abort both cancel through one emitter, which undici takes as a signal (an
  // AbortController per request measured ~15 µs more CPU, AbortSignal.timeout + any more again).
  const cancel = new EventEmitter();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    cancel.emit('abort');
  }, timeoutMs);
  const onAbort = (): void => void cancel.emit('abort');
  caller?.addEventListener('abort', onAbort, { once: true });
  const failure = (code: string, what: string, err: unknown): unknown => {
    if (caller?.aborted) return caller.reason;
    const why = timedOut ? `timed out after ${timeoutMs} ms` : (err as Error).message;
    return new RetryableError(code, `${what} ${redactUrl(url)} failed: ${why}`, { cause: err });
  };
  try {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        dispatcher: dispatcherFor(maxBytes),
        method: (opts.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: { accept: 'application/json', ...opts.headers },
        ...(opts.body === undefined ? {} : { body: opts.body }),
        signal: cancel,
      });
    } catch (err) {
      throw failure('http.network', 'request to', err);
    }
    const status = res.statusCode;
    const headers = headerAccessor(res.headers);
    let text: string | undefined;
    if (Number(headers.get('content-length') ?? 0) > maxBytes) res.body.destroy();
    else {
      try {
        text = await res.body.text();
      } catch (err) {
        if (!isTooLarge(err) || caller?.aborted) throw failure('http.body', 'reading', err);
      }
    }
    if (text === undefined) {
      if (status >= 400) return { status, headers, text: '' };
      // Retryable like a bad body: the request may have been acted upon, so a channel must not fail over on it.
      throw new RetryableError('http.too_large', `${redactUrl(url)} answered ${status} with a body over ${maxBytes} bytes`, { details: { status, limit: maxBytes } });
    }
    return { status, headers, text };
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onAbort);
  }
}

/** One request, no retry: maps the outcome to JSON, RetryableError or PermanentError. */
export async function requestJsonOnce(url: string, opts: HttpOptions): Promise<JsonResponse> {
  const { status, headers, text } = await requestTextOnce(url, opts);
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'), opts.clock.now());
    throw new RetryableError(`http.${status}`, `${redactUrl(url)} answered ${status}`, {
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      details: { status },
    });
  }
  if (status >= 400) {
    const reason = errorReason(text, opts.headers);
    throw new PermanentError(`http.${status}`, `${redactUrl(url)} answered ${status}${reason ? `: ${reason}` : ''}`, { status });
  }
  let body: unknown = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      // A 200 with a half-written or HTML body is what a struggling proxy sends: worth a retry.
      throw new RetryableError('http.bad_json', `${redactUrl(url)} answered ${status} with a body that is not JSON`, {
        details: { status, preview: text.slice(0, 80) },
      });
    }
  }
  return { status, headers, body };
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
