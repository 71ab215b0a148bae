// Escalation: a task nobody acted on within its SLA goes to the on-duty approver, then to the admin channel.
import { taskCardKey } from '../../cards/task.ts';
import { describeError } from '../core/errors.ts';
import type { TaskCore } from './core.ts';
import { slaMs } from './policy.ts';
import { WAITING_STATES, type Task } from './types.ts';

async function tell(core: TaskCore, task: Task, targets: { people: string[]; channel: string | undefined }): Promise<void> {
  const key = taskCardKey(task.id);
  const card = await core.cardFactory(task);
  for (const person of targets.people) {
    try {
      await core.deps.chat.notifyPerson(person, key, card);
    } catch (err) {
      core.deps.log.error({ task: task.id, person, err: describeError(err) }, 'notifying the on-duty approver failed');
    }
  }
  if (targets.channel) {
    try {
      await core.deps.chat.notifyChannel(targets.channel, key, card);
    } catch (err) {
      core.deps.log.error({ task: task.id, channel: targets.channel, err: describeError(err) }, 'posting to the admin channel failed');
    }
  }
}

/** One escalation step of a waiting task whose due time passed; returns the task after it, or undefined when someone else moved it. */
export async function escalateOverdue(core: TaskCore, task: Task): Promise<Task | undefined> {
  const { onDuty, adminChannel } = core.settings().tasks;
  const now = core.now();
  // Level 1 is the on-duty approver; with nobody on duty the admin channel is told at once.
  const toOnDuty = task.escalation === 0 && onDuty.length > 0;
  const level = toOnDuty ? 1 : 2;
  const next = await core.repo.transition(
    task,
    task.state,
    { escalation: level, dueAt: toOnDuty ? now + slaMs(core.settings(), task.kind) : null },
    { actor: null, actorName: null, action: 'escalated', data: toOnDuty ? { level, people: onDuty.join(', ') } : { level, channel: adminChannel ?? '' } },
    now,
    { type: 'escalation' },
  );
  if (!next) return undefined;
  await core.refreshCard(next);
  await tell(core, next, toOnDuty ? { people: onDuty, channel: undefined } : { people: [], channel: adminChannel });
  return next;
}

/** A task whose executor gave up: the on-duty approver and the admin channel are told at once. */
export async function escalateFailure(core: TaskCore, failed: Task): Promise<Task> {
  const { onDuty, adminChannel } = core.settings().tasks;
  const next = await core.repo.transition(
    failed,
    'failed',
    { escalation: 2 },
    { actor: null, actorName: null, action: 'escalated', data: { level: 2, people: onDuty.join(', '), channel: adminChannel ?? '' } },
    core.now(),
    { type: 'escalation' },
  );
  const task = next ?? failed;
  await core.refreshCard(task);
  await tell(core, task, { people: onDuty, channel: adminChannel });
  return task;
}

/** Escalates every waiting task whose due time has come (snoozed tasks are due when the snooze ends). */
export async function escalateDue(core: TaskCore): Promise<number> {
  let n = 0;
  for (const task of await core.repo.due(WAITING_STATES, core.now())) {
    if (task.snoozedUntil !== null && task.snoozedUntil > core.now()) continue;
    if (task.escalation >= 2) continue;
    if (await escalateOverdue(core, task)) n++;
  }
  return n;
}
