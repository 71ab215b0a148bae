import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Transform, pipeline } from 'node:stream';
import { CsvError, parse, type InfoRecord, type Options as CsvOptions, type Parser } from 'csv-parse';
import { z } from 'zod';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { RecordError, SourceRecord } from '../../core/order.ts';
import type { SourceSettings } from '../../settings/schema.ts';
import { columnsSchema, mapRow, mappedColumns, timeZoneSchema, updatedAtFormatSchema } from './columns.ts';
import { parseSourceOptions } from './options.ts';
import type { OrderSource, PullContext, SourceDeps, SourcePage } from './types.ts';

// Accepted spellings → WHATWG encoding label. GBK files decode fine as GB18030 (a superset).
const ENCODINGS = { utf8: 'utf-8', 'utf-8': 'utf-8', utf16le: 'utf-16le', 'utf-16le': 'utf-16le', latin1: 'latin1', gbk: 'gb18030', gb18030: 'gb18030' } as const;
const ENCODING_NAMES = Object.keys(ENCODINGS) as (keyof typeof ENCODINGS)[];

/** Options of a `csv-drop` source: a folder an ERP drops CSV exports into. */
export const csvDropOptionsSchema = z.strictObject({
  /** The folder: absolute, or relative to the data directory. */
  dir: z.string().min(1),
  /** File name glob (`*`, `?`; case-insensitive) matched against the whole name. */
  pattern: z.string().min(1).default('*.csv'),
  delimiter: z.string().min(1).max(4).refine((d) => !/["\r\n]/.test(d), 'must not contain a quote or a line break').default(','),
  /** Text encoding; a UTF-8 (or UTF-16) byte order mark is always accepted. */
  encoding: z.enum(ENCODING_NAMES).default('utf8'),
  /** Our field → CSV header name; orderId, status and updatedAt are required. */
  columns: columnsSchema,
  timeZone: timeZoneSchema,
  updatedAtFormat: updatedAtFormatSchema,
  /** Rows (good and bad) per yielded page. */
  pageSize: z.number().int().min(1).max(10_000).default(1000),
  /** Files modified less than this long ago may still be being written and are left for the next run. */
  settleMs: z.number().int().min(0).default(2000),
});

/** Validated csv-drop options. */
export type CsvDropOptions = z.infer<typeof csvDropOptionsSchema>;

// One record longer than this is an unclosed quote swallowing the file: stop instead of buffering it all.
const MAX_RECORD_CHARS = 1_048_576;

/** Creates a source that reads each new CSV file in `options.dir` once, in name order. */
export function createCsvDropSource(settings: SourceSettings, deps: SourceDeps): OrderSource {
  const opts = parseSourceOptions(csvDropOptionsSchema, settings);
  const dir = resolve(deps.dataDir, opts.dir);
  const matches = globToRegExp(opts.pattern);
  // Hashes of files seen in earlier runs: the folder keeps every export, re-hashing them all each run would not scale.
  const known = new Map<string, { size: number; mtimeMs: number; hash: string }>();
  return {
    name: settings.name,
    kind: 'csv-drop',
    async *pull(ctx: PullContext): AsyncGenerator<SourcePage> {
      const seen = new Set<string>();
      const files = await listReadyFiles(settings.name, dir, matches, opts.settleMs, ctx);
      for (const name of known.keys()) if (!files.some((f) => f.name === name)) known.delete(name);
      for (const { name, size, mtimeMs } of files) {
        ctx.signal.throwIfAborted();
        const path = join(dir, name);
        const cached = known.get(name);
        const hash = cached?.size === size && cached.mtimeMs === mtimeMs ? cached.hash : await hashFile(path).catch((err: unknown) => {
          const code = errnoCode(err);
          if (code === 'ENOENT') return undefined;
          if (code === 'EACCES' || code === 'EPERM') return { unreadable: code };
          throw new RetryableError('source.csv.io_error', `csv-drop "${settings.name}": cannot read ${path}: ${code ?? String(err)}`, { cause: err });
        });
        if (hash === undefined) continue;
        if (typeof hash !== 'string') {
          // Reported and left unprocessed: the file is read once its permissions are fixed.
          yield { records: [], errors: [{ ref: `${name}:1`, message: `cannot read the file (${hash.unreadable})` }], cursor: undefined };
          continue;
        }
        known.set(name, { size, mtimeMs, hash });
        // The engine commits a page while we read on, so a duplicate within this run is not in the store yet.
        if (seen.has(hash) || (await ctx.isFileProcessed(hash))) {
          ctx.log.debug({ file: name }, 'csv-drop: file already processed');
          continue;
        }
        seen.add(hash);
        const unchanged = yield* readCsvFile(name, path, hash, opts, ctx);
        if (!unchanged) known.delete(name);
      }
    },
  };
}

interface ReadyFile {
  name: string;
  size: number;
  mtimeMs: number;
}

async function listReadyFiles(source: string, dir: string, matches: RegExp, settleMs: number, ctx: PullContext): Promise<ReadyFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.isDirectory()).map((e) => e.name);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') {
      throw new PermanentError('source.csv.dir_unreadable', `csv-drop "${source}": cannot read the folder ${dir} (${code})`, { dir });
    }
    throw new RetryableError('source.csv.io_error', `csv-drop "${source}": cannot list ${dir}: ${code ?? String(err)}`, { cause: err });
  }
  const ready: ReadyFile[] = [];
  // Plain code-unit order, so exports named by timestamp are read oldest first whatever the locale.
  for (const name of names.filter((n) => matches.test(n) && !isPartialName(n)).sort()) {
    const info = await stat(join(dir, name)).catch((err: unknown) => {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw err;
    });
    if (!info?.isFile()) continue;
    if (ctx.clock.now() - info.mtimeMs < settleMs) {
      ctx.log.debug({ file: name }, 'csv-drop: file modified recently, left for the next run');
      continue;
    }
    ready.push({ name, size: info.size, mtimeMs: info.mtimeMs });
  }
  return ready;
}

