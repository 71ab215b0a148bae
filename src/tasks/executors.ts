// Executors: carry out an approved choice through the ports, and report how to take it back.
import { OrderOpsError, PermanentError } from '../core/errors.ts';
import type { CanonicalStatus } from '../core/status.ts';
import { trustedSystem } from './choices.ts';
import { TASK_DETAILS, type PriceDetails } from './details.ts';
import type { TaskExecutorPorts } from './ports.ts';
import type { ChoiceId, Compensation, ExecutionResult, ResultLine, Task } from './types.ts';

const nothing: Compensation = { type: 'nothing' };

function needOrder(task: Task): string {
  if (!task.orderId) throw new PermanentError('tasks.no_order', `task ${task.id} has no order`);
  return task.orderId;
}

async function pushAll(ports: TaskExecutorPorts, orderId: string, targets: { system: string; status: CanonicalStatus }[], to: CanonicalStatus): Promise<{ lines: ResultLine[]; undo: { system: string; status: CanonicalStatus }[]; skipped: string[] }> {
  const lines: ResultLine[] = [];
  const undo: { system: string; status: CanonicalStatus }[] = [];
  const skipped: string[] = [];
  const cannotTake: string[] = [];
  for (const v of targets) {
    if (!ports.canPush(v.system)) {
      skipped.push(v.system);
      continue;
    }
    try {
      await ports.pushStatus(v.system, orderId, to);
    } catch (err) {
      // The source has no way to express this status (e.g. Shopify only cancels or fulfils): nothing was written,
      // and trying again cannot help; the card says so, like for a system that takes no writes at all.
      if (err instanceof OrderOpsError && err.code === 'push.unsupported') {
        cannotTake.push(v.system);
        continue;
      }
      throw err;
    }
    lines.push({ key: 'pushed', vars: { system: v.system, status: to } });
    undo.push({ system: v.system, status: v.status });
  }
  if (skipped.length > 0) lines.push({ key: 'noPush', vars: { systems: skipped.join(', ') } });
  if (cannotTake.length > 0) lines.push({ key: 'cannotTake', vars: { systems: cannotTake.join(', '), status: to } });
  return { lines, undo, skipped: [...skipped, ...cannotTake] };
}

async function trust(task: Task, system: string, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  const orderId = needOrder(task);
  const views = TASK_DETAILS.mismatch.parse(task.details).views;
  const trusted = views.find((v) => v.system === system);
  if (!trusted) throw new PermanentError('tasks.bad_choice', `${system} is not one of the systems of task ${task.id}`);
  const others = views.filter((v) => v.system !== system && v.status !== trusted.status);
  const pushed = await pushAll(ports, orderId, others, trusted.status);
  const involved = [...new Set([system, ...others.map((v) => v.system)])];
  for (const s of involved) await ports.resync(s);
  return { lines: [...pushed.lines, { key: 'resynced', vars: { systems: involved.join(', ') } }], compensation: pushed.undo.length > 0 ? { type: 'push', orderId, items: pushed.undo } : nothing };
}

async function cancel(task: Task, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  const orderId = needOrder(task);
  const stock = TASK_DETAILS.stock.parse(task.details);
  const views = task.order?.views.length ? task.order.views : stock.status ? [{ system: stock.system, status: stock.status }] : [];
  const targets = views.filter((v) => v.status !== 'cancelled');
  const pushed = await pushAll(ports, orderId, targets, 'cancelled');
  if (pushed.undo.length === 0) throw new PermanentError('tasks.no_push', `no system of order ${orderId} takes status writes`);
  return { lines: pushed.lines, compensation: { type: 'push', orderId, items: pushed.undo } };
}

async function contact(task: Task, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  const orderId = needOrder(task);
  const stock = TASK_DETAILS.stock.parse(task.details);
  const items = (stock.items ?? []).map((i) => `${i.sku}×${i.qty}`).join(', ');
  // taskId lets the notification outbox recognise a retried request as the same one.
  await ports.requestCustomerNotification(orderId, 'stock_delay', { orderId, items, taskId: task.id });
  return { lines: [{ key: 'notified', vars: { orderId } }], compensation: { type: 'none', reason: 'message_sent' } };
}

