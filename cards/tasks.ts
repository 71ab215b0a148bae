// The /tasks card: one line per task with its state and age, and a button to open each one's card here.
import type { TFunction } from 'i18next';
import { card, type Card } from '../src/core/card.ts';
import type { Task } from '../src/tasks/types.ts';
import { cardLocale, formatAge } from './format.ts';
import { TASK_OPEN } from './task.ts';
import { taskRef, taskTitle } from './task-parts.ts';

/** Which tasks the list shows. */
export const TASK_FILTERS = ['mine', 'open', 'all'] as const;
/** One task filter. */
export type TaskFilter = (typeof TASK_FILTERS)[number];

/** Tasks that get an Open button (platforms cap buttons per row). */
export const OPEN_BUTTONS = 10;

/** What the tasks card shows. */
export interface TasksCardView {
  filter: TaskFilter;
  tasks: readonly Task[];
  now: number;
}

/** Builds the task list card. */
export function buildTasksCard(view: TasksCardView, t: TFunction): Card {
  const locale = cardLocale(t);
  const title = t('tasks:list.title', { filter: t(`tasks:list.filter.${view.filter}`), n: view.tasks.length });
  const b = card().header(title, view.tasks.some((x) => x.state === 'failed') ? 'danger' : view.tasks.length > 0 ? 'warning' : 'success');
  if (view.tasks.length === 0) b.text(t(`tasks:list.empty.${view.filter}`));
  b.list(view.tasks.map((x) => t('tasks:list.item', { title: taskTitle(t, x), state: t(`tasks:state.${x.state}`), age: formatAge(view.now - x.createdAt, locale) })));
  b.actions(view.tasks.slice(0, OPEN_BUTTONS).map((x) => ({ actionId: TASK_OPEN, label: t('tasks:list.open', { ref: taskRef(x.id) }), value: String(x.id) })));
  b.context(t('tasks:list.about'));
  return b.fallback(title).build();
}
