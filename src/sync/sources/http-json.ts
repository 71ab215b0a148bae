import { PermanentError } from '../../core/errors.ts';
import type { CanonicalStatus } from '../../core/status.ts';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { SourceSettings } from '../../settings/schema.ts';
import { requestJson, sourceHttpOptions, type HttpOptions } from '../http-client.ts';
import { compileFields, asNumber, asText, extractRecord, formatSince } from './http-json-extract.ts';
import { httpJsonOptionsSchema, type HttpJsonOptions } from './http-json-options.ts';
import { compileJsonPath, firstMatch } from './json-path.ts';
import { parseSourceOptions, readSecret } from './options.ts';
import type { OrderSource, PullContext, SourceDeps, SourcePage } from './types.ts';

export { httpJsonOptionsSchema, type HttpJsonOptions } from './http-json-options.ts';

/** Parses a committed resume point (ISO time or epoch ms); a foreign value is a PermanentError, not a silent full pull. */
export function parseTimeCursor(cursor: string | null, source: string): number | null {
  if (cursor === null || cursor === '') return null;
  const ms = /^\d+$/.test(cursor) ? Number(cursor) : Date.parse(cursor);
  if (Number.isNaN(ms)) throw new PermanentError('source.bad_cursor', `source "${source}" has a resume point it cannot read: ${cursor.slice(0, 40)}`, { source });
  return ms;
}

/** Sets `value` at a dotted `field` path of `body` (creating the nested objects), so fields can share a parent. */
function setBodyField(field: string, value: unknown, body: Record<string, unknown> = {}): Record<string, unknown> {
  const parts = field.split('.');
  const last = parts.pop() ?? field;
  let node = body;
  for (const part of parts) {
    const next = node[part];
    const child: Record<string, unknown> = typeof next === 'object' && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
    node[part] = child;
    node = child;
  }
  node[last] = value;
  return body;
}

