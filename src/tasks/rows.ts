// Row ⇄ Task mapping for the tasks tables (JSON columns parsed with zod where the shape matters).
import { z } from 'zod';
import type { SqlValue } from '../store/db.ts';
import { TASK_STATES, type Task, type TaskHistoryEntry, type TaskKind, type TaskState } from './types.ts';

/** A tasks row as SQLite returns it. */
export interface TaskRow {
  id: number;
  fingerprint: string;
  kind: string;
  source: string | null;
  order_id: string | null;
  details: string;
  order_info: string | null;
  amount: number | null;
  currency: string | null;
  choices: string;
  suggested: string;
  state: string;
  version: number;
  choice: string | null;
  approvals: string;
  claimed_by: string | null;
  claimed_name: string | null;
  snoozed_until: number | null;
  due_at: number | null;
  escalation: number;
  attempts: number;
  result: string | null;
  error: string | null;
  undo_until: number | null;
  closed_reason: string | null;
  reason: string | null;
  finding_open: number;
  created_at: number;
  updated_at: number;
}

const approvals = z.array(z.object({ actor: z.string(), name: z.string(), choice: z.string(), at: z.number() }));
const stateSchema = z.enum(TASK_STATES);
const record = z.record(z.string(), z.unknown());

const json = <T>(text: string | null, schema: z.ZodType<T>): T | null => (text === null ? null : schema.parse(JSON.parse(text)));

/** Parses a stored row; stored JSON we wrote ourselves is trusted for the executor result and order info. */
export function toTask(r: TaskRow): Task {
  return {
    id: r.id,
    fingerprint: r.fingerprint,
    kind: r.kind as TaskKind,
    source: r.source,
    orderId: r.order_id,
    details: record.parse(JSON.parse(r.details)),
    order: r.order_info === null ? null : (JSON.parse(r.order_info) as Task['order']),
    amount: r.amount,
    currency: r.currency,
    choices: z.array(z.string()).parse(JSON.parse(r.choices)),
    suggested: r.suggested,
    state: stateSchema.parse(r.state),
    version: r.version,
    choice: r.choice,
    approvals: json(r.approvals, approvals) ?? [],
    claimedBy: r.claimed_by,
    claimedName: r.claimed_name,
    snoozedUntil: r.snoozed_until,
    dueAt: r.due_at,
    escalation: r.escalation,
    attempts: r.attempts,
    result: r.result === null ? null : (JSON.parse(r.result) as Task['result']),
    error: r.error,
    undoUntil: r.undo_until,
    closedReason: r.closed_reason,
    reason: r.reason,
    findingOpen: r.finding_open === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Fields a transition may change. */
export type TaskPatch = Partial<
  Pick<Task, 'choice' | 'approvals' | 'claimedBy' | 'claimedName' | 'snoozedUntil' | 'dueAt' | 'escalation' | 'attempts' | 'result' | 'error' | 'undoUntil' | 'closedReason' | 'reason' | 'findingOpen'>
>;

const COLUMNS: Record<keyof TaskPatch, string> = {
  choice: 'choice',
  approvals: 'approvals',
  claimedBy: 'claimed_by',
  claimedName: 'claimed_name',
  snoozedUntil: 'snoozed_until',
  dueAt: 'due_at',
  escalation: 'escalation',
  attempts: 'attempts',
  result: 'result',
  error: 'error',
  undoUntil: 'undo_until',
  closedReason: 'closed_reason',
  reason: 'reason',
  findingOpen: 'finding_open',
};

/** SET fragments and values for a patch. */
export function patchSql(patch: TaskPatch): { sets: string[]; values: SqlValue[] } {
  const sets: string[] = [];
  const values: SqlValue[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof TaskPatch, unknown][]) {
    if (value === undefined) continue;
    sets.push(`${COLUMNS[key]} = ?`);
    if (key === 'approvals' || key === 'result') values.push(value === null ? null : JSON.stringify(value));
    else if (key === 'findingOpen') values.push(value ? 1 : 0);
    else values.push(value as SqlValue);
  }
  return { sets, values };
}

/** A task_history row as SQLite returns it. */
export interface HistoryRow {
  at: number;
  actor: string | null;
  actor_name: string | null;
  action: string;
  from_state: string | null;
  to_state: string | null;
  data: string;
}

/** Parses a history row. */
export function toHistory(r: HistoryRow): TaskHistoryEntry {
  return {
    at: r.at,
    actor: r.actor,
    actorName: r.actor_name,
    action: r.action,
    fromState: r.from_state === null ? null : (stateSchema.parse(r.from_state) as TaskState),
    toState: r.to_state === null ? null : (stateSchema.parse(r.to_state) as TaskState),
    data: record.parse(JSON.parse(r.data)),
  };
}