/** The corrected amount of a price task (the items' sum when known, else the first system's) and its currency. */
function correctedAmount(task: Task): { orderId: string; d: PriceDetails; target: number; currency: string | null } {
  const orderId = needOrder(task);
  const d = TASK_DETAILS.price.parse(task.details);
  const first = d.amounts[0];
  return { orderId, d, target: d.expected ?? first?.amount ?? 0, currency: first?.currency ?? null };
}

/** Writes the corrected amount to every system whose amount differs (the price task's "apply", and a customer's "accept"). */
export async function applyCorrectedPrice(task: Task, ports: Pick<TaskExecutorPorts, 'applyPrice'>): Promise<ExecutionResult> {
  const { orderId, d, target, currency } = correctedAmount(task);
  const lines: ResultLine[] = [];
  const undo: { system: string; amount: number; currency: string | null }[] = [];
  for (const a of d.amounts.filter((x) => x.amount !== target)) {
    await ports.applyPrice(orderId, a.system, target, a.currency ?? currency);
    lines.push({ key: 'priced', vars: { system: a.system, amount: target, currency: a.currency ?? currency ?? '' } });
    undo.push({ system: a.system, amount: a.amount, currency: a.currency ?? null });
  }
  if (lines.length === 0) lines.push({ key: 'priceSame' });
  return { lines, compensation: undo.length > 0 ? { type: 'price', orderId, items: undo } : nothing };
}

// Asks the customer to accept the corrected amount (a conversation: accept → applied, decline → cancelled). What they
// were charged is the amount furthest from the corrected one.
async function askAboutPrice(task: Task, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  const { orderId, d, target, currency } = correctedAmount(task);
  const charged = d.amounts.reduce<PriceDetails['amounts'][number] | undefined>((a, x) => (a === undefined || Math.abs(x.amount - target) > Math.abs(a.amount - target) ? x : a), undefined);
  if (!charged || charged.amount === target) return { lines: [{ key: 'priceSame' }], compensation: nothing };
  const money = (n: number): string => `${n.toFixed(2)}${currency ? ` ${currency}` : ''}`;
  // taskId lets the conversation find this task again (its answer is noted here) and makes a retried request the same one.
  await ports.requestCustomerNotification(orderId, 'ask_price', { orderId, oldAmount: money(charged.amount), newAmount: money(target), taskId: task.id });
  return { lines: [{ key: 'askedPrice', vars: { orderId, amount: target, currency: currency ?? '' } }], compensation: { type: 'none', reason: 'message_sent' } };
}

// The finding is resolved first, so the episode has ended before the resent message can fail again: a second failure
// then opens a new task instead of landing on this finished one.
async function resend(task: Task, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  const orderId = needOrder(task);
  const d = TASK_DETAILS.undeliverable.parse(task.details);
  const by = task.approvals.at(-1);
  await ports.resolveFinding(task.fingerprint);
  const sent = await ports.resendNotification(orderId, d.key, { key: by?.actor ?? `task:${task.id}`, name: by?.name });
  return { lines: [{ key: 'resent', vars: { orderId, key: sent.key } }], compensation: { type: 'none', reason: 'message_sent' } };
}

async function contacted(task: Task, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  await ports.resolveFinding(task.fingerprint);
  return { lines: [{ key: 'contacted' }], compensation: { type: 'none', reason: 'not_reversible' } };
}

// Asks the customer to confirm the address the order ships to (a conversation: confirm / change). The full address is
// read from the store by the notification port (the finding holds only masked ones); `system` names whose address.
async function askAboutAddress(task: Task, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  const orderId = needOrder(task);
  const d = TASK_DETAILS.address.parse(task.details);
  const system = d.confirm || d.views[0]?.system || '';
  await ports.requestCustomerNotification(orderId, 'ask_address', { orderId, system, taskId: task.id });
  return { lines: [{ key: 'askedAddress', vars: { orderId, system } }], compensation: { type: 'none', reason: 'message_sent' } };
}

