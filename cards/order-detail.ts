// The /order card: canonical status, every system's view, recent history, open problems; Refresh and Sync now.
import type { TFunction } from 'i18next';
import { card, type Card, type Severity } from '../src/core/card.ts';
import type { OrderDetail } from '../src/store/queries.ts';
import type { Task } from '../src/tasks/types.ts';
import { assumedPath, isCanonicalStatus } from '../src/core/status.ts';
import { describeFinding, type FindingView } from './findings.ts';
import { TASK_OPEN } from './task.ts';
import { taskRef, taskTitle } from './task-parts.ts';
import { cardLocale, code, formatAge, formatMoney, formatTime, maskAddress, maskPhone, redactText, statusLabel } from './format.ts';

/** Re-reads the order and updates the card in place (role viewer; value = order id). */
export const REFRESH_ORDER = 'order.refresh';
/** Runs a sync of every source, then updates the card (role agent; value = order id). */
export const SYNC_ORDER = 'order.sync';

/** Events shown on the card before older ones are summarised. */
export const DEFAULT_MAX_EVENTS = 10;
const MAX_FINDINGS = 5;

/** What the order card shows. */
export interface OrderCardView {
  order: OrderDetail;
  /** Open findings about this order. */
  findings: readonly FindingView[];
  /** When the card was built (for the status age and the "updated" line). */
  now: number;
  timeZone?: string | undefined;
  /** Customer contact, when a source supplied it; always masked on the card. */
  contact?: { phone?: string | undefined; address?: string | undefined } | undefined;
  maxEvents?: number | undefined;
  /** Customer notifications of this order: channel, state, when, last error. */
  notifications?: readonly { template: string; state: string; channel: string | null; createdAt: number; sentAt: number | null; deliveredAt: number | null; lastError: string | null }[] | undefined;
  /** Human-intervention tasks about this order, newest first. */
  tasks?: readonly Task[] | undefined;
  /** Who last acted on this card through a button, shown so everyone sees who did what. */
  actedBy?: { name: string; action: 'refresh' | 'sync'; at: number } | undefined;
}

/** True when the systems that report the order do not agree on its status. */
export function systemsDisagree(o: OrderDetail): boolean {
  return new Set(o.snapshots.map((s) => s.status)).size > 1;
}

function amountsDiffer(o: OrderDetail): boolean {
  return new Set(o.snapshots.filter((s) => s.amount !== null).map((s) => `${s.amount ?? ''} ${s.currency ?? ''}`)).size > 1;
}

/** Header colour: danger for open problems, warning when systems disagree, success once delivered. */
export function orderSeverity(o: OrderDetail, findings: readonly FindingView[]): Severity {
  if (findings.length > 0 || o.quarantined.length > 0) return 'danger';
  if (systemsDisagree(o) || amountsDiffer(o) || o.status === 'exception') return 'warning';
  return o.status === 'delivered' || o.status === 'completed' ? 'success' : 'info';
}

function isMapped(o: OrderDetail): boolean {
  return o.statusSystem !== '' || o.snapshots.length > 0;
}

