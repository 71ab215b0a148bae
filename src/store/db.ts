import { AsyncLocalStorage } from 'node:async_hooks';
import sqlite3 from 'sqlite3';
import { PermanentError, RetryableError } from '../core/errors.ts';

/** A value SQLite can bind. */
export type SqlValue = string | number | bigint | null | Buffer;
/** Positional or named parameters. */
export type SqlParams = SqlValue[] | Record<string, SqlValue>;

function mapError(err: Error & { code?: string }, sql: string): Error {
  const where = sql.replace(/\s+/g, ' ').slice(0, 80);
  if (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED') {
    return new RetryableError('store.busy', `database busy: ${err.message} (${where})`, { cause: err });
  }
  return new PermanentError('store.sql', `${err.message} (${where})`, {}, { cause: err });
}

/**
 * Promise wrapper over one sqlite3 connection. Every call is queued: a statement issued outside a
 * transaction waits until the open transaction commits, so it never joins (or is rolled back with) it.
 */
export class Db {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inTransaction = new AsyncLocalStorage<boolean>();
  private readonly statements = new Map<string, sqlite3.Statement>();

  private constructor(readonly raw: sqlite3.Database, readonly file: string) {}

  /** Opens (creating) a database file and sets the pragmas every connection needs. */
  static async open(file: string, opts: { readonly?: boolean } = {}): Promise<Db> {
    const mode = opts.readonly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(file, mode, (err) => (err ? reject(mapError(err, 'open')) : resolve(db)));
    });
    const db = new Db(raw, file);
    raw.configure('busyTimeout', 5000);
    if (!opts.readonly) {
      // WAL + synchronous=NORMAL: a killed process never loses a committed transaction. Checkpoints every
      // 16384 pages (64 MB of WAL) instead of 1000: measured here, commits of bulk syncs cost about half as
      // much (fewer checkpoints, and pages written many times are copied back once); the WAL file is
      // truncated back to 64 MB after a checkpoint. A 32 MB page cache: syncs of 1M orders ran as fast as
      // with 64 MB, and the process stays further from its memory budget (pages also sit in the OS cache).
      await db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 16384; PRAGMA journal_size_limit = 67108864;',
      );
    }
    return db;
  }

  private queued<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore()) return fn();
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void> {
    return this.queued(() => this.execNow(sql));
  }

  private execNow(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.raw.exec(sql, (err) => (err ? reject(mapError(err, sql)) : resolve())));
  }

  /** Runs one statement; resolves with the last inserted row id and the number of changed rows. */
  run(sql: string, params: SqlParams = []): Promise<{ lastID: number; changes: number }> {
    return this.queued(() => new Promise((resolve, reject) => {
      this.raw.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(mapError(err, sql));
        else resolve({ lastID: this.lastID, changes: this.changes });
      });
    }));
  }

  /** All rows of a query, typed by the caller (parse at the edge when the shape matters). */
  all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.queued(() => new Promise((resolve, reject) => this.raw.all(sql, params, (err, rows) => (err ? reject(mapError(err, sql)) : resolve(rows as T[])))));
  }

  /** The first row of a query, or undefined. */
  get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return this.queued(() => new Promise((resolve, reject) => this.raw.get(sql, params, (err, row) => (err ? reject(mapError(err, sql)) : resolve(row as T | undefined)))));
  }

  /** Runs a cached prepared statement (for hot multi-row statements); resolves with the number of changed rows. */
  runCached(sql: string, params: SqlValue[]): Promise<number> {
    return this.runCachedResult(sql, params).then((r) => r.changes);
  }

  /** Runs a cached prepared statement; resolves with the last inserted row id and the number of changed rows. */
  runCachedResult(sql: string, params: SqlValue[]): Promise<{ lastID: number; changes: number }> {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      this.statements.set(sql, stmt);
    }
    const s = stmt;
    return this.queued(() => new Promise((resolve, reject) => {
      s.run(params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(mapError(err, sql));
        else resolve({ lastID: this.lastID, changes: this.changes });
      });
    }));
  }

  /** Runs a cached prepared query. */
  allCached<T>(sql: string, params: SqlValue[]): Promise<T[]> {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      this.statements.set(sql, stmt);
    }
    const s = stmt;
    return this.queued(() => new Promise((resolve, reject) => s.all(params, (err, rows) => (err ? reject(mapError(err, sql)) : resolve(rows as T[])))));
  }

  /**
   * Runs `fn` inside BEGIN IMMEDIATE/COMMIT, after every earlier transaction; rolls back on error.
   * With `savepoint`, the savepoint is opened together with the transaction (one round trip), so `fn`
   * can `ROLLBACK TO` it; inside an enclosing transaction it is opened (and released) around `fn`.
   * SQL that `fn` hands to `tx.atCommit` (statements without parameters) runs in the same round trip as
   * COMMIT, just before it (inside an enclosing transaction: when `fn` is done); if it fails, nothing commits.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, opts: { savepoint?: string } = {}): Promise<T> {
    const sp = opts.savepoint;
    if (sp !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(sp)) throw new Error(`invalid savepoint name ${sp}`);
    const tx = new Transaction();
    if (this.inTransaction.getStore()) {
      return (async () => {
        if (sp !== undefined) await this.execNow(`SAVEPOINT ${sp}`);
        const result = await fn(tx);
        const tail = [...tx.takeAtCommit(), ...(sp === undefined ? [] : [`RELEASE ${sp}`])];
        if (tail.length > 0) await this.execNow(tail.join(';\n'));
        return result;
      })();
    }
    return this.queued(() =>
      this.inTransaction.run(true, async () => {
        try {
          await this.execNow(sp === undefined ? 'BEGIN IMMEDIATE' : `BEGIN IMMEDIATE; SAVEPOINT ${sp}`);
        } catch (err) {
          // BEGIN may have succeeded before SAVEPOINT failed.
          if (sp !== undefined) await this.execNow('ROLLBACK').catch(() => undefined);
          throw err;
        }
        try {
          const result = await fn(tx);
          await this.execNow([...tx.takeAtCommit(), 'COMMIT'].join(';\n'));
          return result;
        } catch (err) {
          await this.execNow('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    );
  }

  /** Waits for queued transactions, finalizes statements and closes the connection. */
  async close(): Promise<void> {
    await this.tail;
    for (const stmt of this.statements.values()) await new Promise<void>((r) => stmt.finalize(() => r()));
    this.statements.clear();
    await new Promise<void>((resolve, reject) => this.raw.close((err) => (err ? reject(mapError(err, 'close')) : resolve())));
  }
}

/** What a transaction's body can do besides running statements. */
export class Transaction {
  private readonly atCommitSql: string[] = [];
  /** Queues statements (SQL text, no parameters) to run right before COMMIT, in the same round trip. */
  atCommit(sql: string): void {
    this.atCommitSql.push(sql);
  }
  /** @internal The queued statements, emptied. */
  takeAtCommit(): string[] {
    return this.atCommitSql.splice(0);
  }
}

/** `(?,?,?),(?,?,?)` for `rows` rows of `cols` columns. */
export function valuesPlaceholders(rows: number, cols: number): string {
  const one = `(${new Array<string>(cols).fill('?').join(',')})`;
  return new Array<string>(rows).fill(one).join(',');
}
