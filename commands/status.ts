// /status: counts per canonical status and per system, stuck orders, quarantined raw statuses; Refresh.
import { buildStatusCard, REFRESH_STATUS } from '../cards/status-overview.ts';
import type { ActionDefinition, CardFactory, CommandDefinition } from '../src/core/command.ts';
import type { BotServices } from './services.ts';
import { displayTimeZone } from './shared.ts';

/** Reads the counts; returns the overview card, built in whichever language it is shown in. */
export async function readStatusOverview(services: BotServices): Promise<CardFactory> {
  const [counts, stuck, quarantine, switches] = await Promise.all([services.orders.statusCounts(), services.orders.stuckCounts(), services.orders.quarantine(), services.sync.switches()]);
  const view = { counts, stuck, quarantine, switches, now: services.clock.now(), timeZone: displayTimeZone() };
  return (t) => buildStatusCard(view, t);
}

/** `/status` (viewer). */
export const statusCommand: CommandDefinition<BotServices> = {
  name: 'status',
  helpKey: 'cmd.status',
  args: [],
  role: 'viewer',
  async handler(ctx) {
    const card = await readStatusOverview(ctx.services);
    await ctx.reply(card(ctx.t));
  },
};

/** Refresh button (viewer): re-reads the counts and updates the card everywhere. */
export const refreshStatusAction: ActionDefinition<BotServices> = {
  actionId: REFRESH_STATUS,
  role: 'viewer',
  async handler(ctx) {
    await ctx.updateCard(await readStatusOverview(ctx.services));
  },
};
