// /help [command]: the commands the person's role allows, or one command's usage, arguments and role.
import { buildHelpCard } from '../cards/help.ts';
import { hasRole, type CommandDefinition } from '../src/core/command.ts';
import type { BotServices } from './services.ts';
import { suggestName } from './shared.ts';

/** `/help [command]` (viewer). */
export const helpCommand: CommandDefinition<BotServices> = {
  name: 'help',
  helpKey: 'cmd.help',
  args: [{ name: 'command', required: false }],
  role: 'viewer',
  async handler(ctx) {
    const wanted = ctx.args.command?.trim().replace(/^\//, '').toLowerCase() ?? '';
    const detail = wanted ? ctx.catalog.find((c) => c.name.toLowerCase() === wanted) : undefined;
    if (!wanted || detail) {
      await ctx.reply(buildHelpCard({ commands: ctx.catalog, role: ctx.role, detail }, ctx.t));
      return;
    }
    const suggestion = suggestName(wanted, ctx.catalog.filter((c) => hasRole(ctx.role, c.role)).map((c) => c.name));
    await ctx.ephemeral(suggestion ? ctx.t('bot:help.unknown', { name: wanted, suggestion: `/${suggestion}` }) : ctx.t('bot:help.unknownNoSuggestion', { name: wanted }));
  },
};
