// The task service: tasks from findings, decisions (claim, approve, reject, snooze, undo, retry), escalation ticks.
import { taskCardKey } from '../../cards/task.ts';
import type { CardFactory } from '../core/command.ts';
import { describeError } from '../core/errors.ts';
import type { Finding } from '../core/order.ts';
import { choicesFor } from './choices.ts';
import { TaskCore, type Decision, type TaskServiceDeps } from './core.ts';
import { escalateDue, escalateFailure } from './escalation.ts';
import { executeApproved, runUndo } from './execution.ts';
import { TASK_DETAILS } from './details.ts';
import { denied, done, type TaskOutcome } from './outcome.ts';
import { approvalsNeeded, distinctApprovers, slaMs } from './policy.ts';
import type { TaskQuery } from './repo.ts';
import { isTaskKind, WAITING_STATES, type ChoiceId, type Task, type TaskActor, type TaskNote, type TaskNoteInput, type TaskOrderInfo } from './types.ts';

export type { TaskServiceDeps } from './core.ts';

/** Minutes the Snooze button defers a task's escalation. */
export const SNOOZE_MINUTES = 60;
// An approved task nobody started executing for this long was left by a restart: the tick runs it.
const RESUME_AFTER_MS = 30_000;

/** What one tick did. */
export interface TickSummary {
  escalated: number;
  resumed: number;
}

/** Human-intervention tasks: lifecycle, approval policy, executors, undo and escalation. */
export class TaskService {
  private readonly core: TaskCore;
  private lastTick: number | undefined;

  constructor(deps: TaskServiceDeps) {
    this.core = new TaskCore(deps);
  }

  /** A finding fired (new or again): makes its task when the kind needs a person and its episode has none. */
  async onFinding(finding: Finding): Promise<Task | undefined> {
    if (!isTaskKind(finding.kind)) return undefined;
    const kind = finding.kind;
    const existing = await this.core.repo.episode(finding.fingerprint);
    if (existing) return existing;
    const plan = choicesFor(kind, finding.details);
    if (!plan) {
      this.core.deps.log.warn({ fingerprint: finding.fingerprint, kind }, 'finding details unreadable; no task made');
      return undefined;
    }
    const order = finding.orderId ? await this.lookup(finding.orderId, finding.details, kind) : null;
    const now = this.core.now();
    const { task, created } = await this.core.repo.create(
      { fingerprint: finding.fingerprint, kind, source: finding.source ?? null, orderId: finding.orderId ?? null, details: finding.details, order, choices: plan.choices, suggested: plan.suggested, dueAt: now + slaMs(this.core.settings(), kind) },
      now,
    );
    if (created) {
      try {
        await this.core.deps.chat.publish(taskCardKey(task.id), await this.core.cardFactory(task), task.kind);
      } catch (err) {
        this.core.deps.log.error({ task: task.id, err: describeError(err) }, 'posting a task card failed');
      }
    }
    return task;
  }

  private async lookup(orderId: string, details: Record<string, unknown>, kind: string): Promise<TaskOrderInfo | null> {
    const info = (await this.core.deps.orders.lookup(orderId)) ?? null;
    if (kind !== 'price') return info;
    // A price problem is as big as the largest amount any system reports.
    const amounts = TASK_DETAILS.price.safeParse(details);
    if (!amounts.success) return info;
    const largest = Math.max(...amounts.data.amounts.map((a) => a.amount), info?.amount ?? 0);
    return { views: [], ...info, amount: largest, currency: info?.currency ?? amounts.data.amounts[0]?.currency ?? null };
  }

  /** A finding resolved: a still-waiting task expires (its card says the problem cleared), and the episode ends. */
  async onFindingResolved(fingerprint: string): Promise<Task | undefined> {
    const task = await this.core.repo.episode(fingerprint);
    if (!task) return undefined;
    const outcome = !WAITING_STATES.includes(task.state) ? undefined : await this.core.mutate(task.id, null, 'expire', (t): Decision =>
      WAITING_STATES.includes(t.state) ? { to: 'expired', patch: { closedReason: 'resolved', dueAt: null }, history: { action: 'expired', data: { reason: 'resolved' } }, key: 'expired' } : { deny: 'decided', vars: { state: t.state } },
    );
    await this.core.repo.endEpisode(fingerprint);
    const final = await this.core.repo.get(task.id);
    if (final && !outcome?.ok) await this.core.refreshCard(final);
    return final;
  }

  /** Now, from the injected clock. */
  now(): number {
    return this.core.now();
  }

  /** One task. */
  get(id: number): Promise<Task | undefined> {
    return this.core.repo.get(id);
  }

  /** The tasks about one order, newest first (for the /order card). */
  forOrder(orderId: string, limit = 10): Promise<Task[]> {
    return this.core.repo.list({ orderId, limit });
  }

