import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { z } from 'zod';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { RecordError, SourceRecord } from '../../core/order.ts';
import type { SourceSettings } from '../../settings/schema.ts';
import { columnsSchema, mapRow, mappedColumns, timeZoneSchema, updatedAtFormatSchema } from './columns.ts';
import { parseSourceOptions } from './options.ts';
import type { OrderSource, PullContext, SourceDeps, SourcePage } from './types.ts';

const PARAMETERS = ['$since', '$sinceId', '$limit'] as const;
const WRITE_WORDS = /\b(insert|update|delete|replace\s+into|create|drop|alter|attach|detach|pragma|vacuum|reindex)\b/i;

/** Why `query` is not one read-only SELECT using $since, $sinceId and $limit (undefined when it is). */
export function checkReadOnlyQuery(query: string): string | undefined {
  // Comments, string literals and quoted identifiers cannot hide a second statement or a keyword.
  const code = query.replace(/--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]/g, ' ').trim();
  const body = code.replace(/;\s*$/, '');
  if (body.includes(';')) return 'must be a single statement';
  if (!/^(select|with)\b/i.test(body)) return 'must be a SELECT (or WITH … SELECT)';
  const write = WRITE_WORDS.exec(body);
  if (write) return `must only read, found ${(write[1] ?? '').toUpperCase()}`;
  const missing = PARAMETERS.filter((p) => !new RegExp(`\\${p}(?![A-Za-z0-9_])`).test(body));
  if (missing.length > 0) return `must use the parameters $since, $sinceId and $limit (missing ${missing.join(', ')})`;
  return undefined;
}

/**
 * Options of a `sql` source: orders read straight from a SQLite file (the fallback when an API is down).
 * The query gets `$since` / `$sinceId` (the last row seen) and `$limit`, and must order by the updated column then id:
 *
 *     SELECT order_no, status, updated_at, amount FROM orders
 *     WHERE (updated_at > $since) OR (updated_at = $since AND order_no > $sinceId)
 *     ORDER BY updated_at, order_no LIMIT $limit
 *
 * On the first run `$since` is -9007199254740991 (below every number and, SQLite ordering numbers before text,
 * below every text too) and `$sinceId` is ''.
 */