/** True for names of files still being written or editor leftovers (.tmp, .part, dot files, Office ~$ locks). */
export function isPartialName(name: string): boolean {
  return /\.(tmp|part|crdownload)$/i.test(name) || name.startsWith('.') || name.startsWith('~$');
}

/** Turns a file-name glob (`*`, `?`) into an anchored, case-insensitive RegExp. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${body}$`, 'i');
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Code of a file-system error (ENOENT, EACCES…); undefined for anything else, including coded errors of ours. */
function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'syscall' in err && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** Counts physical lines from the raw text csv-parse keeps per record (its own `info.lines` miscounts CRLF inside quotes). */
class LineCounter {
  private next = 1;
  /** Start line of the record whose raw text is `raw`; moves past it. */
  take(raw: string): number {
    // A skipped empty line leaves one character of its line break at the front of the next record.
    const leading = /^[\r\n]*/.exec(raw)?.[0].length ?? 0;
    const start = this.next + leading;
    this.next = start + (raw.slice(leading).match(/\r\n|\r|\n/g)?.length ?? 0);
    return start;
  }
}

/** What the parser emits, in file order: a row, or a row it could not read. */
type ParsedItem = { line: number; fields: string[] } | BadRow;
type BadRow = { line: number; error: string };

function describeCsvError(err: CsvError, width: number): string {
  if (err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && Array.isArray(err.record)) return `expected ${width} columns, got ${err.record.length}`;
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') return 'a quote opened here is never closed';
  if (err.code === 'CSV_MAX_RECORD_SIZE') return `a record longer than ${MAX_RECORD_CHARS} characters starts here (unclosed quote?); the rest of the file was not read`;
  return err.message.replace(/\s+(at|on) line \d+/, '');
}

/** Header → column positions, or which mapped columns are missing or repeated. */
function indexHeader(header: string[], opts: CsvDropOptions): Map<string, number> | string {
  const names = header.map((h) => h.trim());
  const problems: string[] = [];
  const index = new Map<string, number>();
  for (const { field, column } of mappedColumns(opts.columns)) {
    const at = names.indexOf(column);
    if (at === -1) problems.push(`no column "${column}" (columns.${field})`);
    else if (names.indexOf(column, at + 1) !== -1) problems.push(`column "${column}" (columns.${field}) appears twice`);
    else index.set(column, at);
  }
  return problems.length > 0 ? `bad header: ${problems.join('; ')}` : index;
}

