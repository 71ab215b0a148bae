// The /alerts card (firing groups with counts, and the silences in force) and the /silence list card.
import type { TFunction } from 'i18next';
import { card, type Card } from '../src/core/card.ts';
import type { FindingKind } from '../src/detect/types.ts';
import { alertGroupTitle } from './alert.ts';
import { cardLocale, code, formatCount, formatTime } from './format.ts';

/** One firing group on the list. */
export interface AlertListGroup {
  kind: FindingKind;
  source?: string | undefined;
  shop?: string | undefined;
  active: number;
  silenced: number;
  inhibited: number;
  startsAt: number;
}

/** One silence in force. */
export interface SilenceListItem {
  id: string;
  /** `kind=stale source=wms` */
  matchers: string;
  until: number;
  by: string;
  comment: string;
}

/** What the /alerts card shows. */
export interface AlertListView {
  groups: readonly AlertListGroup[];
  silences: readonly SilenceListItem[];
  now: number;
  timeZone?: string | undefined;
}

function silenceLines(t: TFunction, items: readonly SilenceListItem[], time: (ms: number) => string): string[] {
  return items.map((s) => t('alerts:list.silenceItem', { id: code(s.id), matchers: code(s.matchers), until: time(s.until), by: s.by }));
}

/** Builds the /alerts card. */
export function buildAlertListCard(view: AlertListView, t: TFunction): Card {
  const locale = cardLocale(t);
  const time = (ms: number): string => formatTime(ms, locale, view.timeZone);
  const title = view.groups.length === 0 ? t('alerts:list.titleNone') : t('alerts:list.title', { count: view.groups.length });
  const b = card().header(title, view.groups.some((g) => g.active > 0) ? 'warning' : 'success');
  if (view.groups.length > 0) {
    b.table(
      [t('alerts:list.col.group'), t('alerts:list.col.open'), t('alerts:list.col.silenced'), t('alerts:list.col.inhibited'), t('alerts:list.col.since')],
      view.groups.map((g) => [
        alertGroupTitle(t, g.kind, g.active + g.silenced + g.inhibited, g.source),
        formatCount(g.active, locale),
        formatCount(g.silenced, locale),
        formatCount(g.inhibited, locale),
        time(g.startsAt),
      ]),
    );
  } else b.text(t('alerts:list.empty'));
  b.divider().text(`**${t('alerts:list.silences')}**`);
  if (view.silences.length === 0) b.context(t('alerts:list.noSilences'));
  else b.list(silenceLines(t, view.silences, time));
  b.context(t('alerts:list.hint'));
  b.context(t('alerts:card.updated', { time: time(view.now), zone: view.timeZone ?? 'UTC' }));
  return b.fallback(title).build();
}

/** Builds the /silence list card. */
export function buildSilenceListCard(view: Pick<AlertListView, 'silences' | 'now' | 'timeZone'>, t: TFunction): Card {
  const locale = cardLocale(t);
  const time = (ms: number): string => formatTime(ms, locale, view.timeZone);
  const title = view.silences.length === 0 ? t('alerts:silences.titleNone') : t('alerts:silences.title', { count: view.silences.length });
  const b = card().header(title, 'info');
  if (view.silences.length > 0) b.list(silenceLines(t, view.silences, time));
  b.context(t('alerts:list.hint'));
  return b.fallback(title).build();
}
