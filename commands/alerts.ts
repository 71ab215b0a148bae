// /alerts: the firing alert groups with their counts, and the silences in force.
import { buildAlertListCard, type AlertListView, type SilenceListItem } from '../cards/alert-list.ts';
import type { AlertService, AlertBotServices } from '../src/alerts/service.ts';
import type { Silence } from '../src/alerts/silences.ts';
import { formatMatchers } from '../src/alerts/labels.ts';
import type { CommandDefinition } from '../src/core/command.ts';

/** A silence as the list cards show it. */
export function toSilenceItem(s: Silence, nameOf: (createdBy: string) => string = (x) => x): SilenceListItem {
  return { id: s.id, matchers: formatMatchers(s.matchers), until: Date.parse(s.until), by: nameOf(s.createdBy), comment: s.comment };
}

/** Reads the groups and silences for the /alerts card. */
export async function readAlertList(alerts: AlertService): Promise<AlertListView> {
  const groups = await alerts.groups();
  return { groups, silences: alerts.silences().map((s) => toSilenceItem(s, alerts.nameOf)), now: alerts.now(), timeZone: alerts.timeZone };
}

/** `/alerts` (viewer). */
export const alertsCommand: CommandDefinition<AlertBotServices> = {
  name: 'alerts',
  helpKey: 'alerts:cmd.alerts',
  args: [],
  role: 'viewer',
  async handler(ctx) {
    const view = await readAlertList(ctx.services.alerts);
    await ctx.reply(buildAlertListCard(view, ctx.t));
  },
};
