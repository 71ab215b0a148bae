import type { Db } from './db.ts';
import { ADAPTER_STATE_SQL } from './adapter-state.ts';
import { ALERTS_SQL } from './alerts-schema.ts';
import { CONVERSATIONS_SQL } from './conversations-schema.ts';
import { NOTIFY_SQL } from './notify-schema.ts';
import { ADDRESS_DOUBTS_SQL, ORDER_ADDRESSES_SQL } from './order-addresses.ts';
import { PENDING_CARDS_SQL } from './pending-cards.ts';
import { POSTED_CARDS_SQL } from './posted-cards.ts';
import { SOURCE_SWITCHES_SQL } from './source-switches.ts';
import { TASK_NOTES_SQL } from './task-notes-schema.ts';
import { AUDIT_KEYED_SQL, TASKS_SQL } from './tasks-schema.ts';

/** A module's schema step: applied once, in list order, recorded by name in `schema_modules`. */
export interface ModuleMigration {
  name: string;
  sql: string;
}

// Feature modules add their tables here (one entry each, never edited once shipped; add a new entry to change a table).
/** Schema steps of the feature modules, after the core migrations. */
export const MODULE_MIGRATIONS: readonly ModuleMigration[] = [
  { name: 'chat.posted_cards', sql: POSTED_CARDS_SQL },
  { name: 'tasks.tasks_audit', sql: TASKS_SQL },
  { name: 'detect.alerts', sql: ALERTS_SQL },
  { name: 'notify.outbox', sql: NOTIFY_SQL },
  { name: 'conversations.conversations', sql: CONVERSATIONS_SQL },
  { name: 'sync.source_switches', sql: SOURCE_SWITCHES_SQL },
  { name: 'tasks.notes', sql: TASK_NOTES_SQL },
  { name: 'sync.order_addresses', sql: ORDER_ADDRESSES_SQL },
  { name: 'sync.address_doubts', sql: ADDRESS_DOUBTS_SQL },
  { name: 'chat.adapter_state', sql: ADAPTER_STATE_SQL },
  { name: 'chat.pending_cards', sql: PENDING_CARDS_SQL },
  { name: 'audit.keyed', sql: AUDIT_KEYED_SQL },
  // shipping + tax − discount of the order as the system that sent the items says it; NULL when it said none.
  { name: 'sync.order_adjustments', sql: 'ALTER TABLE order_items ADD COLUMN adjust REAL;' },
];

/** Applies the module steps not yet recorded; returns their names. */
export async function migrateModules(db: Db, steps: readonly ModuleMigration[] = MODULE_MIGRATIONS): Promise<string[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_modules (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const done = new Set((await db.all<{ name: string }>('SELECT name FROM schema_modules')).map((r) => r.name));
  const applied: string[] = [];
  for (const step of steps) {
    if (done.has(step.name)) continue;
    await db.transaction(async () => {
      await db.exec(step.sql);
      await db.run('INSERT INTO schema_modules (name, applied_at) VALUES (?, ?)', [step.name, Date.now()]);
    });
    applied.push(step.name);
  }
  return applied;
}
