// Runs an approved decision exactly once (the approved → executing compare-and-set is the lock), with bounded retries.
import { describeError, RetryableError } from '../core/errors.ts';
import { withRetry } from '../core/retry.ts';
import type { TaskCore } from './core.ts';
import { escalateFailure } from './escalation.ts';
import { compensate, executeChoice } from './executors.ts';
import { slaMs, undoMs } from './policy.ts';
import type { ResultLine, Task } from './types.ts';

const DEFAULT_BACKOFF = { baseMs: 1000, maxMs: 30_000 };

function codeOf(err: unknown): string {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : 'internal';
}

async function withTaskRetry<T>(core: TaskCore, task: Task, what: string, fn: () => Promise<T>): Promise<{ ok: true; value: T; attempts: number } | { ok: false; error: unknown; attempts: number }> {
  let attempts = 0;
  const pending: Promise<unknown>[] = [];
  try {
    const value = await withRetry(
      async () => {
        attempts++;
        return fn();
      },
      {
        ...(core.deps.backoff ?? DEFAULT_BACKOFF),
        retries: core.settings().tasks.executorRetries,
        clock: core.deps.clock,
        ...(core.deps.random ? { random: core.deps.random } : {}),
        onRetry: (err: RetryableError, attempt: number, delayMs: number) => {
          // Recorded while the backoff sleeps; awaited before the outcome is written.
          pending.push(
            core.deps.audit.append({ actor: null, type: 'executor', subject: `task:${task.id}`, action: `${what}_retry`, data: { attempt: attempt + 1, delayMs, error: describeError(err), code: err.code } }),
            core.repo.setAttempts(task.id, attempt + 1, describeError(err), core.now()).then(async () => {
              const fresh = await core.repo.get(task.id);
              if (fresh) await core.refreshCard(fresh);
            }),
          );
        },
      },
    );
    await Promise.all(pending);
    return { ok: true, value, attempts };
  } catch (error) {
    await Promise.all(pending);
    return { ok: false, error, attempts };
  }
}

/** Takes an approved task to executing and runs its choice; a lost compare-and-set means another caller runs it. */
export async function executeApproved(core: TaskCore, approved: Task): Promise<Task | undefined> {
  const choice = approved.choice ?? approved.suggested;
  const running = await core.repo.transition(approved, 'executing', { attempts: 0, error: null }, { actor: null, actorName: null, action: 'executing', data: { choice } }, core.now());
  if (!running) return undefined;
  await core.refreshCard(running);
  const run = await withTaskRetry(core, running, 'execute', () => executeChoice(running, choice, core.deps.executors));
  const current = (await core.repo.get(running.id)) ?? running;
  if (run.ok) {
    const now = core.now();
    const finished = await core.repo.transition(
      current,
      'done',
      { result: run.value, attempts: run.attempts, error: null, undoUntil: now + undoMs(core.settings()), dueAt: null },
      { actor: null, actorName: null, action: 'done', data: { choice, lines: run.value.lines, attempts: run.attempts } },
      now,
      { type: 'executor' },
    );
    if (finished) await core.refreshCard(finished);
    return finished;
  }
  const error = describeError(run.error);
  const failed = await core.repo.transition(
    current,
    'failed',
    { attempts: run.attempts, error, dueAt: null },
    { actor: null, actorName: null, action: 'failed', data: { choice, error, code: codeOf(run.error), attempts: run.attempts, retryable: run.error instanceof RetryableError } },
    core.now(),
    { type: 'executor' },
  );
  if (!failed) return undefined;
  core.deps.log.warn({ task: failed.id, error }, 'task executor failed; escalating');
  return escalateFailure(core, failed);
}

/** Runs the compensation of a done task (already moved to undoing); back to open on success, to done on failure. */
export async function runUndo(core: TaskCore, undoing: Task): Promise<{ task: Task | undefined; lines: ResultLine[]; error?: string }> {
  const compensation = undoing.result?.compensation ?? { type: 'nothing' as const };
  const run = await withTaskRetry(core, undoing, 'undo', () => compensate(compensation, core.deps.executors));
  const current = (await core.repo.get(undoing.id)) ?? undoing;
  const now = core.now();
  if (run.ok) {
    const reopened = await core.repo.transition(
      current,
      'open',
      { choice: null, approvals: [], result: null, error: null, undoUntil: null, attempts: 0, escalation: 0, claimedBy: null, claimedName: null, dueAt: now + slaMs(core.settings(), current.kind) },
      { actor: null, actorName: null, action: 'undone', data: { lines: run.value } },
      now,
      { type: 'executor' },
    );
    if (reopened) await core.refreshCard(reopened);
    return { task: reopened, lines: run.value };
  }
  const error = describeError(run.error);
  const back = await core.repo.transition(current, 'done', { error: `undo: ${error}` }, { actor: null, actorName: null, action: 'undoFailed', data: { error } }, now, { type: 'executor' });
  if (back) await core.refreshCard(back);
  return { task: back, lines: [], error };
}
