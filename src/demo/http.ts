import type { IncomingHttpHeaders } from 'node:http';

/** A parsed request handed to one system's API. */
export interface DemoRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when there was none). */
  body: unknown;
  /** http://host:port the client used, for absolute links. */
  origin: string;
  now: number;
}

/** What a system's API answers: JSON unless `raw` is given. */
export interface DemoResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): DemoResponse {
  return { status, body, headers };
}

/** Parses a base-10 integer query parameter within bounds; undefined when absent, null when invalid. */
export function intParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined | null {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

/** Encodes an opaque pagination token. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Decodes an opaque pagination token (unknown until validated by the caller). */
export function decodeToken(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** ISO-8601 UTC with milliseconds. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}
