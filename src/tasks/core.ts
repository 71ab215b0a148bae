// Shared machinery of the task service: dependencies, the compare-and-set loop, refusals, card refreshes.
import { buildTaskCard, NOTES_SHOWN, taskCardKey } from '../../cards/task.ts';
import type { AuditLog } from '../audit/log.ts';
import type { Clock } from '../core/clock.ts';
import type { CardFactory } from '../core/command.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { BackoffOptions } from '../core/retry.ts';
import type { Settings } from '../settings/schema.ts';
import type { Db } from '../store/db.ts';
import { denied, done, type DenyCode, type MessageVars, type TaskOutcome } from './outcome.ts';
import { approvalsNeeded, mayAct, rolesFor } from './policy.ts';
import type { TaskChat, TaskExecutorPorts, TaskOrders } from './ports.ts';
import { TaskNotesRepo } from './notes-repo.ts';
import { TasksRepo, type HistoryInput } from './repo.ts';
import type { TaskPatch } from './rows.ts';
import type { Task, TaskActor, TaskState } from './types.ts';

/** What the task service needs; the composition root builds the ports. */
export interface TaskServiceDeps {
  db: Db;
  audit: AuditLog;
  settings: () => Settings;
  clock: Clock;
  log: Logger;
  chat: TaskChat;
  orders: TaskOrders;
  executors: TaskExecutorPorts;
  /** Executor retry backoff (defaults: 1 s doubling to 30 s, jittered). */
  backoff?: BackoffOptions;
  random?: () => number;
  /** Time zone cards show times in (default UTC). */
  timeZone?: string;
}

/** A decision about one task read at one version: refuse, or change it. */
export type Decision = { deny: DenyCode; vars?: MessageVars } | { to: TaskState; patch: TaskPatch; history: Omit<HistoryInput, 'actor' | 'actorName'>; key: string; vars?: MessageVars };

// Each lost compare-and-set means someone else's change landed, so a few rounds always settle.
const MAX_ROUNDS = 10;

/** Dependencies plus the helpers every task operation uses. */
export class TaskCore {
  readonly repo: TasksRepo;
  readonly notes: TaskNotesRepo;

  constructor(readonly deps: TaskServiceDeps) {
    this.repo = new TasksRepo(deps.db, deps.audit);
    this.notes = new TaskNotesRepo(deps.db);
  }

  /** Current settings. */
  settings(): Settings {
    return this.deps.settings();
  }

  /** Now, from the injected clock. */
  now(): number {
    return this.deps.clock.now();
  }

  /** The card of a task as it is now, built per reader's language. */
  async cardFactory(task: Task): Promise<CardFactory> {
    const history = await this.repo.history(task.id, 8);
    const notes = await this.notes.list(task.id, NOTES_SHOWN);
    const settings = this.settings();
    const view = { task, history, notes, now: this.now(), timeZone: this.deps.timeZone, approvalsNeeded: approvalsNeeded(settings, task.amount), roles: rolesFor(settings, task.kind) };
    return (t) => buildTaskCard(view, t);
  }

  /** Updates every posted copy of the task's card; a failed update is logged, never fatal to the change. */
  async refreshCard(task: Task): Promise<void> {
    try {
      await this.deps.chat.update(taskCardKey(task.id), await this.cardFactory(task));
    } catch (err) {
      this.deps.log.error({ task: task.id, err: describeError(err) }, 'updating a task card failed');
    }
  }

  /** Records a refused attempt in the audit log and returns the refusal. */
  async refuse(who: TaskActor | null, action: string, taskId: number, code: DenyCode, vars: MessageVars = {}, task?: Task): Promise<TaskOutcome> {
    await this.deps.audit.append({ actor: who?.key ?? null, type: 'denied', subject: `task:${taskId}`, action, data: { code, role: who?.role ?? null, ...vars } });
    return denied(code, vars, task);
  }

  /** Refusal when `who` may not act on the task's kind; undefined when allowed. */
  async guard(who: TaskActor, action: string, task: Task): Promise<TaskOutcome | undefined> {
    if (mayAct(this.settings(), task.kind, who.role)) return undefined;
    return this.refuse(who, action, task.id, 'forbidden', { role: who.role, roles: rolesFor(this.settings(), task.kind).join(', ') }, task);
  }

  /**
   * Reads the task, asks `decide`, and applies the change with a compare-and-set; when someone else changed the
   * task in between, reads again and decides again. The card is refreshed after every change.
   */
  async mutate(id: number, who: TaskActor | null, action: string, decide: (task: Task) => Decision | Promise<Decision>): Promise<TaskOutcome> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const task = await this.repo.get(id);
      if (!task) return this.refuse(who, action, id, 'notFound', { id });
      if (who) {
        const forbidden = await this.guard(who, action, task);
        if (forbidden) return forbidden;
      }
      const d = await decide(task);
      if ('deny' in d) return this.refuse(who, action, id, d.deny, d.vars ?? {}, task);
      const updated = await this.repo.transition(task, d.to, d.patch, { actor: who?.key ?? null, actorName: who?.name ?? null, ...d.history }, this.now());
      if (!updated) continue;
      await this.refreshCard(updated);
      return done(updated, d.key, d.vars);
    }
    return this.refuse(who, action, id, 'busy', { id });
  }
}
