// The alert group card: one card per group (kind, source, shop) with counts and the worst ten; it changes
// in place as the group changes, and shows "silenced" or "resolved" when that happens.
import type { TFunction } from 'i18next';
import { card, type Card, type Severity } from '../src/core/card.ts';
import { DEFAULT_SHOP } from '../src/alerts/labels.ts';
import type { KindDetails } from '../src/detect/details.ts';
import type { FindingKind } from '../src/detect/types.ts';
import { describeAlertItem } from './alert-items.ts';
import { cardLocale, formatCount, formatTime } from './format.ts';

/** Silences the group's labels for 24 hours (role agent; value = group key). */
export const ALERT_SILENCE = 'alert.silence';
/** How long the card's silence button silences, in hours. */
export const CARD_SILENCE_HOURS = 24;
/** Alerts listed by name on a card; the rest are counted. */
export const WORST_SHOWN = 10;

/** One alert line on the card. */
export interface AlertItemView {
  kind: FindingKind;
  orderId?: string | undefined;
  source: string;
  startsAt: number;
  /** Parsed details; undefined when they did not fit the kind (a generic line is shown). */
  parsed: KindDetails | undefined;
}

/** What the group card shows. */
export interface AlertCardView {
  groupKey: string;
  kind: FindingKind;
  /** The group's labels (those of group_by), e.g. source and shop. */
  source?: string | undefined;
  shop?: string | undefined;
  state: 'firing' | 'muted' | 'resolved';
  /** Firing alerts shown (neither silenced nor inhibited). */
  active: number;
  silenced: number;
  inhibited: number;
  /** When the oldest firing alert started. */
  startsAt: number;
  /** The worst alerts, worst first (at most WORST_SHOWN). */
  worst: readonly AlertItemView[];
  silence?: { id: string; until: number; by: string } | undefined;
  /** Sources whose down alerts inhibit this group. */
  inhibitedBy?: readonly string[] | undefined;
  /** How many alerts the card showed when the last of them resolved. */
  resolvedCount?: number | undefined;
  now: number;
  timeZone?: string | undefined;
}

const SEVERITY: Readonly<Record<FindingKind, Severity>> = {
  stale: 'warning',
  regression: 'danger',
  mismatch: 'danger',
  price: 'warning',
  stock: 'warning',
  source_down: 'danger',
  unknown_status: 'warning',
  bad_record: 'warning',
  undeliverable: 'warning',
  address: 'warning',
};

/** The stable card key of a group episode (a group that resolves and fires again gets a new card). */
export function alertCardKey(groupKey: string, createdAt: number): string {
  return `alert:${groupKey}@${createdAt}`;
}

/** The group's title, e.g. "800 orders stuck past their limit · wms". */
export function alertGroupTitle(t: TFunction, kind: FindingKind, count: number, source: string | undefined): string {
  const title = t(`alerts:title.${kind}`, { count });
  return source ? t('alerts:card.titleWithSource', { title, source }) : title;
}

/** Builds the group card. */
export function buildAlertCard(view: AlertCardView, t: TFunction): Card {
  const locale = cardLocale(t);
  const time = (ms: number): string => formatTime(ms, locale, view.timeZone);
  const total = view.active + view.silenced + view.inhibited;
  if (view.state === 'resolved') {
    const count = view.resolvedCount ?? total;
    const title = t('alerts:card.resolvedTitle', { title: alertGroupTitle(t, view.kind, count, view.source) });
    return card()
      .header(title, 'success')
      .text(t('alerts:card.resolved', { count, time: time(view.now) }))
      .context(t('alerts:card.updated', { time: time(view.now), zone: view.timeZone ?? 'UTC' }))
      .build();
  }
  const base = alertGroupTitle(t, view.kind, view.state === 'muted' ? total : view.active, view.source);
  const title = view.state === 'muted' ? t('alerts:card.mutedTitle', { title: base }) : base;
  const b = card().header(title, view.state === 'muted' ? 'info' : SEVERITY[view.kind]);
  b.fields([
    ...(view.source ? [{ label: t('alerts:card.field.source'), value: view.source }] : []),
    // Until multi-shop settings exist every alert is in the `default` shop: not worth a line.
    ...(view.shop && view.shop !== DEFAULT_SHOP ? [{ label: t('alerts:card.field.shop'), value: view.shop }] : []),
    { label: t('alerts:card.field.open'), value: formatCount(total, locale) },
    { label: t('alerts:card.field.since'), value: time(view.startsAt) },
    ...(view.silenced + view.inhibited > 0 ? [{ label: t('alerts:card.field.muted'), value: t('alerts:card.mutedValue', { silenced: view.silenced, inhibited: view.inhibited }) }] : []),
  ]);
  if (view.silence) b.text(t('alerts:card.silencedBy', { name: view.silence.by, until: time(view.silence.until), id: view.silence.id }));
  if (view.inhibitedBy && view.inhibitedBy.length > 0) b.text(t('alerts:card.inhibitedBy', { sources: view.inhibitedBy.join(', ') }));
  if (view.worst.length > 0) {
    b.text(`**${t('alerts:card.worst', { count: view.worst.length })}**`);
    b.list(view.worst.map((item) => describeAlertItem(t, item, view.now, view.timeZone)));
    const hidden = (view.state === 'muted' ? total : view.active) - view.worst.length;
    if (hidden > 0) b.context(t('alerts:card.more', { count: hidden }));
  }
  if (view.state === 'firing') {
    b.actions([{ actionId: ALERT_SILENCE, label: t('alerts:card.silence', { hours: CARD_SILENCE_HOURS }), value: view.groupKey }]);
  }
  b.context(t('alerts:card.updated', { time: time(view.now), zone: view.timeZone ?? 'UTC' }));
  return b.fallback(title).build();
}
