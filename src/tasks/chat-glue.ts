// What chat commands and buttons need from the tasks module: the desk, task references, the acting person.
import type { Actor } from '../core/chat.ts';
import type { Role } from '../core/command.ts';
import { actorKey } from '../audit/entries.ts';
import type { TaskService } from './service.ts';
import type { TaskActor } from './types.ts';

/** The part of the task service staff commands use. */
export type TaskDesk = Pick<TaskService, 'now' | 'get' | 'list' | 'forOrder' | 'card' | 'claim' | 'snooze' | 'approve' | 'reject' | 'undo' | 'retry'>;

/** Services task commands need (BotServices includes these). */
export interface TaskBotServices {
  tasks: TaskDesk;
}

/** Reads a task reference as people type it: `12`, `T12`, `#12`, `t-12`. */
export function parseTaskRef(input: string | undefined): number | undefined {
  const m = /^\s*#?\s*(?:t-?)?(\d{1,12})\s*$/i.exec(input ?? '');
  const n = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The acting person as the task service sees them. */
export function taskActor(ctx: { actor: Actor; role: Role }): TaskActor {
  return { key: actorKey(ctx.actor), name: ctx.actor.name ?? ctx.actor.userId, role: ctx.role };
}
