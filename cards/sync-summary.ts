// The /sync result card: overall result, one row per source (fallbacks indented), notes, Run again.
import type { TFunction } from 'i18next';
import { card, type Card, type Severity } from '../src/core/card.ts';
import type { RunSummary } from '../src/sync/engine.ts';
import { cardLocale, code, formatCount, formatDuration, formatTime, redactText } from './format.ts';

/** Runs the same sync again and updates the card in place (role agent; value = source name or `*`). */
export const RERUN_SYNC = 'sync.rerun';
/** Button value meaning "every source". */
export const ALL_SOURCES = '*';

/** What the sync summary card shows. */
export interface SyncSummaryView {
  summaries: readonly RunSummary[];
  /** The source asked for, or undefined for all. */
  source?: string | undefined;
  finishedAt: number;
  timeZone?: string | undefined;
}

type Outcome = 'ok' | 'fallback' | 'failed' | 'empty';

/** Overall result: ok, fallback (a failed source was covered by its fallback), failed, or empty. */
export function syncOutcome(summaries: readonly RunSummary[]): Outcome {
  if (summaries.length === 0) return 'empty';
  if (summaries.some((s) => s.status === 'failed' && s.fallback?.status !== 'ok')) return 'failed';
  return summaries.some((s) => s.status === 'failed') ? 'fallback' : 'ok';
}

const SEVERITY: Record<Outcome, Severity> = { ok: 'success', fallback: 'warning', failed: 'danger', empty: 'info' };

function row(t: TFunction, s: RunSummary, locale: string, name: string): string[] {
  const result = t(`cards:sync.result.${s.status}`);
  const n = (v: number): string => formatCount(v, locale);
  return [name, s.joined ? t('cards:sync.joined', { result }) : result, n(s.fetched), n(s.changed), n(s.unchanged), n(s.quarantined), n(s.errors), formatDuration(s.durationMs, locale)];
}

/** Builds the sync summary card. */
export function buildSyncSummaryCard(view: SyncSummaryView, t: TFunction): Card {
  const locale = cardLocale(t);
  const { summaries } = view;
  const outcome = syncOutcome(summaries);
  const failed = summaries.filter((s) => s.status === 'failed').length;
  const only = summaries.length === 1 ? summaries[0]?.source : undefined;
  const title =
    outcome === 'ok' || outcome === 'empty'
      ? t(`cards:sync.title.${outcome}`, { count: summaries.length })
      : only
        ? t(`cards:sync.title.${outcome}One`, { source: only })
        : t(`cards:sync.title.${outcome}`, { failed, total: summaries.length });
  const b = card().header(title, SEVERITY[outcome]);
  const all = [...summaries, ...summaries.flatMap((s) => (s.fallback ? [s.fallback] : []))];
  const sum = (k: 'fetched' | 'changed' | 'quarantined' | 'errors'): number => all.reduce((a, s) => a + s[k], 0);
  if (outcome === 'empty') return b.text(t('cards:sync.empty')).build();
  b.fields([
    { label: t('cards:sync.field.scope'), value: view.source ? view.source : t('cards:sync.allSources') },
    { label: t('cards:sync.field.finished'), value: formatTime(view.finishedAt, locale, view.timeZone) },
    { label: t('cards:sync.field.totals'), value: t('cards:sync.totals', { fetched: formatCount(sum('fetched'), locale), changed: formatCount(sum('changed'), locale) }) },
  ]);
  const cols = ['source', 'result', 'fetched', 'changed', 'unchanged', 'quarantined', 'errors', 'duration'].map((c) => t(`cards:sync.col.${c}`));
  const name = (s: RunSummary): string => (s.switchedFrom ? t('cards:sync.switchedRow', { source: s.switchedFrom, fallback: s.source }) : s.source);
  const rows = summaries.flatMap((s) => [row(t, s, locale, name(s)), ...(s.fallback ? [row(t, s.fallback, locale, t('cards:sync.fallbackRow', { source: s.fallback.source }))] : [])]);
  b.table(cols, rows);

  const notes: string[] = [];
  for (const s of summaries.filter((x) => x.status === 'failed')) {
    notes.push(t('cards:sync.failedNote', { source: s.source, error: code(redactText(s.error ?? s.errorCode ?? '?')) }));
    notes.push(s.fallback ? t('cards:sync.fallbackNote', { fallback: s.fallback.source, result: t(`cards:sync.result.${s.fallback.status}`) }) : t('cards:sync.noFallback', { source: s.source }));
  }
  for (const s of summaries) if (s.switchedFrom) notes.push(t('cards:sync.switchedNote', { source: s.switchedFrom, fallback: s.source, command: code(`/sync ${s.switchedFrom} restore`) }));
  if (sum('quarantined') > 0) notes.push(t('cards:sync.quarantinedNote', { count: sum('quarantined') }));
  if (sum('errors') > 0) notes.push(t('cards:sync.errorsNote', { count: sum('errors') }));
  if (summaries.some((s) => s.joined)) notes.push(t('cards:sync.joinedNote'));
  b.list(notes);

  b.actions([{ actionId: RERUN_SYNC, label: t('cards:sync.rerun'), value: view.source ?? ALL_SOURCES }]);
  b.context(t('cards:common.timesIn', { zone: view.timeZone ?? 'UTC' }));
  return b.build();
}
