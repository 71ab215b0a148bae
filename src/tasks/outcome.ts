// What a task operation answers the person who asked: done (with a message) or refused (with the reason).
import type { Task } from './types.ts';

/** Why an operation changed nothing. Each has a `tasks:deny.<code>` text. */
export type DenyCode =
  | 'notFound'
  | 'forbidden'
  | 'decided'
  | 'sameApprover'
  | 'otherChoice'
  | 'badChoice'
  | 'claimed'
  | 'claimedByYou'
  | 'undoState'
  | 'undoExpired'
  | 'undoNone'
  | 'notFailed'
  | 'busy';

/** Values for a message's placeholders. */
export type MessageVars = Record<string, string | number>;

/** The answer of a task operation. `key` is under `tasks:ok.` or `tasks:deny.`. */
export type TaskOutcome = { ok: true; task: Task; key: string; vars: MessageVars } | { ok: false; code: DenyCode; vars: MessageVars; task?: Task | undefined };

/** A successful outcome. */
export function done(task: Task, key: string, vars: MessageVars = {}): TaskOutcome {
  return { ok: true, task, key, vars: { id: task.id, ...vars } };
}

/** A refusal. */
export function denied(code: DenyCode, vars: MessageVars = {}, task?: Task): TaskOutcome {
  return { ok: false, code, vars, task };
}

/** The i18n key (tasks namespace) and values that tell a person the outcome. */
export function outcomeMessage(o: TaskOutcome): { key: string; vars: MessageVars } {
  return o.ok ? { key: `tasks:ok.${o.key}`, vars: o.vars } : { key: `tasks:deny.${o.code}`, vars: o.vars };
}
