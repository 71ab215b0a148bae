// Tables of the detect + alerts module (one module schema step; a change is a new step, never an edit).

/** Schema of detector state, alerts, alert groups, the noise budget and digests. */
export const ALERTS_SQL = `
  -- Small key/value state of the detectors (e.g. the last event id checked for regressions).
  CREATE TABLE detect_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  -- One row per alert (a finding as the pipeline knows it); resolved rows are dropped at the group's next flush.
  CREATE TABLE alerts (
    fingerprint TEXT PRIMARY KEY,
    group_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    shop TEXT NOT NULL,
    order_id TEXT,
    details TEXT NOT NULL,
    -- Lower is worse: cards show the lowest ten.
    rank REAL NOT NULL,
    starts_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    resolved_at INTEGER
  );
  CREATE INDEX alerts_group ON alerts(group_key);
  CREATE INDEX alerts_firing_kind ON alerts(kind) WHERE resolved_at IS NULL;
  -- One row per live group (Alertmanager's aggregation group) and what its card last showed.
  CREATE TABLE alert_groups (
    group_key TEXT PRIMARY KEY,
    labels TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    next_flush_at INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    card_key TEXT,
    -- none: never shown · firing · muted (silenced/inhibited) · digest (only in a digest so far)
    card_state TEXT NOT NULL DEFAULT 'none',
    notified_hash TEXT,
    notified_count INTEGER NOT NULL DEFAULT 0,
    notified_at INTEGER,
    posted_at INTEGER
  );
  CREATE INDEX alert_groups_due ON alert_groups(next_flush_at);
  -- New alert cards per channel per clock hour (the noise budget).
  CREATE TABLE alert_posts (
    channel TEXT NOT NULL,
    hour INTEGER NOT NULL,
    posts INTEGER NOT NULL,
    PRIMARY KEY (channel, hour)
  ) WITHOUT ROWID;
  -- The digest card of an hour and the groups it summarises.
  CREATE TABLE alert_digests (
    hour INTEGER PRIMARY KEY,
    card_key TEXT NOT NULL,
    posted INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE alert_digest_groups (
    hour INTEGER NOT NULL,
    group_key TEXT NOT NULL,
    labels TEXT NOT NULL,
    active INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (hour, group_key)
  ) WITHOUT ROWID;
`;