/** Creates a generic REST/JSON pull source: pagination, incremental `updated since`, fields by JSONPath, optional status and price writes. */
export function createHttpJsonSource(settings: SourceSettings, deps: SourceDeps): OrderSource {
  const opts: HttpJsonOptions = parseSourceOptions(httpJsonOptionsSchema, settings);
  const name = settings.name;
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.authHeader) {
    // Read once at creation so a missing variable is reported at boot; the value lives only in this closure.
    headers[opts.authHeader.name] = `${opts.authHeader.prefix}${readSecret(deps.env, opts.authHeader.env, name)}`;
  }
  const fields = compileFields(opts.fields);
  const recordsPath = compileJsonPath(opts.recordsPath);
  const recordsAreElements = /\[\*\]$/.test(opts.recordsPath);
  const pagination = opts.pagination;
  const nextCursorPath = pagination.type === 'cursor' ? compileJsonPath(pagination.nextCursorPath) : undefined;
  const totalPath = pagination.type === 'page' && pagination.totalPath ? compileJsonPath(pagination.totalPath) : undefined;

  const http = sourceHttpOptions({ headers, timeoutMs: opts.timeoutMs, retries: opts.retries, retryBaseMs: opts.retryBaseMs, retryMaxMs: opts.retryMaxMs }, deps.random);

  const selectRecords = (body: unknown): unknown[] => {
    const found = recordsPath(body);
    if (found.length === 1 && Array.isArray(found[0])) return found[0] as unknown[];
    if (found.length === 0 && !recordsAreElements) {
      throw new PermanentError('source.bad_response', `source "${name}": the response has nothing at ${opts.recordsPath}`, { source: name });
    }
    return found;
  };

  async function* pull(ctx: PullContext): AsyncGenerator<SourcePage> {
    const previous = parseTimeCursor(ctx.cursor, name);
    const incremental = opts.incremental;
    const since = incremental && previous !== null ? previous - incremental.overlapSeconds * 1000 : null;
    let max = previous;
    let emitted = previous;
    let pageParam = pagination.type === 'page' ? pagination.start : 0;
    let nextToken: string | undefined;
    const seenTokens = new Set<string>();
    for (let pageNo = 1; ; pageNo++) {
      if (pageNo > opts.maxPages) throw new PermanentError('source.too_many_pages', `source "${name}" returned more than ${opts.maxPages} pages in one pull`, { source: name });
      const url = new URL(opts.url);
      for (const [k, v] of Object.entries(opts.query)) url.searchParams.set(k, v);
      if (incremental && since !== null) url.searchParams.set(incremental.param, formatSince(since, incremental.format));
      if (pagination.type === 'page') {
        url.searchParams.set(pagination.pageParam, String(pageParam));
        url.searchParams.set(pagination.sizeParam, String(pagination.size));
      } else if (pagination.type === 'cursor') {
        if (pagination.sizeParam) url.searchParams.set(pagination.sizeParam, String(pagination.size));
        if (nextToken !== undefined) url.searchParams.set(pagination.cursorParam, nextToken);
      }
      const res = await requestJson(url.toString(), http(ctx));
      const raws = selectRecords(res.body);
      const page: SourcePage = { records: [], errors: [] };
      raws.forEach((raw, i) => {
        const out = extractRecord(raw, fields);
        if ('error' in out) {
          page.errors.push({ ref: `page ${pageNo} #${i + 1}`, message: out.error });
          return;
        }
        page.records.push(out.record);
        if (max === null || out.record.updatedAt > max) max = out.record.updatedAt;
      });

      let last: boolean;
      if (pagination.type === 'none') last = true;
      else if (pagination.type === 'page') {
        const total = totalPath ? asNumber(firstMatch(totalPath, res.body)) : undefined;
        const fetched = (pageParam - pagination.start + 1) * pagination.size;
        last = raws.length < pagination.size || (total !== undefined && fetched >= total);
        pageParam++;
      } else {
        const next = nextCursorPath ? asText(firstMatch(nextCursorPath, res.body)) : undefined;
        last = next === undefined;
        if (next !== undefined) {
          if (seenTokens.has(next)) throw new PermanentError('source.cursor_loop', `source "${name}" returned the same next cursor twice`, { source: name });
          seenTokens.add(next);
          nextToken = next;
        }
      }
      // Crash safety: the resume point may only move past records that are all in committed pages.
      if (incremental && max !== null && max !== emitted && (last || opts.sortedByUpdatedAt)) {
        page.cursor = new Date(max).toISOString();
        emitted = max;
      }
      yield page;
      if (last) return;
    }
  }

  const source: OrderSource = { name, kind: 'http-json', pull };
  const pushOpts = opts.push;
  if (pushOpts) {
    source.push = async (orderId: string, status: CanonicalStatus, ctx: { clock: Clock; log: Logger }): Promise<void> => {
      const raw = pushOpts.values ? pushOpts.values[status] : status;
      if (raw === undefined) {
        throw new PermanentError('push.unsupported', `source "${name}" has no value to write for status ${status}`, { source: name, status });
      }
      const url = pushOpts.url.replaceAll('{id}', encodeURIComponent(orderId));
      await requestJson(url, {
        ...http(ctx),
        method: pushOpts.method,
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(setBodyField(pushOpts.bodyField, raw)),
      });
    };
  }
  const priceOpts = opts.pushPrice;
  if (priceOpts) {
    source.pushPrice = async (orderId: string, amount: number, currency: string | null, ctx: { clock: Clock; log: Logger }): Promise<void> => {
      if (!Number.isFinite(amount) || amount < 0) throw new PermanentError('push.bad_amount', `source "${name}" cannot write the amount ${amount}`, { source: name, amount });
      const body = setBodyField(priceOpts.amountField, amount);
      if (priceOpts.currencyField && currency !== null) setBodyField(priceOpts.currencyField, currency, body);
      await requestJson(priceOpts.url.replaceAll('{id}', encodeURIComponent(orderId)), {
        ...http(ctx),
        method: priceOpts.method,
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    };
  }
  return source;
}
