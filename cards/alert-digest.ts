// The digest card: once a channel has had its hourly budget of alert cards, new alerts are counted here instead.
import type { TFunction } from 'i18next';
import { card, type Card } from '../src/core/card.ts';
import type { FindingKind } from '../src/detect/types.ts';
import { alertGroupTitle } from './alert.ts';
import { cardLocale, formatCount, formatTime } from './format.ts';

/** One group counted in the digest. */
export interface DigestGroupView {
  kind: FindingKind;
  source?: string | undefined;
  shop?: string | undefined;
  active: number;
}

/** What the digest card shows. */
export interface AlertDigestView {
  /** When the budget resets (the end of the clock hour). */
  until: number;
  budget: number;
  groups: readonly DigestGroupView[];
  now: number;
  timeZone?: string | undefined;
}

/** Builds the digest card. */
export function buildAlertDigestCard(view: AlertDigestView, t: TFunction): Card {
  const locale = cardLocale(t);
  const time = (ms: number): string => formatTime(ms, locale, view.timeZone);
  const total = view.groups.reduce((n, g) => n + g.active, 0);
  const title = t('alerts:digest.title', { count: view.groups.length });
  const b = card().header(title, 'warning');
  b.text(t('alerts:digest.why', { budget: view.budget, until: time(view.until) }));
  b.table(
    [t('alerts:digest.col.group'), t('alerts:digest.col.open')],
    view.groups.map((g) => [alertGroupTitle(t, g.kind, g.active, g.source), formatCount(g.active, locale)]),
  );
  b.context(t('alerts:digest.total', { count: total }));
  b.context(t('alerts:card.updated', { time: time(view.now), zone: view.timeZone ?? 'UTC' }));
  return b.fallback(title).build();
}
