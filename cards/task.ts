// The task card: what is wrong, the choices, who did what and when, the executor's result, Undo while it may.
import type { TFunction } from 'i18next';
import { card, type Card, type CardButton, type Severity } from '../src/core/card.ts';
import type { Role } from '../src/core/command.ts';
import { DESTRUCTIVE_CHOICES } from '../src/tasks/choices.ts';
import type { Task, TaskHistoryEntry, TaskNote } from '../src/tasks/types.ts';
import { cardLocale, formatMoney, formatTime, maskAddress, maskPhone, redactText } from './format.ts';
import { choiceLabel, describeProblem, historyLine, noteView, resultLine, taskRef, taskTitle } from './task-parts.ts';

/** Approves the suggested (or already once-approved) choice (value: task id). Role per task kind, checked by the service. */
export const TASK_APPROVE = 'task.approve';
/** Approves one specific choice (value: `<task id>:<choice>`). */
export const TASK_CHOOSE = 'task.choose';
/** Rejects the task (value: task id). */
export const TASK_REJECT = 'task.reject';
/** Claims the task (value: task id). */
export const TASK_CLAIM = 'task.claim';
/** Snoozes escalation for an hour (value: task id). */
export const TASK_SNOOZE = 'task.snooze';
/** Runs the compensating action (value: task id). */
export const TASK_UNDO = 'task.undo';
/** Runs a failed decision again (value: task id). */
export const TASK_RETRY = 'task.retry';
/** Posts the task's card here (value: task id; from the /tasks list; viewer). */
export const TASK_OPEN = 'task.open';

/** History lines shown on the card. */
export const HISTORY_SHOWN = 6;
/** Notes shown on the card (the newest); each brings at most NOTE_LINES_SHOWN detail lines. */
export const NOTES_SHOWN = 5;
/** Detail lines shown under one note (a note's writer keeps longer material elsewhere, e.g. a transcript card). */
export const NOTE_LINES_SHOWN = 10;

/** The tracked-card key of a task: every posted copy updates together. */
export function taskCardKey(id: number): string {
  return `task:${id}`;
}

/** What the task card shows. */
export interface TaskCardView {
  task: Task;
  history: readonly TaskHistoryEntry[];
  /** Notes on the task, oldest first (the customer's answer, write-back results, a handoff). */
  notes?: readonly TaskNote[] | undefined;
  now: number;
  timeZone?: string | undefined;
  /** 2 when four-eyes applies to this task's order amount. */
  approvalsNeeded: number;
  /** Roles that may decide this kind. */
  roles: readonly Role[];
}

const WAITING = new Set(['open', 'claimed']);

/** Header colour: the problem's weight while it waits, the outcome once decided. */
export function taskSeverity(task: Task): Severity {
  if (task.state === 'done') return 'success';
  if (task.state === 'failed') return 'danger';
  if (task.state === 'rejected' || task.state === 'expired') return 'info';
  return task.kind === 'stock' || task.kind === 'source_down' ? 'danger' : 'warning';
}

function confirmFor(t: TFunction, choice: string): CardButton['confirm'] {
  if (!DESTRUCTIVE_CHOICES.has(choice)) return undefined;
  return { title: t('tasks:confirm.title', { choice: choiceLabel(t, choice) }), text: t(`tasks:confirm.${choice}`), confirm: t('tasks:confirm.yes'), deny: t('tasks:confirm.no') };
}

function decisionButtons(t: TFunction, task: Task): CardButton[] {
  const id = String(task.id);
  const pending = task.approvals[0]?.choice;
  const approveChoice = pending ?? task.suggested;
  const approve: CardButton = { actionId: TASK_APPROVE, label: t('tasks:button.approve', { choice: choiceLabel(t, approveChoice) }), value: id, style: DESTRUCTIVE_CHOICES.has(approveChoice) ? 'danger' : 'primary' };
  const confirm = confirmFor(t, approveChoice);
  if (confirm) approve.confirm = confirm;
  const others: CardButton[] = pending
    ? []
    : task.choices
        .filter((c) => c !== task.suggested)
        .map((c) => {
          const b: CardButton = { actionId: TASK_CHOOSE, label: choiceLabel(t, c), value: `${id}:${c}`, style: DESTRUCTIVE_CHOICES.has(c) ? 'danger' : 'default' };
          const cf = confirmFor(t, c);
          if (cf) b.confirm = cf;
          return b;
        });
  return [approve, ...others];
}

