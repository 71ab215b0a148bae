// The /status card: one table (rows = statuses, columns = canonical view and each system), stuck orders, quarantine.
import type { TFunction } from 'i18next';
import { card, type Card, type Severity } from '../src/core/card.ts';
import { CANONICAL_STATUSES, type CanonicalStatus } from '../src/core/status.ts';
import type { QuarantineGroup, StatusCount } from '../src/store/queries.ts';
import { cardLocale, code, formatCount, formatTime, statusLabel } from './format.ts';

/** Re-reads the counts and updates the card in place (role viewer; value unused). */
export const REFRESH_STATUS = 'status.refresh';

/** What the status overview shows. */
export interface StatusOverviewView {
  /** Counts per system and status; system `*` is the canonical view. */
  counts: readonly StatusCount[];
  stuck: readonly { status: CanonicalStatus; count: number; limitHours: number }[];
  quarantine: readonly QuarantineGroup[];
  /** Sources switched to their fallback (pulled in their place until someone restores them). */
  switches?: readonly { source: string; fallback: string; since: number }[] | undefined;
  now: number;
  timeZone?: string | undefined;
}

/** Header colour: danger when statuses are quarantined, warning when orders are stuck or a source runs on its fallback, else success. */
export function statusSeverity(view: StatusOverviewView): Severity {
  const switched = (view.switches ?? []).length > 0;
  if (view.counts.length === 0 && view.quarantine.length === 0 && !switched) return 'info';
  if (view.quarantine.length > 0) return 'danger';
  return switched || view.stuck.some((s) => s.count > 0) ? 'warning' : 'success';
}

function hours(n: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'hour', unitDisplay: 'narrow', maximumFractionDigits: 1 }).format(n);
}

/** Builds the status overview card. */
export function buildStatusCard(view: StatusOverviewView, t: TFunction): Card {
  const locale = cardLocale(t);
  const n = (v: number): string => formatCount(v, locale);
  const canonical = view.counts.filter((c) => c.system === '*');
  const total = canonical.reduce((a, c) => a + c.count, 0);
  const severity = statusSeverity(view);
  const b = card().header(view.counts.length === 0 ? t('cards:overview.emptyTitle') : t('cards:overview.title', { count: total, total: n(total) }), severity);
  const refresh = { actionId: REFRESH_STATUS, label: t('cards:overview.refresh'), value: '' };
  const updated = t('cards:common.updated', { time: formatTime(view.now, locale, view.timeZone), zone: view.timeZone ?? 'UTC' });

  if (severity === 'info') return b.text(t('cards:overview.empty')).actions([refresh]).context(updated).build();

  const switches = view.switches ?? [];
  if (switches.length > 0) {
    // First on the card: while switched, a source's own system is not read at all.
    b.text(`**${t('cards:overview.switched')}**`);
    b.list(switches.map((s) => t('cards:overview.switchedItem', { source: s.source, fallback: s.fallback, time: formatTime(s.since, locale, view.timeZone) })));
    b.context(t('cards:overview.switchedHint', { commands: switches.map((s) => code(`/sync ${s.source} restore`)).join(', ') }));
    b.divider();
  }

  if (view.counts.length > 0) {
    const systems = [...new Set(view.counts.filter((c) => c.system !== '*').map((c) => c.system))].sort();
    const count = (system: string, status: CanonicalStatus): number => view.counts.find((c) => c.system === system && c.status === status)?.count ?? 0;
    const statuses = CANONICAL_STATUSES.filter((s) => view.counts.some((c) => c.status === s && c.count > 0));
    const rows = statuses.map((s) => [statusLabel(t, s), n(count('*', s)), ...systems.map((sys) => n(count(sys, s)))]);
    const totals = [t('cards:overview.total'), n(total), ...systems.map((sys) => n(view.counts.filter((c) => c.system === sys).reduce((a, c) => a + c.count, 0)))];
    b.table([t('cards:overview.col.status'), t('cards:overview.col.orders'), ...systems], [...rows, totals]);
    b.context(t('cards:overview.canonicalNote'));
  }

  b.divider().text(`**${t('cards:overview.stuck')}**`);
  const stuck = view.stuck.filter((s) => s.count > 0);
  if (stuck.length === 0) b.context(t('cards:overview.noStuck'));
  b.list(stuck.map((s) => t('cards:overview.stuckItem', { status: statusLabel(t, s.status), count: s.count, n: n(s.count), limit: hours(s.limitHours, locale) })));

  b.divider().text(`**${t('cards:overview.quarantine')}**`);
  if (view.quarantine.length === 0) b.context(t('cards:overview.noQuarantine'));
  else {
    b.table(
      ['system', 'raw', 'orders', 'example'].map((c) => t(`cards:overview.qcol.${c}`)),
      view.quarantine.map((q) => [q.system, q.rawStatus, n(q.orders), q.sampleOrderId]),
    );
    b.context(t('cards:overview.quarantineHint'));
  }
  return b.actions([refresh]).context(updated).build();
}