export const sqlOptionsSchema = z.strictObject({
  /** SQLite file, absolute or relative to the data directory; opened read-only. */
  file: z.string().min(1),
  query: z.string().min(1).superRefine((q, ctx) => {
    const problem = checkReadOnlyQuery(q);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** Our field → result column name; orderId, status and updatedAt are required. */
  columns: columnsSchema,
  timeZone: timeZoneSchema,
  updatedAtFormat: updatedAtFormatSchema,
  pageSize: z.number().int().min(1).max(10_000).default(1000),
  /** How long SQLite waits on a writer's lock before the pull fails as retryable. */
  busyTimeoutMs: z.number().int().min(0).max(60_000).default(5000),
});

/** Validated sql options. */
export type SqlOptions = z.infer<typeof sqlOptionsSchema>;

const FIRST_SINCE = Number.MIN_SAFE_INTEGER;
const keyValue = z.union([z.string(), z.number()]);
const cursorSchema = z.object({ updated: keyValue, id: keyValue });
type Key = z.infer<typeof cursorSchema>;
const rowsSchema = z.array(z.record(z.string(), z.unknown()));

/** Creates a source that pages through a SQLite query with keyset pagination on (updated, id). */
export function createSqlSource(settings: SourceSettings, deps: SourceDeps): OrderSource {
  const opts = parseSourceOptions(sqlOptionsSchema, settings);
  const file = resolve(deps.dataDir, opts.file);
  const fail = (err: unknown, doing: string): Error => mapSqliteError(err, `sql source "${settings.name}": ${doing}`);
  return {
    name: settings.name,
    kind: 'sql',
    async *pull(ctx: PullContext): AsyncGenerator<SourcePage> {
      const info = await stat(file).catch((err: unknown) => {
        if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
        throw fail(err, `cannot open ${file}`);
      });
      if (!info?.isFile()) throw new PermanentError('source.sql.file_not_found', `sql source "${settings.name}": database file not found: ${file}`, { file });
      const db = await openReadOnly(file).catch((err: unknown) => Promise.reject(fail(err, `cannot open ${file}`)));
      db.configure('busyTimeout', opts.busyTimeoutMs);
      const interrupt = (): void => db.interrupt();
      ctx.signal.addEventListener('abort', interrupt, { once: true });
      try {
        let key = readCursor(ctx, settings.name);
        for (let pageNo = 1; ; pageNo++) {
          const params = { $since: key?.updated ?? FIRST_SINCE, $sinceId: key?.id ?? '', $limit: opts.pageSize };
          const raw = await queryAll(db, opts.query, params).catch((err: unknown) => {
            ctx.signal.throwIfAborted();
            throw fail(err, 'query failed');
          });
          const rows = rowsSchema.parse(raw);
          const lastRow = rows[rows.length - 1];
          if (lastRow === undefined) return;
          if (pageNo === 1) checkColumns(lastRow, opts, settings.name);
          const next = readKey(lastRow, opts, settings.name);
          if (key !== undefined && next.updated === key.updated && next.id === key.id) {
            throw new PermanentError('source.sql.no_progress', `sql source "${settings.name}": the query returned the same rows again; it must filter on ($since, $sinceId) and order by the updated column then id`);
          }
          key = next;
          ctx.signal.throwIfAborted();
          yield { ...mapRows(rows, pageNo, opts), cursor: JSON.stringify(key) };
          if (rows.length < opts.pageSize) return;
        }
      } finally {
        ctx.signal.removeEventListener('abort', interrupt);
        // Read-only handle: a failing close loses nothing, and must not mask the page results or the real error.
        await new Promise<void>((done) => db.close(() => done()));
      }
    },
  };
}

function mapRows(rows: Record<string, unknown>[], pageNo: number, opts: SqlOptions): { records: SourceRecord[]; errors: RecordError[] } {
  const records: SourceRecord[] = [];
  const errors: RecordError[] = [];
  rows.forEach((row, i) => {
    const result = mapRow((column) => row[column], opts.columns, opts);
    if (result.ok) records.push(result.record);
    else errors.push({ ref: `${basename(opts.file)} page ${pageNo} #${i + 1}`, message: result.message });
  });
  return { records, errors };
}

function readCursor(ctx: PullContext, source: string): Key | undefined {
  if (ctx.cursor === null) return undefined;
  try {
    return cursorSchema.parse(JSON.parse(ctx.cursor));
  } catch (err) {
    // Re-reading from the start is safe (records are upserted), and beats a source stuck on a cursor it cannot use.
    ctx.log.warn({ source, cursor: ctx.cursor, err: String(err) }, 'sql: stored cursor is not a sql cursor; reading from the start');
    return undefined;
  }
}

function readKey(row: Record<string, unknown>, opts: SqlOptions, source: string): Key {
  const key = cursorSchema.safeParse({ updated: row[opts.columns.updatedAt], id: row[opts.columns.orderId] });
  if (!key.success) {
    throw new PermanentError('source.sql.bad_key', `sql source "${source}": columns "${opts.columns.updatedAt}" and "${opts.columns.orderId}" must be non-NULL text or numbers to page on`);
  }
  return key.data;
}

function checkColumns(row: Record<string, unknown>, opts: SqlOptions, source: string): void {
  const missing = mappedColumns(opts.columns).filter(({ column }) => !(column in row));
  if (missing.length > 0) {
    const list = missing.map(({ field, column }) => `"${column}" (columns.${field})`).join(', ');
    throw new PermanentError('source.sql.missing_column', `sql source "${source}": the query returns no column ${list}`);
  }
}

function openReadOnly(file: string): Promise<sqlite3.Database> {
  return new Promise((ok, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => (err ? reject(err) : ok(db)));
  });
}

function queryAll(db: sqlite3.Database, query: string, params: Record<string, string | number>): Promise<unknown> {
  return new Promise((ok, reject) => {
    db.all<unknown>(query, params, (err, rows) => (err ? reject(err) : ok(rows)));
  });
}

/** Maps a sqlite3 failure: busy/locked is retryable, everything else (bad SQL, missing table, not a database) permanent. */
export function mapSqliteError(err: unknown, context: string): Error {
  const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : 'SQLITE_ERROR';
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new RetryableError('source.sql.busy', `${context}: the database is busy (${code})`, { cause: err });
  }
  return new PermanentError('source.sql.query_failed', `${context}: ${message}`, { sqliteCode: code }, { cause: err });
}
