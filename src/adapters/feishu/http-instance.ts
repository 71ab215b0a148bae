// The SDK's HTTP layer on undici instead of its shared axios instance: keep-alive connections, a timeout on every
// call (axios has none by default), and errors that carry status, headers and Feishu's answer but never the
// request (a token request's body holds the app secret). Answers resolve with the parsed body, like the SDK's own.
import type { HttpInstance } from '@larksuiteoapi/node-sdk';
import { Agent, request } from 'undici';

/** A non-2xx answer: the shape the SDK's callers (and errors.ts) read. */
export class FeishuHttpError extends Error {
  constructor(
    readonly response: { status: number; headers: Record<string, string>; data: unknown },
    what: string,
  ) {
    super(`${what}: HTTP ${response.status}`);
    this.name = 'FeishuHttpError';
  }
}

/** No answer at all (refused, reset, timed out); `code` says which. */
export class FeishuTransportError extends Error {
  constructor(
    readonly code: string,
    what: string,
  ) {
    super(`${what}: ${code}`);
    this.name = 'FeishuTransportError';
  }
}

interface Options {
  url?: string;
  method?: string;
  headers?: Record<string, unknown>;
  params?: Record<string, unknown>;
  data?: unknown;
  paramsSerializer?: unknown;
  timeout?: number;
  $return_headers?: boolean;
}

function query(params: Record<string, unknown> | undefined, serializer: unknown): string {
  if (!params) return '';
  if (typeof serializer === 'function') return String((serializer as (p: Record<string, unknown>) => unknown)(params));
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    for (const one of Array.isArray(v) ? v : [v]) q.append(k, String(one));
  }
  return q.toString();
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function errorCode(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if ((e as { name?: unknown }).name === 'TimeoutError') return 'timeout';
    e = (e as { cause?: unknown }).cause;
  }
  return 'request_failed';
}

/** An HttpInstance for the SDK's Client and WSClient. */
export function createFeishuHttpInstance(timeoutMs = 10_000): HttpInstance {
  const agent = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000, connections: 64 });
  const send = async (o: Options): Promise<unknown> => {
    const method = (o.method ?? 'GET').toUpperCase();
    const url = new URL(o.url ?? '');
    const what = `${method} ${url.pathname}`;
    const search = query(o.params, o.paramsSerializer);
    if (search) url.search = search;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
    let body: string | undefined;
    if (o.data !== undefined && method !== 'GET' && method !== 'HEAD') {
      body = typeof o.data === 'string' ? o.data : JSON.stringify(o.data);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    const ms = o.timeout ?? timeoutMs;
    let res;
    try {
      res = await request(url, { method: method as 'GET', headers, body, dispatcher: agent, signal: AbortSignal.timeout(ms) });
    } catch (err) {
      throw new FeishuTransportError(errorCode(err), what);
    }
    const text = await res.body.text();
    let data: unknown = text;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      data = text;
    }
    const responseHeaders = flatHeaders(res.headers);
    if (res.statusCode < 200 || res.statusCode >= 300) throw new FeishuHttpError({ status: res.statusCode, headers: responseHeaders, data }, what);
    return o.$return_headers ? { data, headers: responseHeaders } : data;
  };
  const withBody = (method: string) => (url: string, data?: unknown, opts?: Options) => send({ ...opts, url, method, data });
  const without = (method: string) => (url: string, opts?: Options) => send({ ...opts, url, method });
  const instance = {
    request: (opts: Options) => send(opts),
    get: without('GET'),
    delete: without('DELETE'),
    head: without('HEAD'),
    options: without('OPTIONS'),
    post: withBody('POST'),
    put: withBody('PUT'),
    patch: withBody('PATCH'),
  };
  // Our methods resolve with `unknown`; the SDK's interface types them with its own generics.
  return instance as unknown as HttpInstance;
}
