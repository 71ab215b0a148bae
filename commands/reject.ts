// /reject <task> <reason> and the task card's Reject button: nothing is executed, the reason is shown.
import { TASK_REJECT } from '../cards/task.ts';
import type { ActionDefinition, CommandDefinition } from '../src/core/command.ts';
import { parseTaskRef, taskActor, type TaskBotServices } from '../src/tasks/chat-glue.ts';
import { describeOutcome, runTaskButton } from './tasks.ts';

/** `/reject <task> <reason>` (who may is decided per task kind by the settings). */
export const rejectCommand: CommandDefinition<TaskBotServices> = {
  name: 'reject',
  helpKey: 'cmd.reject',
  args: [
    { name: 'task', required: true },
    { name: 'reason', required: true, rest: true },
  ],
  role: 'viewer',
  async handler(ctx) {
    const id = parseTaskRef(ctx.args.task);
    if (id === undefined) return ctx.ephemeral(ctx.t('tasks:deny.notFound', { id: ctx.args.task ?? '' }));
    await ctx.ephemeral(describeOutcome(ctx.t, await ctx.services.tasks.reject(id, taskActor(ctx), ctx.args.reason ?? '')));
  },
};

/** Reject button (after its confirmation dialog); no reason can be typed on a button. */
export const rejectTaskAction: ActionDefinition<TaskBotServices> = {
  actionId: TASK_REJECT,
  role: 'viewer',
  handler: (ctx) => runTaskButton(ctx, (id, who) => ctx.services.tasks.reject(id, who, '')),
};
