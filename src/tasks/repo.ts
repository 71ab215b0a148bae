// Tasks in SQLite: every state change is a compare-and-set on (id, state, version), recorded with its history and audit row.
import type { AuditEntry, AuditLog } from '../audit/log.ts';
import type { Db } from '../store/db.ts';
import { patchSql, toHistory, toTask, type HistoryRow, type TaskPatch, type TaskRow } from './rows.ts';
import type { ChoiceId, Task, TaskHistoryEntry, TaskKind, TaskOrderInfo, TaskState } from './types.ts';

/** A new task, before it has an id. */
export interface NewTask {
  fingerprint: string;
  kind: TaskKind;
  source: string | null;
  orderId: string | null;
  details: Record<string, unknown>;
  order: TaskOrderInfo | null;
  choices: ChoiceId[];
  suggested: ChoiceId;
  dueAt: number;
}

/** A history line to record with a change. */
export interface HistoryInput {
  actor: string | null;
  actorName: string | null;
  action: string;
  data?: Record<string, unknown>;
}

/** Which tasks a list shows. */
export interface TaskQuery {
  states?: readonly TaskState[];
  /** Tasks claimed by, or approved by, this person. */
  involving?: string;
  /** Tasks about this order. */
  orderId?: string;
  limit?: number;
}

/** Reads and changes tasks. */
export class TasksRepo {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  /** Inserts a task unless the fingerprint already has one in this problem episode; returns the task and whether it is new. */
  async create(input: NewTask, now: number): Promise<{ task: Task; created: boolean }> {
    return this.db.transaction(async () => {
      const res = await this.db.run(
        `INSERT OR IGNORE INTO tasks (fingerprint, kind, source, order_id, details, order_info, amount, currency, choices, suggested, state, due_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`,
        [input.fingerprint, input.kind, input.source, input.orderId, JSON.stringify(input.details), input.order ? JSON.stringify(input.order) : null, input.order?.amount ?? null, input.order?.currency ?? null, JSON.stringify(input.choices), input.suggested, input.dueAt, now, now],
      );
      if (res.changes === 0) {
        const existing = await this.episode(input.fingerprint);
        if (!existing) throw new Error(`task insert ignored but no open episode for ${input.fingerprint}`);
        return { task: existing, created: false };
      }
      const task = await this.get(res.lastID);
      if (!task) throw new Error(`task ${res.lastID} vanished`);
      await this.recordHistory(task.id, now, { actor: null, actorName: null, action: 'created', data: { choices: input.choices } }, null, 'open');
      await this.audit.append({ at: now, actor: null, type: 'transition', subject: `task:${task.id}`, action: 'created', data: { fingerprint: input.fingerprint, kind: input.kind, orderId: input.orderId, from: null, to: 'open' } });
      return { task, created: true };
    });
  }

  /** One task by id. */
  async get(id: number): Promise<Task | undefined> {
    const row = await this.db.get<TaskRow>('SELECT * FROM tasks WHERE id = ?', [id]);
    return row ? toTask(row) : undefined;
  }

  /** The task of a fingerprint's current problem episode, if any. */
  async episode(fingerprint: string): Promise<Task | undefined> {
    const row = await this.db.get<TaskRow>('SELECT * FROM tasks WHERE fingerprint = ? AND finding_open = 1', [fingerprint]);
    return row ? toTask(row) : undefined;
  }

  /**
   * Compare-and-set: applies `patch` and moves `task` to `to` only if it is still in the state and version it was
   * read in. Returns the updated task, or undefined when someone else changed it first (nothing is written then).
   */
  async transition(task: Task, to: TaskState, patch: TaskPatch, history: HistoryInput, now: number, audit?: Partial<AuditEntry>): Promise<Task | undefined> {
    return this.db.transaction(async () => {
      const { sets, values } = patchSql(patch);
      const res = await this.db.run(`UPDATE tasks SET ${[...sets, 'state = ?', 'version = version + 1', 'updated_at = ?'].join(', ')} WHERE id = ? AND state = ? AND version = ?`, [
        ...values,
        to,
        now,
        task.id,
        task.state,
        task.version,
      ]);
      if (res.changes !== 1) return undefined;
      await this.recordHistory(task.id, now, history, task.state, to);
      await this.audit.append({
        at: now,
        actor: history.actor,
        type: 'transition',
        subject: `task:${task.id}`,
        action: history.action,
        ...audit,
        data: { from: task.state, to, version: task.version + 1, ...history.data, ...audit?.data },
      });
      return this.get(task.id);
    });
  }

