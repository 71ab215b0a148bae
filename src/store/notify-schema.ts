// Tables of customer notifications: the outbox, its attempts log, and customer preferences.

/** Schema of the notify tables (one step of the module migrations). */
export const NOTIFY_SQL = `
  -- One row per message to send. key = idempotency key (order, status, template); a resend has its own key.
  -- state: pending -> sending -> sent -> delivered | failed | cancelled (a failed delivery report puts it back to pending
  -- on the next channel). While sending, next_at = lease_until, so one index finds both due and abandoned rows.
  CREATE TABLE notify_outbox (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL,
    status TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    template TEXT NOT NULL,
    vars TEXT NOT NULL DEFAULT '{}',
    urgent INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    channel TEXT,
    chain_pos INTEGER NOT NULL DEFAULT 0,
    channel_attempts INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Channels given up on for this message: [[channel, error], ...].
    failures TEXT NOT NULL DEFAULT '[]',
    next_at INTEGER NOT NULL,
    last_error TEXT,
    provider_id TEXT,
    lease_owner TEXT,
    lease_until INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sent_at INTEGER,
    delivered_at INTEGER
  );
  CREATE INDEX notify_outbox_due ON notify_outbox(next_at) WHERE state IN ('pending', 'sending');
  CREATE INDEX notify_outbox_order ON notify_outbox(order_id);
  -- customer_id and order_id never change, so these indexes cost nothing when a row moves on.
  CREATE INDEX notify_outbox_customer ON notify_outbox(customer_id);
  CREATE INDEX notify_outbox_provider ON notify_outbox(provider_id) WHERE provider_id IS NOT NULL;
  -- What happened to each message, for the order timeline: one row per try, deferral, report.
  CREATE TABLE notify_attempts (
    id INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL,
    channel TEXT,
    at INTEGER NOT NULL,
    result TEXT NOT NULL,
    error TEXT
  );
  CREATE INDEX notify_attempts_outbox ON notify_attempts(outbox_id);
  -- The customer's own choices; anything NULL falls back to the source data (customers) and then the settings.
  CREATE TABLE notify_prefs (
    customer_id TEXT PRIMARY KEY,
    channels TEXT,
    language TEXT,
    time_zone TEXT,
    wechaty_id TEXT,
    blocked TEXT NOT NULL DEFAULT '[]',
    opted_out INTEGER NOT NULL DEFAULT 0,
    opted_out_at INTEGER,
    updated_at INTEGER NOT NULL
  );
`;