  /** Tasks for `/tasks`: mine (claimed or approved by me), open (waiting or failed), all. */
  list(filter: 'mine' | 'open' | 'all', who: string, limit = 20): Promise<Task[]> {
    const q: TaskQuery = filter === 'mine' ? { involving: who, limit } : filter === 'open' ? { states: [...WAITING_STATES, 'approved', 'executing', 'failed'], limit } : { limit };
    return this.core.repo.list(q);
  }

  /** The task's card as it is now (for posting another copy). */
  async card(id: number): Promise<CardFactory | undefined> {
    const task = await this.core.repo.get(id);
    return task ? this.core.cardFactory(task) : undefined;
  }

  /** Claims a waiting task: the team sees who is on it. */
  claim(id: number, who: TaskActor): Promise<TaskOutcome> {
    return this.core.mutate(id, who, 'claim', (t): Decision => {
      if (t.state === 'claimed') return t.claimedBy === who.key ? { deny: 'claimedByYou' } : { deny: 'claimed', vars: { name: t.claimedName ?? t.claimedBy ?? '' } };
      if (t.state !== 'open') return { deny: 'decided', vars: { state: t.state } };
      return { to: 'claimed', patch: { claimedBy: who.key, claimedName: who.name }, history: { action: 'claimed' }, key: 'claimed' };
    });
  }

  /** Defers escalation of a waiting task by `minutes`. */
  snooze(id: number, who: TaskActor, minutes = SNOOZE_MINUTES): Promise<TaskOutcome> {
    return this.core.mutate(id, who, 'snooze', (t): Decision => {
      if (!WAITING_STATES.includes(t.state)) return { deny: 'decided', vars: { state: t.state } };
      const until = this.core.now() + minutes * 60_000;
      return { to: t.state, patch: { snoozedUntil: until, dueAt: Math.max(t.dueAt ?? 0, until) }, history: { action: 'snoozed', data: { until, minutes } }, key: 'snoozed', vars: { minutes } };
    });
  }

  /**
   * Approves `choice` (default: the one already approved once, else the suggested one). With four-eyes the first
   * approval is recorded and a different approver must follow; the final approval runs the executor, exactly once.
   */
  async approve(id: number, who: TaskActor, choice?: ChoiceId): Promise<TaskOutcome> {
    const outcome = await this.core.mutate(id, who, 'approve', (t): Decision => {
      if (!WAITING_STATES.includes(t.state)) return { deny: 'decided', vars: { state: t.state } };
      const pending = t.approvals[0]?.choice;
      const chosen = choice ?? pending ?? t.suggested;
      if (!t.choices.includes(chosen)) return { deny: 'badChoice', vars: { choice: chosen } };
      if (pending !== undefined && chosen !== pending) return { deny: 'otherChoice', vars: { name: t.approvals[0]?.name ?? '', choice: pending } };
      if (t.approvals.some((a) => a.actor === who.key)) return { deny: 'sameApprover' };
      const approvals = [...t.approvals, { actor: who.key, name: who.name, choice: chosen, at: this.core.now() }];
      const needed = approvalsNeeded(this.core.settings(), t.amount);
      const have = distinctApprovers(approvals, chosen).length;
      if (have < needed) return { to: t.state, patch: { approvals }, history: { action: 'approval', data: { choice: chosen, have, needed } }, key: 'approvalRecorded', vars: { have, needed } };
      return { to: 'approved', patch: { approvals, choice: chosen, dueAt: null }, history: { action: 'approved', data: { choice: chosen } }, key: 'approved' };
    });
    if (!outcome.ok || outcome.task.state !== 'approved') return outcome;
    const after = await executeApproved(this.core, outcome.task);
    if (!after) return done(outcome.task, 'approved');
    return after.state === 'done' ? done(after, 'executed') : done(after, 'executionFailed', { error: after.error ?? '' });
  }

  /** Rejects a waiting task: nothing is executed; `reason` is shown on the card. */
  reject(id: number, who: TaskActor, reason: string): Promise<TaskOutcome> {
    return this.core.mutate(id, who, 'reject', (t): Decision => {
      if (!WAITING_STATES.includes(t.state)) return { deny: 'decided', vars: { state: t.state } };
      return { to: 'rejected', patch: { reason: reason.slice(0, 500), dueAt: null }, history: { action: 'rejected', data: { reason: reason.slice(0, 500) } }, key: 'rejected' };
    });
  }

