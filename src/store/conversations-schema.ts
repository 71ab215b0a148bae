// Tables of customer conversations (wait / switch / cancel, accept a price fix, confirm an address) and their transcripts.

/** Schema of the conversation tables (one step of the module migrations). */
export const CONVERSATIONS_SQL = `
  -- One row per question put to a customer. state: queued -> asking -> clarifying -> decided | handed_off | timed_out.
  -- A customer has at most one conversation asking at a time; later ones wait as queued (their deadline starts when asked).
  -- writeback: NULL until closed, then 'pending' until the decide/handoff port has taken it ('done'); ticks retry pending ones.
  CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    wechaty_id TEXT,
    recipient TEXT NOT NULL,
    template TEXT NOT NULL,
    vars TEXT NOT NULL DEFAULT '{}',
    task_id INTEGER,
    state TEXT NOT NULL,
    channel TEXT,
    default_choice TEXT NOT NULL,
    decision TEXT,
    decided_by TEXT,
    clarifications INTEGER NOT NULL DEFAULT 0,
    opted_out INTEGER NOT NULL DEFAULT 0,
    deadline_ms INTEGER NOT NULL,
    deadline_at INTEGER,
    writeback TEXT,
    writeback_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    closed_at INTEGER
  );
  CREATE INDEX conversations_customer ON conversations(customer_id, id);
  CREATE INDEX conversations_wechaty ON conversations(wechaty_id, id) WHERE wechaty_id IS NOT NULL;
  CREATE INDEX conversations_open_deadline ON conversations(deadline_at) WHERE state IN ('asking', 'clarifying');
  CREATE INDEX conversations_writeback ON conversations(writeback) WHERE writeback = 'pending';
  CREATE INDEX conversations_task ON conversations(task_id) WHERE task_id IS NOT NULL;
  -- Every message both ways: direction 'out' (to the customer) or 'in' (from them), the channel, what it was.
  CREATE TABLE conversation_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    direction TEXT NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX conversation_messages_conversation ON conversation_messages(conversation_id, id);
`;
