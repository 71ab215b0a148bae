import type { Db } from './db.ts';

/** Schema migrations, applied in order; PRAGMA user_version records the last one applied. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'sync core',
    sql: `
      -- One row per order: its canonical status (status, status_since: real columns, for scans by status and
      -- age) and everything else in one JSONB document, so a changed record costs one orders write (plus one
      -- event) and the unchanged check is one primary-key lookup.
      -- doc = {"c": [status, status_system, status_since, amount, currency, customer_id, first_seen],
      --        "v": {system: [status, raw_status, updated_at, amount, currency]},
      --        "n": {system: [seen_at, run_id]},
      --        "e": [event id, ...]}  (the order's events, oldest first)
      -- A full scan by status and status_since over 1M orders takes well under a second: no index needed.
      CREATE TABLE orders (
        order_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        status_since INTEGER NOT NULL,
        doc BLOB NOT NULL
      ) WITHOUT ROWID;
      -- The whole canonical view as columns (computed on read; generated columns would be computed on every
      -- write too: measured +2 us per row).
      CREATE VIEW order_canonical AS
        SELECT order_id, status, doc ->> '$.c[1]' AS status_system, status_since,
          doc ->> '$.c[3]' AS amount, doc ->> '$.c[4]' AS currency, doc ->> '$.c[5]' AS customer_id, doc ->> '$.c[6]' AS first_seen
        FROM orders;
      -- Every system's view of every order, one row each (reads the documents; for ad-hoc queries).
      CREATE VIEW snapshots AS
        SELECT o.order_id AS order_id, v.key AS system, v.value ->> 0 AS status, v.value ->> 1 AS raw_status,
          v.value ->> 2 AS updated_at, v.value ->> 3 AS amount, v.value ->> 4 AS currency,
          n.value ->> 0 AS seen_at, n.value ->> 1 AS run_id
        FROM orders AS o, json_each(o.doc, '$.v') AS v, json_each(o.doc, '$.n') AS n
        WHERE n.key = v.key;
      -- Orders per (system, status), kept in the same transaction as the documents; system '*' is the canonical view.
      CREATE TABLE status_counts (
        system TEXT NOT NULL,
        status TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (system, status)
      ) WITHOUT ROWID;
      -- Append-only history: one row per change of a system's canonical status, in insertion order (id).
      -- An order's events are listed from its document's "e" ids (an index on order_id would cost every
      -- event a second B-tree write: measured a quarter of a bulk sync's time).
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