function createParser(opts: CsvDropOptions): { parser: Parser; fatal: () => BadRow | undefined } {
  const lines = new LineCounter();
  let width = 0;
  let fatal: BadRow | undefined;
  const options: CsvOptions<ParsedItem, unknown> = {
    bom: true,
    delimiter: opts.delimiter,
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: false,
    // A stray quote inside a field stays literal instead of swallowing the rows after it.
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    raw: true,
    on_record: (record: unknown, info: InfoRecord) => {
      const fields = (record as { record: string[] }).record;
      if (width === 0) width = fields.length;
      return { fields, line: lines.take(info.raw ?? '') };
    },
    on_skip: (err, raw) => {
      if (!err) return undefined;
      const item = { line: lines.take(raw ?? ''), error: describeCsvError(err, width) };
      if (err.code === 'CSV_MAX_RECORD_SIZE') {
        fatal = item;
        throw err;
      }
      // Pushed from inside the parse step, so the bad row sits between its neighbours and counts against backpressure.
      parser.push(item);
      return undefined;
    },
  };
  // The option types assume on_record returns the record's own shape; ours wraps it with its line.
  const parser = parse(options as unknown as CsvOptions);
  return { parser, fatal: () => fatal };
}

function createTap(encoding: string, hash: Hash): Transform {
  const decoder = encoding === 'utf-8' ? undefined : new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, decoder ? Buffer.from(decoder.decode(chunk, { stream: true })) : chunk);
    },
    flush(done) {
      done(null, decoder ? Buffer.from(decoder.decode()) : undefined);
    },
  });
}

/** Yields the pages of one file; returns false when the bytes read were not the bytes hashed. */
async function* readCsvFile(name: string, path: string, hash: string, opts: CsvDropOptions, ctx: PullContext): AsyncGenerator<SourcePage, boolean> {
  const rehash = createHash('sha256');
  const { parser, fatal } = createParser(opts);
  // Failures surface through the parser's async iterator below; the callback only completes the pipeline.
  pipeline(createReadStream(path), createTap(ENCODINGS[opts.encoding], rehash), parser, () => undefined);

  let records: SourceRecord[] = [];
  let errors: RecordError[] = [];
  let good = 0;
  let bad = 0;
  let index: Map<string, number> | undefined;
  const full = (): boolean => records.length + errors.length >= opts.pageSize;
  const take = (): SourcePage => {
    ctx.signal.throwIfAborted();
    const page = { records, errors, cursor: undefined };
    records = [];
    errors = [];
    return page;
  };
  const fail = (line: number, message: string): void => {
    errors.push({ ref: `${name}:${line}`, message });
    bad++;
  };
  let broken = false;
  try {
    try {
      for await (const item of parser as AsyncIterable<ParsedItem>) {
        if ('error' in item) {
          if (full()) yield take();
          fail(item.line, item.error);
          continue;
        }
        if (!index) {
          const header = indexHeader(item.fields, opts);
          if (typeof header === 'string') {
            // Left unprocessed: once the mapping in settings is fixed, the same file is read.
            yield { records: [], errors: [{ ref: `${name}:${item.line}`, message: header }], cursor: undefined };
            return true;
          }
          index = header;
          continue;
        }
        // Spreadsheets pad exports with rows of empty cells: not an order, not an error.
        if (item.fields.every((f) => f.trim() === '')) continue;
        const positions = index;
        const result = mapRow((column) => item.fields[positions.get(column) ?? -1], opts.columns, opts);
        if (full()) yield take();
        if (result.ok) {
          records.push(result.record);
          good++;
        } else fail(item.line, result.message);
      }
    } catch (err) {
      if (!(err instanceof CsvError)) {
        const code = errnoCode(err);
        if (code === undefined) throw err;
        throw new RetryableError('source.csv.io_error', `csv-drop: cannot read ${path}: ${code}`, { cause: err });
      }
      // Only an over-long record stops the parser: the rest of the file is unreadable, what came before stands.
      broken = true;
      const row = fatal() ?? { line: typeof err.lines === 'number' ? err.lines : 1, error: describeCsvError(err, 0) };
      if (full()) yield take();
      fail(row.line, row.error);
    }
    if (!index) {
      yield { records: [], errors: [{ ref: `${name}:1`, message: 'empty file: no header row' }], cursor: undefined };
      return true;
    }
    if (!broken && rehash.digest('hex') !== hash) {
      errors.push({ ref: `${name}:1`, message: 'the file changed while it was being read; it will be read again' });
      yield take();
      return false;
    }
    yield { ...take(), processedFile: { name, hash, rows: good, badRows: bad } };
    return true;
  } finally {
    parser.destroy();
  }
}