function stateButtons(t: TFunction, task: Task, now: number): CardButton[] {
  const id = String(task.id);
  if (WAITING.has(task.state)) {
    return [
      { actionId: TASK_REJECT, label: t('tasks:button.reject'), value: id, style: 'danger', confirm: { title: t('tasks:confirm.rejectTitle'), text: t('tasks:confirm.reject'), confirm: t('tasks:confirm.yes'), deny: t('tasks:confirm.no') } },
      ...(task.state === 'open' ? [{ actionId: TASK_CLAIM, label: t('tasks:button.claim'), value: id }] : []),
      { actionId: TASK_SNOOZE, label: t('tasks:button.snooze'), value: id },
    ];
  }
  if (task.state === 'done' && canUndo(task, now)) {
    return [{ actionId: TASK_UNDO, label: t('tasks:button.undo'), value: id, confirm: { title: t('tasks:confirm.undoTitle'), text: t('tasks:confirm.undo'), confirm: t('tasks:confirm.yes'), deny: t('tasks:confirm.no') } }];
  }
  if (task.state === 'failed') return [{ actionId: TASK_RETRY, label: t('tasks:button.retry'), value: id, style: 'primary' }];
  return [];
}

/** True while a done task's undo window is open and a compensating action exists. */
export function canUndo(task: Task, now: number): boolean {
  return task.state === 'done' && task.undoUntil !== null && now <= task.undoUntil && task.result?.compensation.type !== 'none';
}

function outcomeLines(t: TFunction, v: TaskCardView, locale: string): { text: string[]; list: string[]; notes: string[] } {
  const { task, now } = v;
  const time = (ms: number): string => formatTime(ms, locale, v.timeZone);
  const choice = choiceLabel(t, task.choice ?? task.suggested);
  const last = (action: string): TaskHistoryEntry | undefined => [...v.history].reverse().find((h) => h.action === action);
  switch (task.state) {
    case 'executing':
      return { text: [t('tasks:outcome.executing', { choice, attempt: task.attempts + 1 })], list: [], notes: task.error ? [t('tasks:outcome.lastError', { error: redactText(task.error) })] : [] };
    case 'undoing':
      return { text: [t('tasks:outcome.undoing')], list: [], notes: [] };
    case 'done': {
      const notes: string[] = [];
      const comp = task.result?.compensation;
      if (comp?.type === 'none') notes.push(t(`tasks:outcome.noUndo.${comp.reason}`));
      else if (canUndo(task, now) && task.undoUntil !== null) notes.push(t('tasks:outcome.undoUntil', { time: time(task.undoUntil) }));
      if (task.error) notes.push(t('tasks:outcome.undoError', { error: redactText(task.error) }));
      if (!task.findingOpen) notes.push(t('tasks:outcome.cleared'));
      return { text: [t('tasks:outcome.done', { choice })], list: (task.result?.lines ?? []).map((l) => resultLine(t, l, locale)), notes };
    }
    case 'failed':
      return { text: [t('tasks:outcome.failed', { choice, count: task.attempts, error: redactText(task.error ?? '') })], list: [], notes: [t(task.escalation >= 2 ? 'tasks:outcome.escalated' : 'tasks:outcome.retryHint')] };
    case 'rejected': {
      const by = last('rejected');
      return { text: [t('tasks:outcome.rejected', { name: by?.actorName ?? by?.actor ?? '', reason: redactText(task.reason || t('tasks:outcome.noReason')) })], list: [], notes: [] };
    }
    case 'expired':
      return { text: [t(`tasks:outcome.expired.${task.closedReason === 'resolved' ? 'resolved' : 'other'}`)], list: [], notes: [] };
    default: {
      const undone = v.history.at(-1)?.action === 'undone' ? last('undone') : undefined;
      const lines = Array.isArray(undone?.data.lines) ? (undone.data.lines as { key: string; vars?: Record<string, string | number> }[]) : [];
      return undone ? { text: [t('tasks:outcome.undone')], list: lines.map((l) => resultLine(t, l, locale)), notes: [] } : { text: [], list: [], notes: [] };
    }
  }
}