  /** Records the executor's attempt count (the task is held in `executing`, so no one else writes it). */
  async setAttempts(id: number, attempts: number, error: string | null, now: number): Promise<void> {
    await this.db.run("UPDATE tasks SET attempts = ?, error = ?, updated_at = ? WHERE id = ? AND state IN ('executing', 'undoing')", [attempts, error, now, id]);
  }

  /** Ends a fingerprint's problem episode (its finding resolved): the next firing gets a new task. */
  async endEpisode(fingerprint: string): Promise<void> {
    await this.db.run('UPDATE tasks SET finding_open = 0 WHERE fingerprint = ? AND finding_open = 1', [fingerprint]);
  }

  /** Tasks matching a query, newest first. */
  async list(q: TaskQuery = {}): Promise<Task[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.states && q.states.length > 0) {
      where.push(`state IN (${q.states.map(() => '?').join(',')})`);
      params.push(...q.states);
    }
    if (q.involving) {
      where.push("(claimed_by = ? OR EXISTS (SELECT 1 FROM json_each(tasks.approvals) WHERE json_each.value ->> '$.actor' = ?))");
      params.push(q.involving, q.involving);
    }
    if (q.orderId !== undefined) {
      where.push('order_id = ?');
      params.push(q.orderId);
    }
    const sql = `SELECT * FROM tasks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = await this.db.all<TaskRow>(sql, [...params, Math.min(Math.max(q.limit ?? 20, 1), 200)]);
    return rows.map(toTask);
  }

  /** Tasks in `states` whose due time has come. */
  async due(states: readonly TaskState[], now: number): Promise<Task[]> {
    const rows = await this.db.all<TaskRow>(`SELECT * FROM tasks WHERE state IN (${states.map(() => '?').join(',')}) AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT 500`, [...states, now]);
    return rows.map(toTask);
  }

  /** Tasks in one state (approved tasks waiting for their executor after a restart). */
  async inState(state: TaskState, limit = 100): Promise<Task[]> {
    return (await this.db.all<TaskRow>('SELECT * FROM tasks WHERE state = ? ORDER BY id LIMIT ?', [state, limit])).map(toTask);
  }

  /** Done tasks whose undo window closed in (from, to]: their cards lose the Undo button. */
  async undoClosed(from: number, to: number): Promise<Task[]> {
    return (await this.db.all<TaskRow>("SELECT * FROM tasks WHERE state = 'done' AND undo_until > ? AND undo_until <= ? ORDER BY id LIMIT 500", [from, to])).map(toTask);
  }

  /** A task's history, oldest first (the newest `limit` entries). */
  async history(id: number, limit = 50): Promise<TaskHistoryEntry[]> {
    const rows = await this.db.all<HistoryRow>('SELECT * FROM (SELECT * FROM task_history WHERE task_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id', [id, limit]);
    return rows.map(toHistory);
  }

  /** Records a history line without a state change (escalations, denied clicks stay in the audit log only). */
  async note(taskId: number, now: number, history: HistoryInput, state: TaskState): Promise<void> {
    await this.recordHistory(taskId, now, history, state, state);
  }

  private async recordHistory(taskId: number, now: number, h: HistoryInput, from: TaskState | null, to: TaskState): Promise<void> {
    await this.db.run('INSERT INTO task_history (task_id, at, actor, actor_name, action, from_state, to_state, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      taskId,
      now,
      h.actor,
      h.actorName,
      h.action,
      from,
      to,
      JSON.stringify(h.data ?? {}),
    ]);
  }
}