  /**
   * Appends a note to a task in any state (or replaces the one with the same `ref`) without changing the task, audits it,
   * and updates every posted copy of its card, each in its own language. Undefined when there is no such task.
   */
  async note(id: number, entry: TaskNoteInput): Promise<TaskNote | undefined> {
    const { db, audit } = this.core.deps;
    const now = this.core.now();
    const written = await db.transaction(async () => {
      if (!(await this.core.repo.get(id))) return undefined;
      const { note, change } = await this.core.notes.put(id, entry, now);
      if (change === 'unchanged') return { note, change };
      // The detail lines stay out of the hash-chained log (they may carry customer text); their count is recorded.
      await audit.append({
        at: now,
        actor: entry.who === 'system' ? null : (entry.actor?.key ?? null),
        type: 'note',
        subject: `task:${id}`,
        action: change === 'replaced' ? 'note_replaced' : 'note',
        data: { who: note.who, key: note.key, vars: note.vars, tone: note.tone, ref: note.ref, lines: note.lines.length },
      });
      return { note, change };
    });
    if (!written) return undefined;
    const task = written.change === 'unchanged' ? undefined : await this.core.repo.get(id);
    if (task) await this.core.refreshCard(task);
    return written.note;
  }

  /** A task's notes, oldest first. */
  notes(id: number, limit = 20): Promise<TaskNote[]> {
    return this.core.notes.list(id, limit);
  }

  /** Runs the compensating action of a done task while its undo window is open; the task is then open again. */
  async undo(id: number, who: TaskActor): Promise<TaskOutcome> {
    const outcome = await this.core.mutate(id, who, 'undo', (t): Decision => {
      if (t.state !== 'done') return { deny: 'undoState', vars: { state: t.state } };
      if (t.undoUntil === null || this.core.now() > t.undoUntil) return { deny: 'undoExpired' };
      const c = t.result?.compensation;
      if (c?.type === 'none') return { deny: 'undoNone', vars: { reason: c.reason } };
      return { to: 'undoing', patch: { error: null }, history: { action: 'undoing' }, key: 'undoing' };
    });
    if (!outcome.ok) return outcome;
    const res = await runUndo(this.core, outcome.task);
    const task = res.task ?? outcome.task;
    return res.error === undefined ? done(task, 'undone') : done(task, 'undoFailed', { error: res.error });
  }

  /** Runs a failed task's decision again. */
  async retry(id: number, who: TaskActor): Promise<TaskOutcome> {
    const outcome = await this.core.mutate(id, who, 'retry', (t): Decision =>
      t.state === 'failed' ? { to: 'approved', patch: { error: null }, history: { action: 'retry', data: { choice: t.choice ?? t.suggested } }, key: 'approved' } : { deny: 'notFailed', vars: { state: t.state } },
    );
    if (!outcome.ok) return outcome;
    const after = await executeApproved(this.core, outcome.task);
    if (!after) return outcome;
    return after.state === 'done' ? done(after, 'executed') : done(after, 'executionFailed', { error: after.error ?? '' });
  }

  /** Escalates overdue tasks, runs approved tasks a restart left behind, drops expired Undo buttons; call it every minute or so. */
  async tick(): Promise<TickSummary> {
    const escalated = await escalateDue(this.core);
    let resumed = 0;
    for (const t of await this.core.repo.inState('approved')) {
      if (this.core.now() - t.updatedAt < RESUME_AFTER_MS) continue;
      if (await executeApproved(this.core, t)) resumed++;
    }
    // Cards keep their Undo button until something updates them: refresh those whose window just closed.
    const now = this.core.now();
    for (const t of await this.core.repo.undoClosed(this.lastTick ?? now - 86_400_000, now)) await this.core.refreshCard(t);
    this.lastTick = now;
    return { escalated, resumed };
  }

  /**
   * Call once at boot, before ticks: a decision a restart interrupted is never run twice behind anyone's back —
   * executing tasks become failed (escalated; Retry runs them again on purpose), undoing ones go back to done.
   */
  async recover(): Promise<number> {
    let n = 0;
    for (const t of await this.core.repo.inState('executing', 500)) {
      const failed = await this.core.repo.transition(t, 'failed', { error: 'interrupted by a restart' }, { actor: null, actorName: null, action: 'failed', data: { choice: t.choice ?? '', error: 'interrupted by a restart', attempts: t.attempts } }, this.core.now(), { type: 'executor' });
      if (failed) (await escalateFailure(this.core, failed), n++);
    }
    for (const t of await this.core.repo.inState('undoing', 500)) {
      const back = await this.core.repo.transition(t, 'done', { error: 'undo: interrupted by a restart' }, { actor: null, actorName: null, action: 'undoFailed', data: { error: 'interrupted by a restart' } }, this.core.now(), { type: 'executor' });
      if (back) (await this.core.refreshCard(back), n++);
    }
    return n;
  }

  /** A refusal for an id that could not be read (commands use it for `/approve abc`). */
  static notFound(input: string): TaskOutcome {
    return denied('notFound', { id: input });
  }
}