// A person checked the address with the customer themselves: the addresses as they stand are accepted (an incomplete one
// stops being a problem). Systems that disagree still have to be brought in line by hand: only that clears a disagreement.
async function addressChecked(task: Task, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  const orderId = needOrder(task);
  const d = TASK_DETAILS.address.parse(task.details);
  const by = task.approvals.at(-1);
  await ports.acceptAddresses(orderId, by?.actor ?? `task:${task.id}`);
  const disagree = d.problems.includes('disagree');
  return { lines: [{ key: disagree ? 'addressCheckedDisagree' : 'addressChecked', vars: { systems: d.views.map((v) => v.system).join(', ') } }], compensation: { type: 'none', reason: 'not_reversible' } };
}

async function restore(task: Task, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  const orderId = needOrder(task);
  const d = TASK_DETAILS.regression.parse(task.details);
  if (!ports.canPush(d.system)) throw new PermanentError('tasks.no_push', `${d.system} does not take status writes`);
  await ports.pushStatus(d.system, orderId, d.from);
  await ports.resync(d.system);
  return { lines: [{ key: 'pushed', vars: { system: d.system, status: d.from } }, { key: 'resynced', vars: { systems: d.system } }], compensation: { type: 'push', orderId, items: [{ system: d.system, status: d.to }] } };
}

async function fallback(task: Task, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  const d = TASK_DETAILS.source_down.parse(task.details);
  const source = task.source ?? '';
  await ports.switchToFallback(source);
  return { lines: [{ key: 'switched', vars: { source, fallback: d.fallback ?? '' } }], compensation: { type: 'restore_source', source } };
}

/** Carries out `choice` for `task`; throws RetryableError / PermanentError on failure. */
export async function executeChoice(task: Task, choice: ChoiceId, ports: TaskExecutorPorts): Promise<ExecutionResult> {
  const trusted = trustedSystem(choice);
  if (task.kind === 'mismatch' && trusted) return trust(task, trusted, ports);
  if (task.kind === 'stock' && choice === 'wait') return { lines: [{ key: 'waiting' }], compensation: nothing };
  if (task.kind === 'stock' && choice === 'contact') return contact(task, ports);
  if (task.kind === 'stock' && choice === 'cancel') return cancel(task, ports);
  if (task.kind === 'price' && choice === 'apply') return applyCorrectedPrice(task, ports);
  if (task.kind === 'price' && choice === 'ask') return askAboutPrice(task, ports);
  if (task.kind === 'price' && choice === 'keep') return { lines: [{ key: 'kept' }], compensation: nothing };
  if (task.kind === 'source_down' && choice === 'ack') return { lines: [{ key: 'acknowledged' }], compensation: nothing };
  if (task.kind === 'source_down' && choice === 'fallback') return fallback(task, ports);
  if (task.kind === 'regression' && choice === 'restore') return restore(task, ports);
  if (task.kind === 'regression' && choice === 'accept') return { lines: [{ key: 'accepted' }], compensation: nothing };
  if (task.kind === 'undeliverable' && choice === 'resend') return resend(task, ports);
  if (task.kind === 'undeliverable' && choice === 'contacted') return contacted(task, ports);
  if (task.kind === 'address' && choice === 'verify') return askAboutAddress(task, ports);
  if (task.kind === 'address' && choice === 'contacted') return addressChecked(task, ports);
  throw new PermanentError('tasks.bad_choice', `no executor for ${task.kind} choice ${choice}`);
}

/** Runs the compensating action of an executed decision; returns what it did. */
export async function compensate(c: Compensation, ports: TaskExecutorPorts): Promise<ResultLine[]> {
  switch (c.type) {
    case 'push': {
      const lines: ResultLine[] = [];
      for (const i of c.items) {
        await ports.pushStatus(i.system, c.orderId, i.status);
        lines.push({ key: 'undoPushed', vars: { system: i.system, status: i.status } });
      }
      return lines;
    }
    case 'price': {
      const lines: ResultLine[] = [];
      for (const i of c.items) {
        await ports.applyPrice(c.orderId, i.system, i.amount, i.currency);
        lines.push({ key: 'undoPriced', vars: { system: i.system, amount: i.amount, currency: i.currency ?? '' } });
      }
      return lines;
    }
    case 'restore_source':
      await ports.restoreSource(c.source);
      return [{ key: 'undoRestored', vars: { source: c.source } }];
    case 'nothing':
      return [{ key: 'undoNothing' }];
    case 'none':
      throw new PermanentError('tasks.no_undo', `no compensating action (${c.reason})`);
  }
}
