// /sync [source]: runs a sync, then posts the summary card; Run again re-runs and updates that card in place.
import type { TFunction } from 'i18next';
import { ALL_SOURCES, buildSyncSummaryCard, RERUN_SYNC } from '../cards/sync-summary.ts';
import type { ActionDefinition, CardFactory, CommandDefinition } from '../src/core/command.ts';
import type { BotServices } from './services.ts';
import { displayTimeZone } from './shared.ts';

/** A resolved source (undefined = every source), or why none could be picked. */
export type SourcePick = { ok: true; source: string | undefined } | { ok: false; message: string };

/** Resolves the typed source name (exact, then ignoring case; empty, `*` or `all` mean every source). */
export function pickSource(services: BotServices, t: TFunction, input: string | undefined): SourcePick {
  const names = services.sync.sourceNames();
  if (names.length === 0) return { ok: false, message: t('bot:sync.noSources') };
  const typed = input?.trim() ?? '';
  const found = names.find((n) => n === typed) ?? names.find((n) => n.toLowerCase() === typed.toLowerCase());
  if (found) return { ok: true, source: found };
  if (typed === '' || typed === ALL_SOURCES || typed.toLowerCase() === 'all') return { ok: true, source: undefined };
  return { ok: false, message: t('bot:sync.unknownSource', { name: typed, known: names.join(', ') }) };
}

/** Runs the sync; returns its summary card (built per reader's language) and the first run id (the card's key). */
export async function runSync(services: BotServices, source: string | undefined): Promise<{ card: CardFactory; runId: number | undefined }> {
  const summaries = await services.sync.run(source, 'chat');
  const view = { summaries, source, finishedAt: services.clock.now(), timeZone: displayTimeZone() };
  return { card: (t) => buildSyncSummaryCard(view, t), runId: summaries[0]?.runId };
}

/** `/sync [source]` (agent). */
export const syncCommand: CommandDefinition<BotServices> = {
  name: 'sync',
  helpKey: 'cmd.sync',
  args: [{ name: 'source', required: false }],
  role: 'agent',
  async handler(ctx) {
    const picked = pickSource(ctx.services, ctx.t, ctx.args.source);
    if (!picked.ok) return ctx.ephemeral(picked.message);
    await ctx.ephemeral(picked.source ? ctx.t('bot:sync.startedOne', { source: picked.source }) : ctx.t('bot:sync.started'));
    const { card, runId } = await runSync(ctx.services, picked.source);
    if (runId === undefined) await ctx.reply(card(ctx.t));
    else await ctx.postTracked(`sync:${runId}`, card);
  },
};

/** Run again button (agent; value = source or `*`): runs the same sync and updates the card everywhere. */
export const rerunSyncAction: ActionDefinition<BotServices> = {
  actionId: RERUN_SYNC,
  role: 'agent',
  async handler(ctx) {
    const picked = pickSource(ctx.services, ctx.t, ctx.value);
    if (!picked.ok) return ctx.ephemeral(picked.message);
    await ctx.ephemeral(ctx.t('bot:sync.rerunStarted'));
    const { card } = await runSync(ctx.services, picked.source);
    await ctx.updateCard(card);
  },
};
