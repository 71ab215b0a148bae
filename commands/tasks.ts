// /tasks [mine|open|all]: the task list; and the task card's Open, Claim, Snooze, Undo and Retry buttons.
import type { TFunction } from 'i18next';
import { choiceLabel } from '../cards/task-parts.ts';
import { TASK_CLAIM, TASK_OPEN, TASK_RETRY, TASK_SNOOZE, TASK_UNDO, taskCardKey } from '../cards/task.ts';
import { buildTasksCard, TASK_FILTERS, type TaskFilter } from '../cards/tasks.ts';
import type { ActionContext, ActionDefinition, CommandDefinition } from '../src/core/command.ts';
import { parseTaskRef, taskActor, type TaskBotServices } from '../src/tasks/chat-glue.ts';
import { outcomeMessage, type TaskOutcome } from '../src/tasks/outcome.ts';
import type { TaskActor } from '../src/tasks/types.ts';

function toFilter(input: string | undefined): TaskFilter {
  const typed = input?.trim().toLowerCase();
  return TASK_FILTERS.find((f) => f === typed) ?? 'open';
}

/** The localized sentence that tells a person what their request did. */
export function describeOutcome(t: TFunction, o: TaskOutcome): string {
  const m = outcomeMessage(o);
  const vars: Record<string, string | number> = { ...m.vars };
  if (typeof vars.id === 'number') vars.id = `T${vars.id}`;
  if (typeof vars.state === 'string') vars.state = t(`tasks:state.${vars.state}`);
  if (typeof vars.role === 'string') vars.role = t(`tasks:role.${vars.role}`);
  if (typeof vars.roles === 'string') vars.roles = vars.roles.split(', ').map((r) => t(`tasks:role.${r}`)).join(', ');
  if (typeof vars.choice === 'string') vars.choice = choiceLabel(t, vars.choice);
  if (typeof vars.reason === 'string' && !o.ok) vars.reason = t(`tasks:outcome.noUndo.${vars.reason}`);
  return t(m.key, vars);
}

/** Runs a button's task operation on the task id in the button's value and tells the clicker the outcome. */
export async function runTaskButton(ctx: ActionContext<TaskBotServices>, op: (id: number, who: TaskActor) => Promise<TaskOutcome>): Promise<void> {
  const id = parseTaskRef(ctx.value.split(':')[0]);
  if (id === undefined) return ctx.ephemeral(ctx.t('tasks:deny.notFound', { id: ctx.value }));
  await ctx.ephemeral(describeOutcome(ctx.t, await op(id, taskActor(ctx))));
}

/** `/tasks [mine|open|all]` (viewer). */
export const tasksCommand: CommandDefinition<TaskBotServices> = {
  name: 'tasks',
  helpKey: 'cmd.tasks',
  args: [{ name: 'filter', required: false, choices: TASK_FILTERS }],
  role: 'viewer',
  async handler(ctx) {
    const filter = toFilter(ctx.args.filter);
    const tasks = await ctx.services.tasks.list(filter, taskActor(ctx).key);
    await ctx.reply(buildTasksCard({ filter, tasks, now: ctx.services.tasks.now() }, ctx.t));
  },
};

/** Open button of the list (viewer): posts the task's card here; it then updates with every other copy. */
export const openTaskAction: ActionDefinition<TaskBotServices> = {
  actionId: TASK_OPEN,
  role: 'viewer',
  async handler(ctx) {
    const id = parseTaskRef(ctx.value);
    const card = id === undefined ? undefined : await ctx.services.tasks.card(id);
    if (id === undefined || !card) return ctx.ephemeral(ctx.t('tasks:deny.notFound', { id: ctx.value }));
    await ctx.postTracked(taskCardKey(id), card);
  },
};

/** Claim button (roles per task kind). */
export const claimTaskAction: ActionDefinition<TaskBotServices> = {
  actionId: TASK_CLAIM,
  role: 'viewer',
  handler: (ctx) => runTaskButton(ctx, (id, who) => ctx.services.tasks.claim(id, who)),
};

/** Snooze button (roles per task kind): defers escalation by an hour. */
export const snoozeTaskAction: ActionDefinition<TaskBotServices> = {
  actionId: TASK_SNOOZE,
  role: 'viewer',
  handler: (ctx) => runTaskButton(ctx, (id, who) => ctx.services.tasks.snooze(id, who)),
};

/** Undo button (roles per task kind): runs the compensating action while the window is open. */
export const undoTaskAction: ActionDefinition<TaskBotServices> = {
  actionId: TASK_UNDO,
  role: 'viewer',
  handler: (ctx) => runTaskButton(ctx, (id, who) => ctx.services.tasks.undo(id, who)),
};

/** Retry button of a failed task (roles per task kind). */
export const retryTaskAction: ActionDefinition<TaskBotServices> = {
  actionId: TASK_RETRY,
  role: 'viewer',
  handler: (ctx) => runTaskButton(ctx, (id, who) => ctx.services.tasks.retry(id, who)),
};
