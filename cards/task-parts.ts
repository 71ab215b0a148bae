// Pure pieces of the task card: the title, what is wrong, result lines, history lines, choice labels.
import type { TFunction } from 'i18next';
import { isCanonicalStatus } from '../src/core/status.ts';
import { TASK_DETAILS } from '../src/tasks/details.ts';
import type { ChoiceId, ResultLine, Task, TaskHistoryEntry, TaskNote, TaskNoteLine } from '../src/tasks/types.ts';
import { code, formatMoney, formatTime, redactText, statusLabel } from './format.ts';
import { addressSummary, addressViewLines } from './address.ts';
import { undeliverableReasonLines } from './undeliverable.ts';

/** `T12`: how people refer to a task. */
export function taskRef(id: number): string {
  return `T${id}`;
}

/** The localized label of a choice (`trust:erp` → “Trust erp”). */
export function choiceLabel(t: TFunction, choice: ChoiceId): string {
  return choice.startsWith('trust:') ? t('tasks:choice.trust', { system: choice.slice('trust:'.length) }) : t(`tasks:choice.${choice}`, { defaultValue: choice });
}

/** One line naming the task: reference, kind, order or source. */
export function taskTitle(t: TFunction, task: Task): string {
  return t(`tasks:title.${task.kind}`, { ref: taskRef(task.id), orderId: task.orderId ?? '', source: task.source ?? '' });
}

/** Lines saying what is wrong, from the finding's details. */
export function describeProblem(t: TFunction, task: Task, locale: string, timeZone?: string): string[] {
  const time = (ms: number | undefined): string => (ms === undefined ? '' : formatTime(ms, locale, timeZone));
  switch (task.kind) {
    case 'mismatch': {
      const d = TASK_DETAILS.mismatch.safeParse(task.details);
      if (!d.success) break;
      const list = d.data.views.map((v) => t('tasks:problem.view', { system: v.system, status: statusLabel(t, v.status), raw: code(v.raw ?? v.status) })).join(' · ');
      return [t('tasks:problem.mismatch', { list }), ...(d.data.since ? [t('tasks:problem.since', { time: time(d.data.since) })] : [])];
    }
    case 'price': {
      const d = TASK_DETAILS.price.safeParse(task.details);
      if (!d.success) break;
      const list = d.data.amounts.map((a) => t('tasks:problem.amount', { system: a.system, amount: formatMoney(a.amount, a.currency ?? task.currency, locale) })).join(' · ');
      const lines = [t('tasks:problem.price', { list })];
      if (d.data.expected !== undefined) lines.push(t('tasks:problem.expected', { amount: formatMoney(d.data.expected, d.data.amounts[0]?.currency ?? task.currency, locale), percent: (d.data.deviationPercent ?? 0).toFixed(1) }));
      return lines;
    }
    case 'stock': {
      const d = TASK_DETAILS.stock.safeParse(task.details);
      if (!d.success) break;
      const items = (d.data.items ?? []).map((i) => t('tasks:problem.item', { sku: code(i.sku), qty: i.qty })).join(', ');
      return [t('tasks:problem.stock', { system: d.data.system, raw: code(d.data.raw ?? '') }), ...(items ? [t('tasks:problem.items', { items })] : []), ...(d.data.since ? [t('tasks:problem.since', { time: time(d.data.since) })] : [])];
    }
    case 'source_down': {
      const d = TASK_DETAILS.source_down.safeParse(task.details);
      if (!d.success) break;
      const fb = d.data.fallback ? t(d.data.fallbackOk === false ? 'tasks:problem.fallbackDown' : 'tasks:problem.fallbackOk', { fallback: d.data.fallback }) : t('tasks:problem.noFallback');
      return [t('tasks:problem.source_down', { source: task.source ?? '', count: d.data.failures ?? 1, error: code(redactText(d.data.error ?? d.data.code ?? '')) }), fb];
    }
    case 'regression': {
      const d = TASK_DETAILS.regression.safeParse(task.details);
      if (!d.success) break;
      return [t('tasks:problem.regression', { system: d.data.system, from: statusLabel(t, d.data.from), to: statusLabel(t, d.data.to), raw: code(d.data.raw ?? d.data.to), time: time(d.data.at) })];
    }
    case 'undeliverable': {
      const d = TASK_DETAILS.undeliverable.safeParse(task.details);
      if (!d.success) break;
      // Status messages are named by their status; others (a question, a delay notice) by their template id.
      const template = isCanonicalStatus(d.data.template) ? statusLabel(t, d.data.template) : d.data.template;
      const vars = { template: code(template), customer: code(d.data.customerId ?? '—') };
      if (d.data.reasons.length === 0) return [t('tasks:problem.undeliverableNone', vars)];
      return [t('tasks:problem.undeliverable', { ...vars, count: d.data.reasons.length }), ...undeliverableReasonLines(t, d.data.reasons).map((l) => `• ${l}`)];
    }
    case 'address': {
      const d = TASK_DETAILS.address.safeParse(task.details);
      if (!d.success) break;
      const ask = d.data.confirm ? [t('tasks:problem.addressAsk', { system: d.data.confirm })] : [];
      return [t('tasks:problem.address', { problem: addressSummary(t, d.data) }), ...addressViewLines(t, d.data).map((l) => `• ${l}`), ...ask];
    }
  }
  return [t('tasks:problem.unreadable')];
}

