// Tables of the tasks module (human-intervention tasks, their history) and the hash-chained audit log.

/** Schema of the tasks and audit tables (one step of the module migrations). */
export const TASKS_SQL = `
  CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT,
    order_id TEXT,
    details TEXT NOT NULL,
    order_info TEXT,
    amount REAL,
    currency TEXT,
    choices TEXT NOT NULL,
    suggested TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    choice TEXT,
    approvals TEXT NOT NULL DEFAULT '[]',
    claimed_by TEXT,
    claimed_name TEXT,
    snoozed_until INTEGER,
    due_at INTEGER,
    escalation INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    undo_until INTEGER,
    closed_reason TEXT,
    reason TEXT,
    finding_open INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  -- One task per problem episode: a finding that resolves and fires again gets a new task.
  CREATE UNIQUE INDEX tasks_episode ON tasks(fingerprint) WHERE finding_open = 1;
  CREATE INDEX tasks_state_due ON tasks(state, due_at);
  CREATE TABLE task_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    at INTEGER NOT NULL,
    actor TEXT,
    actor_name TEXT,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    data TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX task_history_task ON task_history(task_id, id);
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT,
    type TEXT NOT NULL,
    subject TEXT NOT NULL,
    action TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
`;

/** Marks rows whose hash is an HMAC under the audit key (a later step of the module migrations). */
export const AUDIT_KEYED_SQL = `ALTER TABLE audit ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;`;
