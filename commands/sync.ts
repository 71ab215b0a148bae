// /sync [source]: runs a sync, then posts the summary card; Run again re-runs and updates that card in place.
// /sync <source> restore: ends a switch to the source's fallback and pulls the source itself again.
import type { TFunction } from 'i18next';
import { ALL_SOURCES, buildSyncSummaryCard, RERUN_SYNC } from '../cards/sync-summary.ts';
import type { ActionDefinition, CardFactory, CommandContext, CommandDefinition } from '../src/core/command.ts';
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

/** The word that turns `/sync` into a restore (`/sync erp restore`; `/sync restore erp` is read the same). */
export const RESTORE_WORD = 'restore';

/** `/sync <source> restore`: ends the source's switch to its fallback and pulls it once; the summary card follows. */
async function restoreSource(ctx: CommandContext<BotServices>, typed: string | undefined): Promise<void> {
  const picked = pickSource(ctx.services, ctx.t, typed);
  if (!picked.ok) return ctx.ephemeral(picked.message);
  const source = picked.source;
  if (source === undefined) {
    const switched = await ctx.services.sync.switches();
    return ctx.ephemeral(ctx.t('bot:sync.restoreWhich', { example: switched[0]?.source ?? ctx.services.sync.sourceNames()[0] ?? 'erp' }));
  }
  const restored = await ctx.services.sync.restore(source, 'chat');
  if (!restored) return ctx.ephemeral(ctx.t('bot:sync.notSwitched', { source }));
  await ctx.ephemeral(ctx.t('bot:sync.restored', { source, fallback: restored.ended.fallback }));
  const view = { summaries: [restored.summary], source, finishedAt: ctx.services.clock.now(), timeZone: displayTimeZone() };
  await ctx.postTracked(`sync:${restored.summary.runId}`, (t) => buildSyncSummaryCard(view, t));
}

/** `/sync [source] [restore]` (agent). */
export const syncCommand: CommandDefinition<BotServices> = {
  name: 'sync',
  helpKey: 'cmd.sync',
  args: [
    { name: 'source', required: false },
    { name: RESTORE_WORD, required: false },
  ],
  role: 'agent',
  async handler(ctx) {
    const { source: first, [RESTORE_WORD]: second } = ctx.args;
    if (second !== undefined) {
      if (second === RESTORE_WORD) return restoreSource(ctx, first);
      if (first === RESTORE_WORD) return restoreSource(ctx, second);
      return ctx.ephemeral(ctx.t('bot:sync.restoreWhich', { example: first ?? 'erp' }));
    }
    if (first === RESTORE_WORD && !ctx.services.sync.sourceNames().includes(RESTORE_WORD)) return restoreSource(ctx, undefined);
    const picked = pickSource(ctx.services, ctx.t, first);
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