/** One localized executor result line; `status` values become labels, `amount` values money. */
export function resultLine(t: TFunction, line: ResultLine, locale: string): string {
  const vars: Record<string, string | number> = { ...line.vars };
  const status = vars.status;
  if (typeof status === 'string' && isCanonicalStatus(status)) vars.status = statusLabel(t, status);
  if (typeof vars.amount === 'number') vars.amount = formatMoney(vars.amount, typeof vars.currency === 'string' && vars.currency ? vars.currency : null, locale);
  return t(`tasks:result.${line.key}`, vars);
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** One history line: when, who, what. */
export function historyLine(t: TFunction, h: TaskHistoryEntry, locale: string, timeZone?: string): string {
  const choice = str(h.data.choice);
  const vars = {
    choice: choice ? choiceLabel(t, choice) : '',
    reason: redactText(str(h.data.reason)),
    until: typeof h.data.until === 'number' ? formatTime(h.data.until, locale, timeZone) : '',
    have: str(h.data.have),
    needed: str(h.data.needed),
    error: redactText(str(h.data.error)),
    people: str(h.data.people),
    channel: str(h.data.channel),
    attempts: str(h.data.attempts),
  };
  const action = h.action === 'escalated' ? (vars.people && vars.channel ? 'escalatedBoth' : vars.people ? 'escalatedPeople' : vars.channel ? 'escalatedChannel' : 'escalatedNowhere') : h.action;
  const what = t(`tasks:history.${action}`, { ...vars, defaultValue: h.action });
  const who = h.actorName ?? h.actor ?? t('tasks:card.system');
  return t('tasks:card.historyLine', { time: formatTime(h.at, locale, timeZone), who, what });
}

/** One localized note line (key under `tasks:note.`); values named choice, status, channel and time are labelled here. */
export function noteLine(t: TFunction, line: TaskNoteLine, locale: string, timeZone?: string): string {
  const vars: Record<string, string | number> = { ...line.vars };
  const { choice, status, channel, time } = vars;
  if (typeof choice === 'string') vars.choice = t(`tasks:note.choice.${choice}`, { defaultValue: choice });
  if (typeof status === 'string' && isCanonicalStatus(status)) vars.status = statusLabel(t, status);
  if (typeof channel === 'string') vars.channel = t(`tasks:note.channel.${channel}`, { defaultValue: channel });
  if (typeof time === 'number') vars.time = formatTime(time, locale, timeZone);
  if (typeof vars.amount === 'number') vars.amount = formatMoney(vars.amount, typeof vars.currency === 'string' && vars.currency ? vars.currency : null, locale);
  for (const k of ['error', 'text'] as const) if (typeof vars[k] === 'string') vars[k] = redactText(vars[k]);
  return t(`tasks:note.${line.key}`, vars);
}

/** A note as the card shows it: "time · who: what", then its detail lines. */
export function noteView(t: TFunction, note: TaskNote, locale: string, timeZone?: string): { head: string; lines: string[] } {
  const who = note.who === 'staff' ? (note.actorName ?? note.actor ?? t('tasks:note.who.staff')) : t(`tasks:note.who.${note.who}`);
  const head = t('tasks:note.line', { time: formatTime(note.at, locale, timeZone), who, what: noteLine(t, note, locale, timeZone) });
  return { head, lines: note.lines.map((l) => noteLine(t, l, locale, timeZone)) };
}
