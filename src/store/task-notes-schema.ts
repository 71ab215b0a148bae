// Task notes: structured, localizable lines appended to a task without changing its state (a customer's answer,
// a write-back result, a handoff with its transcript). Rendered per reader's language when the card is built.

/** Schema of the task notes table (its own module step, after `tasks.tasks_audit`). */
export const TASK_NOTES_SQL = `
  CREATE TABLE task_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    -- Idempotency key: a note written again under the same ref replaces the earlier one (NULLs never collide).
    ref TEXT,
    at INTEGER NOT NULL,
    who TEXT NOT NULL,
    actor TEXT,
    actor_name TEXT,
    tone TEXT NOT NULL DEFAULT 'info',
    -- i18n key under tasks:note. and its values; lines: [{ key, vars }] detail lines.
    key TEXT NOT NULL,
    vars TEXT NOT NULL DEFAULT '{}',
    lines TEXT NOT NULL DEFAULT '[]'
  );
  CREATE UNIQUE INDEX task_notes_ref ON task_notes(task_id, ref);
  CREATE INDEX task_notes_task ON task_notes(task_id, id);
`;
