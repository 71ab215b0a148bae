// /tasks [mine|open|all]: the human-intervention task list (a placeholder until the tasks work lands).
import { buildTasksCard, TASK_FILTERS, type TaskFilter } from '../cards/tasks.ts';
import type { CommandDefinition } from '../src/core/command.ts';
import type { BotServices } from './services.ts';

function toFilter(input: string | undefined): TaskFilter {
  const typed = input?.trim().toLowerCase();
  return TASK_FILTERS.find((f) => f === typed) ?? 'open';
}

/** `/tasks [mine|open|all]` (viewer). */
export const tasksCommand: CommandDefinition<BotServices> = {
  name: 'tasks',
  helpKey: 'cmd.tasks',
  args: [{ name: 'filter', required: false, choices: TASK_FILTERS }],
  role: 'viewer',
  async handler(ctx) {
    await ctx.reply(buildTasksCard({ filter: toFilter(ctx.args.filter), items: [] }, ctx.t));
  },
};
