import type { Db } from './db.ts';

/** Schema migrations, applied in order; PRAGMA user_version records the last one applied. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'sync core',
    sql: `
      CREATE TABLE orders (
        order_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        status_system TEXT NOT NULL,
        status_since INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        amount REAL,
        currency TEXT,
        customer_id TEXT,
        first_seen INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX orders_status_since ON orders(status, status_since);
      CREATE TABLE snapshots (
        order_id TEXT NOT NULL,
        system TEXT NOT NULL,
        status TEXT NOT NULL,
        raw_status TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        amount REAL,
        currency TEXT,
        seen_at INTEGER NOT NULL,
        run_id INTEGER NOT NULL,
        PRIMARY KEY (order_id, system)
      ) WITHOUT ROWID;
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL,
        system TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT NOT NULL,
        raw_status TEXT NOT NULL,
        at INTEGER NOT NULL,
        run_id INTEGER NOT NULL
      );
      CREATE INDEX events_order ON events(order_id);
      CREATE TABLE customers (
        customer_id TEXT PRIMARY KEY,
        name TEXT, phone TEXT, email TEXT, openid TEXT,
        language TEXT, time_zone TEXT, preferred_channel TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE order_items (
        order_id TEXT NOT NULL,
        system TEXT NOT NULL,
        items TEXT NOT NULL,
        PRIMARY KEY (order_id, system)
      ) WITHOUT ROWID;
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        system TEXT NOT NULL,
        trigger TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        status TEXT NOT NULL,
        fetched INTEGER NOT NULL DEFAULT 0,
        changed INTEGER NOT NULL DEFAULT 0,
        quarantined INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        fallback_used TEXT,
        error TEXT,
        duration_ms INTEGER
      );
      CREATE INDEX runs_source ON runs(source, id);
      CREATE TABLE cursors (
        source TEXT PRIMARY KEY,
        cursor TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE quarantine (
        system TEXT NOT NULL,
        order_id TEXT NOT NULL,
        raw_status TEXT NOT NULL,
        source TEXT NOT NULL,
        record TEXT NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        count INTEGER NOT NULL DEFAULT 1,
        run_id INTEGER NOT NULL,
        resolved_at INTEGER,
        PRIMARY KEY (system, order_id, raw_status)
      );
      CREATE INDEX quarantine_open ON quarantine(system) WHERE resolved_at IS NULL;
      CREATE TABLE record_errors (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        ref TEXT NOT NULL,
        message TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE TABLE findings (
        fingerprint TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        source TEXT,
        order_id TEXT,
        details TEXT NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        count INTEGER NOT NULL DEFAULT 1,
        resolved_at INTEGER
      );
      CREATE INDEX findings_open ON findings(kind) WHERE resolved_at IS NULL;
      CREATE TABLE processed_files (
        source TEXT NOT NULL,
        hash TEXT NOT NULL,
        name TEXT NOT NULL,
        rows INTEGER NOT NULL,
        bad_rows INTEGER NOT NULL,
        processed_at INTEGER NOT NULL,
        PRIMARY KEY (source, hash)
      );
      CREATE TABLE inbound_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
      ) WITHOUT ROWID;
    `,
  },
];

/** Applies every migration newer than the database's user_version; returns the versions applied. */
export async function migrate(db: Db): Promise<number[]> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  const current = row?.user_version ?? 0;
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await db.transaction(async () => {
      await db.exec(m.sql);
      await db.exec(`PRAGMA user_version = ${m.version}`);
    });
    applied.push(m.version);
  }
  return applied;
}