/** Builds the order card. */
export function buildOrderCard(view: OrderCardView, t: TFunction): Card {
  const { order: o, findings, now, timeZone } = view;
  const locale = cardLocale(t);
  const time = (ms: number): string => formatTime(ms, locale, timeZone);
  const none = t('cards:common.none');
  const status = isMapped(o) ? statusLabel(t, o.status) : t('cards:order.noStatus');
  const title = t('cards:order.title', { id: o.orderId, status });
  const b = card().header(title, orderSeverity(o, findings));

  const customer = o.customerId ? redactText(o.customerId) : none;
  const phone = view.contact?.phone ? maskPhone(view.contact.phone) : undefined;
  b.fields([
    {
      label: t('cards:order.field.status'),
      value: isMapped(o) ? t('cards:order.statusValue', { status, system: o.statusSystem, since: time(o.statusSince), age: formatAge(now - o.statusSince, locale) }) : t('cards:order.statusUnknown'),
    },
    { label: t('cards:order.field.amount'), value: formatMoney(o.amount, o.currency, locale) },
    { label: t('cards:order.field.customer'), value: phone ? t('cards:order.customerPhone', { id: customer, phone }) : customer },
    ...(view.contact?.address ? [{ label: t('cards:order.field.address'), value: maskAddress(view.contact.address) }] : []),
    { label: t('cards:order.field.firstSeen'), value: o.firstSeen > 0 ? time(o.firstSeen) : none },
  ]);
  if (systemsDisagree(o)) b.text(t('cards:order.disagree', { list: o.snapshots.map((s) => `${s.system}: ${statusLabel(t, s.status)}`).join(' · ') }));
  if (amountsDiffer(o)) b.text(t('cards:order.amountsDiffer', { list: o.snapshots.map((s) => `${s.system}: ${formatMoney(s.amount, s.currency, locale)}`).join(' · ') }));

  b.divider().text(`**${t('cards:order.systems')}**`);
  if (o.snapshots.length === 0) b.context(t('cards:order.noSystems'));
  else {
    b.table(
      [t('cards:order.col.system'), t('cards:order.col.status'), t('cards:order.col.raw'), t('cards:order.col.updated')],
      o.snapshots.map((s) => [s.system === o.statusSystem ? `${s.system} ★` : s.system, statusLabel(t, s.status), s.rawStatus, time(s.updatedAt)]),
    );
    b.context(t('cards:order.authority'));
  }

  b.text(`**${t('cards:order.history')}**`);
  const max = Math.max(1, view.maxEvents ?? DEFAULT_MAX_EVENTS);
  const shown = o.events.slice(-max);
  const hidden = o.events.length - shown.length;
  if (hidden > 0) b.context(t('cards:order.earlier', { count: hidden }));
  if (shown.length === 0) b.context(t('cards:order.noEvents'));
  b.list(
    shown.map((e) => {
      if (e.from === null) return t('cards:order.eventFirst', { time: time(e.at), system: e.system, to: statusLabel(t, e.to), raw: code(e.raw) });
      const line = { time: time(e.at), system: e.system, from: statusLabel(t, e.from), to: statusLabel(t, e.to), raw: code(e.raw) };
      // A move that skipped steps a poll never saw says which path was assumed (delivered → refunded: via refund requested).
      const via = isCanonicalStatus(e.from) && isCanonicalStatus(e.to) ? assumedPath(e.from, e.to) : undefined;
      return via && via.length > 0 ? t('cards:order.eventVia', { ...line, via: via.map((s) => statusLabel(t, s)).join(' → ') }) : t('cards:order.event', line);
    }),
  );

  if (findings.length > 0) {
    b.divider().text(`**${t('cards:order.findings', { count: findings.length })}**`);
    b.list(findings.slice(0, MAX_FINDINGS).map((f) => describeFinding(t, f, locale, timeZone)));
    if (findings.length > MAX_FINDINGS) b.context(t('cards:common.more', { count: findings.length - MAX_FINDINGS }));
  }
  const notes = view.notifications ?? [];
  if (notes.length > 0) {
    b.divider().text(`**${t('cards:order.notifications', { count: notes.length })}**`);
    b.list(
      notes.slice(-8).map((n) =>
        t('cards:order.notification', {
          time: time(n.deliveredAt ?? n.sentAt ?? n.createdAt),
          status: isCanonicalStatus(n.template) ? statusLabel(t, n.template) : n.template,
          channel: n.channel ?? '—',
          state: n.state,
          error: n.lastError ? ` · ${redactText(n.lastError)}` : '',
        }),
      ),
    );
  }
  const tasks = view.tasks ?? [];
  if (tasks.length > 0) {
    b.divider().text(`**${t('cards:order.tasks', { count: tasks.length })}**`);
    b.list(tasks.map((x) => t('tasks:list.item', { title: taskTitle(t, x), state: t(`tasks:state.${x.state}`), age: formatAge(now - x.createdAt, locale) })));
  }
  if (o.quarantined.length > 0) {
    b.divider().text(`**${t('cards:order.quarantined')}**`);
    b.list(o.quarantined.map((q) => t('cards:order.quarantinedItem', { system: q.system, raw: code(q.rawStatus), time: time(q.lastSeen), count: q.count })));
    b.context(t('cards:order.quarantinedHint'));
  }

  b.actions([
    { actionId: REFRESH_ORDER, label: t('cards:order.refresh'), value: o.orderId },
    { actionId: SYNC_ORDER, label: t('cards:order.sync'), value: o.orderId, style: 'primary' },
    ...tasks.slice(0, 3).map((x) => ({ actionId: TASK_OPEN, label: t('tasks:list.open', { ref: taskRef(x.id) }), value: String(x.id) })),
  ]);
  if (view.actedBy) {
    const key = view.actedBy.action === 'sync' ? 'cards:order.actedSync' : 'cards:order.actedRefresh';
    b.context(t(key, { name: view.actedBy.name, time: time(view.actedBy.at) }));
  }
  b.context(t('cards:common.updated', { time: time(now), zone: timeZone ?? 'UTC' }));
  return b.fallback(`${title} · ${formatMoney(o.amount, o.currency, locale)}`).build();
}
