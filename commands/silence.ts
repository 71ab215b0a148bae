// /silence [<matchers> <duration> | expire <id>] and the alert card's "Silence 24 h" button.
import { ALERT_SILENCE } from '../cards/alert.ts';
import { buildSilenceListCard } from '../cards/alert-list.ts';
import { cardLocale, code, formatTime } from '../cards/format.ts';
import { formatMatchers } from '../src/alerts/labels.ts';
import type { AlertBotServices } from '../src/alerts/service.ts';
import { parseSilenceSpec, type Silence } from '../src/alerts/silences.ts';
import type { TFunction } from 'i18next';
import type { ActionDefinition, CommandDefinition } from '../src/core/command.ts';
import { toSilenceItem } from './alerts.ts';

function describeSilence(t: TFunction, s: Silence, timeZone: string | undefined): { matchers: string; until: string; id: string } {
  return { matchers: code(formatMatchers(s.matchers)), until: formatTime(Date.parse(s.until), cardLocale(t), timeZone), id: code(s.id) };
}

/** `/silence` lists, `/silence kind=stale source=wms 24h` silences, `/silence expire <id>` ends one (agent). */
export const silenceCommand: CommandDefinition<AlertBotServices> = {
  name: 'silence',
  helpKey: 'alerts:cmd.silence',
  args: [{ name: 'spec', required: false, rest: true }],
  role: 'agent',
  async handler(ctx) {
    const alerts = ctx.services.alerts;
    const words = (ctx.args.spec ?? '').split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) {
      await ctx.reply(buildSilenceListCard({ silences: alerts.silences().map((s) => toSilenceItem(s, alerts.nameOf)), now: alerts.now(), timeZone: alerts.timeZone }, ctx.t));
      return;
    }
    if (words[0]?.toLowerCase() === 'expire') {
      const id = words[1];
      if (!id || words.length > 2) return ctx.ephemeral(ctx.t('alerts:silence.usage'));
      const done = await alerts.expireSilence(id);
      await (done ? ctx.reply(ctx.t('alerts:silence.expired', { id: code(id) })) : ctx.ephemeral(ctx.t('alerts:silence.notFound', { id: code(id) })));
      return;
    }
    const spec = parseSilenceSpec(words);
    if (!spec.ok) {
      const e = spec.error;
      const reason = ctx.t(`alerts:silence.error.${e.code}`, { word: e.code === 'bad_word' ? code(e.word) : '', value: e.code === 'bad_kind' ? code(e.value) : '' });
      await ctx.ephemeral(`${reason} ${ctx.t('alerts:silence.usage')}`);
      return;
    }
    const silence = await alerts.createSilence(spec.matchers, spec.durationMs, ctx.actor);
    await ctx.reply(ctx.t('alerts:silence.created', describeSilence(ctx.t, silence, alerts.timeZone)));
  },
};

/** "Silence 24 h" on an alert card (agent): silences the group's labels; the card shows it at once. */
export const silenceAlertAction: ActionDefinition<AlertBotServices> = {
  actionId: ALERT_SILENCE,
  role: 'agent',
  async handler(ctx) {
    const alerts = ctx.services.alerts;
    const silence = await alerts.silenceGroup(ctx.value, ctx.actor);
    if (!silence) return ctx.ephemeral(ctx.t('alerts:silence.badCard'));
    await ctx.ephemeral(ctx.t('alerts:silence.createdFromCard', describeSilence(ctx.t, silence, alerts.timeZone)));
  },
};
