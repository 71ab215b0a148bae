// The /tasks card: a placeholder list until human-intervention tasks exist (the tasks work fills it in).
import type { TFunction } from 'i18next';
import { card, type Card } from '../src/core/card.ts';

/** Which tasks the list shows. */
export const TASK_FILTERS = ['mine', 'open', 'all'] as const;
/** One task filter. */
export type TaskFilter = (typeof TASK_FILTERS)[number];

/** One task line (placeholder shape until the tasks module defines its own). */
export interface TaskListItem {
  id: string;
  title: string;
  /** Already localized state label. */
  state: string;
}

/** What the tasks card shows. */
export interface TasksCardView {
  filter: TaskFilter;
  items: readonly TaskListItem[];
}

/** Builds the task list card. */
export function buildTasksCard(view: TasksCardView, t: TFunction): Card {
  const b = card().header(t('cards:tasks.title', { filter: t(`cards:tasks.filter.${view.filter}`) }), 'info');
  if (view.items.length === 0) b.text(t('cards:tasks.empty'));
  b.list(view.items.map((i) => t('cards:tasks.item', { id: i.id, title: i.title, state: i.state })));
  return b.context(t('cards:tasks.about')).build();
}