/** Builds the task card. */
export function buildTaskCard(v: TaskCardView, t: TFunction): Card {
  const { task, now } = v;
  const locale = cardLocale(t);
  const time = (ms: number): string => formatTime(ms, locale, v.timeZone);
  const title = taskTitle(t, task);
  const b = card().header(title, taskSeverity(task));
  const phone = task.order?.phone ? maskPhone(task.order.phone) : undefined;
  const address = task.order?.address ? maskAddress(task.order.address) : undefined;
  b.fields([
    { label: t('tasks:field.state'), value: t(`tasks:state.${task.state}`) },
    ...(task.orderId ? [{ label: t('tasks:field.order'), value: task.orderId }] : []),
    ...(task.amount !== null ? [{ label: t('tasks:field.amount'), value: formatMoney(task.amount, task.currency, locale) }] : []),
    ...(task.source && !task.orderId ? [{ label: t('tasks:field.source'), value: task.source }] : []),
    ...(phone ? [{ label: t('tasks:field.phone'), value: phone }] : []),
    ...(address ? [{ label: t('tasks:field.address'), value: address }] : []),
  ]);
  for (const line of describeProblem(t, task, locale, v.timeZone)) b.text(line);

  if (WAITING.has(task.state)) {
    if (v.approvalsNeeded > 1) b.context(t('tasks:card.fourEyes'));
    const first = task.approvals[0];
    if (first) b.text(t('tasks:card.approvals', { have: task.approvals.length, needed: v.approvalsNeeded, name: first.name, choice: choiceLabel(t, first.choice) }));
    if (task.claimedName ?? task.claimedBy) b.context(t('tasks:card.claimed', { name: task.claimedName ?? task.claimedBy ?? '' }));
    if (task.snoozedUntil !== null && task.snoozedUntil > now) b.context(t('tasks:card.snoozed', { time: time(task.snoozedUntil) }));
  }
  const out = outcomeLines(t, v, locale);
  if (out.text.length > 0 || out.list.length > 0) b.divider();
  for (const line of out.text) b.text(line);
  b.list(out.list);
  for (const note of out.notes) b.context(note);

  // Notes come before the buttons and the history: where a card must be shortened (Slack), older history goes first.
  const notes = (v.notes ?? []).slice(-NOTES_SHOWN);
  if (notes.length > 0) b.divider().text(`**${t('tasks:note.title')}**`);
  for (const n of notes) {
    const shown = noteView(t, n, locale, v.timeZone);
    b.text(n.tone === 'attention' ? `**${shown.head}**` : shown.head).list(shown.lines.slice(-NOTE_LINES_SHOWN));
  }

  b.actions(WAITING.has(task.state) ? decisionButtons(t, task) : []);
  b.actions(stateButtons(t, task, now));

  const shown = v.history.slice(-HISTORY_SHOWN);
  if (shown.length > 0) b.divider().text(`**${t('tasks:card.history')}**`).list(shown.map((h) => historyLine(t, h, locale, v.timeZone)));
  const who = v.roles.map((r) => t(`tasks:role.${r}`)).join(', ');
  const due = WAITING.has(task.state) && task.dueAt !== null ? t('tasks:card.due', { time: time(task.dueAt) }) : '';
  b.context([t('tasks:card.footer', { ref: taskRef(task.id), time: time(task.createdAt), roles: who, zone: v.timeZone ?? 'UTC' }), due].filter((s) => s).join(' · '));
  return b.fallback(`${title} · ${t(`tasks:state.${task.state}`)}`).build();
}
