// Human-intervention tasks: kinds, states, choices, what a task records and what executors return.
import type { Role } from '../core/command.ts';
import type { CanonicalStatus } from '../core/status.ts';

/** Finding kinds that need a person and become tasks. */
export const TASK_KINDS = ['mismatch', 'stock', 'price', 'source_down', 'regression', 'undeliverable', 'address'] as const;
/** One task kind. */
export type TaskKind = (typeof TASK_KINDS)[number];

/** True when findings of `kind` become tasks. */
export function isTaskKind(kind: string): kind is TaskKind {
  return (TASK_KINDS as readonly string[]).includes(kind);
}

/**
 * Task states. open → claimed → approved | rejected → executing → done | failed; expired when the problem
 * went away first. Undo runs done → undoing → open (the decision is taken back and can be made again).
 */
export const TASK_STATES = ['open', 'claimed', 'approved', 'rejected', 'executing', 'done', 'failed', 'expired', 'undoing'] as const;
/** One task state. */
export type TaskState = (typeof TASK_STATES)[number];

/** States in which a task waits for a decision. */
export const WAITING_STATES: readonly TaskState[] = ['open', 'claimed'];
/** States after which nothing more happens (failed can still be retried). */
export const CLOSED_STATES: readonly TaskState[] = ['rejected', 'done', 'expired'];

/**
 * What a decision does: `trust:<system>` (mismatch), wait/contact/cancel (stock), apply/keep (price),
 * ack/fallback (source down), restore/accept (regression), resend/contacted (undeliverable customer message), verify/contacted (address).
 */
export type ChoiceId = string;

/** One approval of a decision (four-eyes needs two from different people). */
export interface Approval {
  actor: string;
  name: string;
  choice: ChoiceId;
  at: number;
}

/** A localized line: an i18n key under `tasks:result.` and its values (`status` values are canonical statuses). */
export interface ResultLine {
  key: string;
  vars?: Record<string, string | number>;
}

/** How to take an executed decision back, recorded when it ran. */
export type Compensation =
  | { type: 'push'; orderId: string; items: { system: string; status: CanonicalStatus }[] }
  | { type: 'price'; orderId: string; items: { system: string; amount: number; currency: string | null }[] }
  | { type: 'restore_source'; source: string }
  | { type: 'nothing' }
  | { type: 'none'; reason: 'message_sent' | 'not_reversible' };

/** What an executor reports. */
export interface ExecutionResult {
  lines: ResultLine[];
  compensation: Compensation;
}

/** Order facts a task shows and decides four-eyes by. */
export interface TaskOrderInfo {
  amount: number | null;
  currency: string | null;
  /** Every system's view of the order (cancel and trust choices write to these). */
  views: { system: string; status: CanonicalStatus }[];
  /** Customer contact as the source gave it; cards always mask it. */
  phone?: string | undefined;
  address?: string | undefined;
}

/** One task as stored. */
export interface Task {
  id: number;
  fingerprint: string;
  kind: TaskKind;
  source: string | null;
  orderId: string | null;
  /** The finding's details when the task was made (see src/detect/types.ts FindingDetails). */
  details: Record<string, unknown>;
  order: TaskOrderInfo | null;
  amount: number | null;
  currency: string | null;
  choices: ChoiceId[];
  suggested: ChoiceId;
  state: TaskState;
  version: number;
  /** The decision being executed or last executed. */
  choice: ChoiceId | null;
  approvals: Approval[];
  claimedBy: string | null;
  claimedName: string | null;
  snoozedUntil: number | null;
  dueAt: number | null;
  /** 0 none, 1 on-duty approver told, 2 admin channel told. */
  escalation: number;
  attempts: number;
  result: ExecutionResult | null;
  error: string | null;
  undoUntil: number | null;
  /** Why a task closed without a decision (expired) or was rejected. */
  closedReason: string | null;
  reason: string | null;
  findingOpen: boolean;
  createdAt: number;
  updatedAt: number;
}

/** One line of a task's history (who did what and when). */
export interface TaskHistoryEntry {
  at: number;
  actor: string | null;
  actorName: string | null;
  action: string;
  fromState: TaskState | null;
  toState: TaskState | null;
  data: Record<string, unknown>;
}

/** Who is acting on a task. */
export interface TaskActor {
  /** `platform:userId`. */
  key: string;
  name: string;
  role: Role;
}

/** Who a task note comes from: the customer (their answer), orderops itself, or a staff member. */
export type TaskNoteAuthor = 'customer' | 'system' | 'staff';

/**
 * A localized line of a note: an i18n key under `tasks:note.` and its values, rendered per reader at card time
 * (`choice` → the customer's choice label, `status` → a status label, `channel` → a channel label, a numeric `time` →
 * a time; `error` and `text` are redacted).
 */
export interface TaskNoteLine {
  key: string;
  vars?: Record<string, string | number>;
}

/** A note to append to a task (the customer's answer, a write-back result, a handoff). */
export interface TaskNoteInput extends TaskNoteLine {
  who: TaskNoteAuthor;
  /** The staff member (who = staff), or the customer's id (who = customer; never shown). */
  actor?: { key: string; name: string } | undefined;
  /** Detail lines under the note (per-system results, a transcript). */
  lines?: TaskNoteLine[] | undefined;
  /** `attention` when a person must act on it (shown in bold). */
  tone?: 'info' | 'attention' | undefined;
  /** Idempotency: a note written again under the same ref replaces the earlier one instead of adding another. */
  ref?: string | undefined;
}

/** A stored task note. */
export interface TaskNote {
  id: number;
  taskId: number;
  at: number;
  who: TaskNoteAuthor;
  actor: string | null;
  actorName: string | null;
  key: string;
  vars: Record<string, string | number>;
  lines: TaskNoteLine[];
  tone: 'info' | 'attention';
  ref: string | null;
}
