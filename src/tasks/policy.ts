// Approval policy from settings: who may act on which kind, four-eyes, SLAs, undo window.
import type { Role } from '../core/command.ts';
import type { Settings } from '../settings/schema.ts';
import type { Approval, TaskKind } from './types.ts';

/** Roles that decide a kind when the settings do not say. */
export const DEFAULT_TASK_ROLES: readonly Role[] = ['approver'];

/** Roles allowed to act on tasks of `kind` (admin always may). */
export function rolesFor(settings: Settings, kind: TaskKind): Role[] {
  const listed = settings.tasks.roles[kind] ?? DEFAULT_TASK_ROLES;
  return [...new Set<Role>([...listed, 'admin'])];
}

/** True when `role` may decide tasks of `kind`: roles are listed per kind, not a ladder (warehouse is not an agent). */
export function mayAct(settings: Settings, kind: TaskKind, role: Role): boolean {
  return role === 'admin' || rolesFor(settings, kind).includes(role);
}

/** Approvals an order amount needs: two different people at or above `tasks.fourEyesAmount`. */
export function approvalsNeeded(settings: Settings, amount: number | null): number {
  return amount !== null && amount >= settings.tasks.fourEyesAmount ? 2 : 1;
}

/** Distinct approvers of `choice` so far (the same person approving twice counts once). */
export function distinctApprovers(approvals: readonly Approval[], choice: string): string[] {
  return [...new Set(approvals.filter((a) => a.choice === choice).map((a) => a.actor))];
}

/** Milliseconds a task of `kind` may wait before it escalates. */
export function slaMs(settings: Settings, kind: TaskKind): number {
  const minutes = settings.tasks.slaMinutes[kind] ?? settings.tasks.slaMinutes.default ?? 60;
  return minutes * 60_000;
}

/** Milliseconds an executed decision can be undone. */
export function undoMs(settings: Settings): number {
  return settings.tasks.undoMinutes * 60_000;
}
