// /approve <task> [choice] and the task card's Approve and choice buttons: the same rules and effects.
import { TASK_APPROVE, TASK_CHOOSE } from '../cards/task.ts';
import type { ActionDefinition, CommandDefinition } from '../src/core/command.ts';
import { parseTaskRef, taskActor, type TaskBotServices } from '../src/tasks/chat-glue.ts';
import { describeOutcome, runTaskButton } from './tasks.ts';

/** `/approve <task> [choice]` (who may is decided per task kind by the settings). */
export const approveCommand: CommandDefinition<TaskBotServices> = {
  name: 'approve',
  helpKey: 'cmd.approve',
  args: [
    { name: 'task', required: true },
    { name: 'choice', required: false },
  ],
  role: 'viewer',
  async handler(ctx) {
    const id = parseTaskRef(ctx.args.task);
    if (id === undefined) return ctx.ephemeral(ctx.t('tasks:deny.notFound', { id: ctx.args.task ?? '' }));
    const choice = ctx.args.choice?.trim();
    await ctx.ephemeral(describeOutcome(ctx.t, await ctx.services.tasks.approve(id, taskActor(ctx), choice ? choice.toLowerCase().replace(/^trust-/, 'trust:') : undefined)));
  },
};

/** Approve button: approves the suggested choice, or seconds the choice already approved once. */
export const approveTaskAction: ActionDefinition<TaskBotServices> = {
  actionId: TASK_APPROVE,
  role: 'viewer',
  handler: (ctx) => runTaskButton(ctx, (id, who) => ctx.services.tasks.approve(id, who)),
};

/** A choice button (value `<task id>:<choice>`): approves that choice. */
export const chooseTaskAction: ActionDefinition<TaskBotServices> = {
  actionId: TASK_CHOOSE,
  role: 'viewer',
  handler: (ctx) => {
    const sep = ctx.value.indexOf(':');
    const choice = sep >= 0 ? ctx.value.slice(sep + 1) : '';
    return runTaskButton(ctx, (id, who) => ctx.services.tasks.approve(id, who, choice));
  },
};
