// Task notes in SQLite: appended (or replaced under the same ref) without touching the task's state or version.
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import type { TaskNote, TaskNoteInput } from './types.ts';

const vars = z.record(z.string(), z.union([z.string(), z.number()]));
const line = z.object({ key: z.string(), vars: vars.optional() });

const NoteRow = z.object({
  id: z.number(),
  task_id: z.number(),
  ref: z.string().nullable(),
  at: z.number(),
  who: z.enum(['customer', 'system', 'staff']),
  actor: z.string().nullable(),
  actor_name: z.string().nullable(),
  tone: z.enum(['info', 'attention']),
  key: z.string(),
  vars: z.string().transform((s) => vars.parse(JSON.parse(s))),
  lines: z.string().transform((s) => z.array(line).parse(JSON.parse(s))),
});

function toNote(row: unknown): TaskNote {
  const r = NoteRow.parse(row);
  return { id: r.id, taskId: r.task_id, ref: r.ref, at: r.at, who: r.who, actor: r.actor, actorName: r.actor_name, tone: r.tone, key: r.key, vars: r.vars, lines: r.lines };
}

/** Reads and writes task notes. */
export class TaskNotesRepo {
  constructor(private readonly db: Db) {}

  /**
   * Appends a note, or replaces the one with the same (task, ref). Returns the stored note and what happened; writing
   * the same content again under a ref changes nothing (`unchanged`), so a retried write-back makes no noise.
   */
  async put(taskId: number, note: TaskNoteInput, now: number): Promise<{ note: TaskNote; change: 'added' | 'replaced' | 'unchanged' }> {
    return this.db.transaction(async () => {
      const row = note.ref === undefined ? undefined : await this.db.get<unknown>('SELECT * FROM task_notes WHERE task_id = ? AND ref = ?', [taskId, note.ref]);
      const before = row === undefined ? undefined : toNote(row);
      const content = { who: note.who, actor: note.actor?.key ?? null, actorName: note.actor?.name ?? null, tone: note.tone ?? 'info', key: note.key, vars: note.vars ?? {}, lines: note.lines ?? [] };
      if (before && JSON.stringify(content) === JSON.stringify({ who: before.who, actor: before.actor, actorName: before.actorName, tone: before.tone, key: before.key, vars: before.vars, lines: before.lines })) {
        return { note: before, change: 'unchanged' as const };
      }
      const values = [now, content.who, content.actor, content.actorName, content.tone, content.key, JSON.stringify(content.vars), JSON.stringify(content.lines)];
      const id = before
        ? (await this.db.run('UPDATE task_notes SET at = ?, who = ?, actor = ?, actor_name = ?, tone = ?, key = ?, vars = ?, lines = ? WHERE id = ?', [...values, before.id]), before.id)
        : (await this.db.run('INSERT INTO task_notes (at, who, actor, actor_name, tone, key, vars, lines, task_id, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [...values, taskId, note.ref ?? null])).lastID;
      const stored = await this.db.get<unknown>('SELECT * FROM task_notes WHERE id = ?', [id]);
      if (!stored) throw new Error(`task note ${id} vanished`);
      return { note: toNote(stored), change: before ? ('replaced' as const) : ('added' as const) };
    });
  }

  /** A task's notes, oldest first (the newest `limit`). */
  async list(taskId: number, limit = 20): Promise<TaskNote[]> {
    const rows = await this.db.all<unknown>('SELECT * FROM (SELECT * FROM task_notes WHERE task_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id', [taskId, limit]);
    return rows.map(toNote);
  }
}
