// Task test world: real SQLite store, real ChatHub with two fake platforms, the real task service and commands,
// executor ports that record what they were asked (and fail on request), a manual clock.
import type { TestContext } from 'node:test';
import { approveCommand, approveTaskAction, chooseTaskAction } from '../../commands/approve.ts';
import { rejectCommand, rejectTaskAction } from '../../commands/reject.ts';
import { claimTaskAction, openTaskAction, retryTaskAction, snoozeTaskAction, tasksCommand, undoTaskAction } from '../../commands/tasks.ts';
import { AuditLog } from '../../src/audit/log.ts';
import { ChatHub } from '../../src/chat/hub.ts';
import type { Card } from '../../src/core/card.ts';
import type { ActionEvent, CommandEvent } from '../../src/core/chat.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { Finding } from '../../src/core/order.ts';
import type { CanonicalStatus } from '../../src/core/status.ts';
import type { Settings } from '../../src/settings/schema.ts';
import type { Store } from '../../src/store/index.ts';
import type { TaskBotServices } from '../../src/tasks/chat-glue.ts';
import { createHubTaskChat } from '../../src/tasks/hub-chat.ts';
import type { TaskExecutorPorts } from '../../src/tasks/ports.ts';
import { TaskService } from '../../src/tasks/service.ts';
import type { TaskOrderInfo } from '../../src/tasks/types.ts';
import { MemoryChat } from '../fakes/memory-chat.ts';
import { settingsWith, tempStore } from '../helpers/temp.ts';

/** Start of test time. */
export const T0 = Date.UTC(2026, 5, 1, 2, 0);

/** What the fake shop systems were asked to do. */
export class RecordingPorts implements TaskExecutorPorts {
  readonly calls: string[] = [];
  /** Errors thrown by the next calls, in order (one per call). */
  failures: Error[] = [];
  pushable = new Set(['erp', 'wms']);

  private async step(call: string): Promise<void> {
    this.calls.push(call);
    const err = this.failures.shift();
    if (err) throw err;
  }
  canPush(system: string): boolean {
    return this.pushable.has(system);
  }
  pushStatus(system: string, orderId: string, status: CanonicalStatus): Promise<void> {
    return this.step(`push ${system} ${orderId} ${status}`);
  }
  resync(system: string): Promise<void> {
    return this.step(`resync ${system}`);
  }
  applyPrice(orderId: string, system: string, amount: number): Promise<void> {
    return this.step(`price ${system} ${orderId} ${amount}`);
  }
  requestCustomerNotification(orderId: string, template: string): Promise<void> {
    return this.step(`notify ${orderId} ${template}`);
  }
  switchToFallback(source: string): Promise<void> {
    return this.step(`fallback ${source}`);
  }
  restoreSource(source: string): Promise<void> {
    return this.step(`restore ${source}`);
  }
  async resendNotification(orderId: string, key: string): Promise<{ key: string }> {
    await this.step(`resend ${orderId} ${key}`);
    return { key: `${key}#resend-1` };
  }
  resolveFinding(fingerprint: string): Promise<void> {
    return this.step(`resolve ${fingerprint}`);
  }
  async acceptAddresses(orderId: string, by: string): Promise<boolean> {
    await this.step(`accept-address ${orderId} ${by}`);
    return true;
  }
}

/** Test people: platform a (Chinese readers) and b (Spanish readers). */
export const USERS: Settings['chat']['users'] = {
  'a:wang': { role: 'approver', name: 'Wang', language: 'zh-CN' },
  'a:li': { role: 'approver', name: 'Li', language: 'en' },
  'b:lucia': { role: 'approver', name: 'Lucía', language: 'es' },
  'b:zhao': { role: 'warehouse', name: 'Zhao', language: 'en' },
  'a:guest': { role: 'viewer', name: 'Guest', language: 'en' },
  'a:boss': { role: 'admin', name: 'Boss', language: 'en' },
};

/** Everything a task test drives. */
export interface TaskWorld {
  store: Store;
  clock: ManualClock;
  settings: Settings;
  audit: AuditLog;
  ports: RecordingPorts;
  tasks: TaskService;
  hub: ChatHub<TaskBotServices>;
  a: MemoryChat;
  b: MemoryChat;
  orders: Map<string, TaskOrderInfo>;
}

/** Builds the world; `patch` edits the settings' task policy. */
export async function makeTaskWorld(t: TestContext, patch: Partial<Settings['tasks']> = {}): Promise<TaskWorld> {
  const { store } = await tempStore(t);
  const clock = new ManualClock(T0);
  const base = settingsWith([]);
  const settings: Settings = {
    ...base,
    language: 'en',
    chat: { defaultRole: 'viewer', users: USERS, routes: { tasks: ['a:ops', 'b:ops'] }, channels: {} },
    tasks: { ...base.tasks, onDuty: ['a:wang'], adminChannel: 'b:admins', ...patch },
  };
  const audit = new AuditLog(store.db, clock);
  const ports = new RecordingPorts();
  const orders = new Map<string, TaskOrderInfo>();
  let hubRef: ChatHub<TaskBotServices> | undefined;
  const chat = createHubTaskChat(() => {
    if (!hubRef) throw new Error('hub not built yet');
    return hubRef;
  }, { language: () => settings.language });
  const tasks = new TaskService({
    db: store.db,
    audit,
    settings: () => settings,
    clock,
    log: createSilentLogger(),
    chat,
    orders: { lookup: async (id) => orders.get(id) },
    executors: ports,
    backoff: { baseMs: 1000, maxMs: 4000 },
    random: () => 0.5,
  });
  const hub = new ChatHub<TaskBotServices>({
    settings: () => settings,
    posted: store.posted,
    commands: [tasksCommand, approveCommand, rejectCommand],
    actions: [openTaskAction, approveTaskAction, chooseTaskAction, rejectTaskAction, claimTaskAction, snoozeTaskAction, undoTaskAction, retryTaskAction],
    services: { tasks },
    clock,
    log: createSilentLogger(),
  });
  hubRef = hub;
  const a = new MemoryChat('a', undefined, () => clock.now());
  const b = new MemoryChat('b', undefined, () => clock.now());
  hub.register(a);
  hub.register(b);
  await hub.start();
  return { store, clock, settings, audit, ports, tasks, hub, a, b, orders };
}

/** A mismatch finding: ERP says cancelled, WMS says shipped. */
export function mismatchFinding(orderId = 'A100'): Finding {
  return {
    kind: 'mismatch',
    fingerprint: `mismatch:${orderId}:erp:wms`,
    source: 'erp',
    orderId,
    details: {
      views: [
        { system: 'erp', status: 'cancelled', raw: 'TRADE_CANCELED', updatedAt: T0 - 3_600_000 },
        { system: 'wms', status: 'shipped', raw: 'SHIPPED', updatedAt: T0 - 1_800_000 },
      ],
      since: T0 - 3_600_000,
    },
  };
}

/** A stock finding for a paid order. */
export function stockFinding(orderId = 'S200'): Finding {
  return { kind: 'stock', fingerprint: `stock:${orderId}:wms`, source: 'wms', orderId, details: { system: 'wms', raw: 'STOCK_SHORT', status: 'paid', since: T0 - 600_000, items: [{ sku: 'SKU-1', qty: 2 }] } };
}

let seq = 0;

/** A click on a task card button as platform `platform` delivers it. */
export function click(platform: string, user: string, actionId: string, value: string, messageId?: string): ActionEvent {
  return {
    kind: 'action',
    dedupeKey: `click-${++seq}`,
    actor: { platform, userId: user },
    place: { platform, channelId: 'ops' },
    actionId,
    value,
    message: messageId ? { platform, channelId: 'ops', messageId } : undefined,
    raw: null,
  };
}

/** A typed command. */
export function command(platform: string, user: string, name: string, args: string[]): CommandEvent {
  return { kind: 'command', dedupeKey: `cmd-${++seq}`, actor: { platform, userId: user }, place: { platform, channelId: 'ops' }, name, args, text: args.join(' '), raw: null };
}

/** The cards on a platform's channel, oldest first. */
export function cardsIn(chat: MemoryChat, channelId: string): { id: string; card: Card; versions: number }[] {
  return [...chat.messages.values()].filter((m) => m.channelId === channelId && typeof m.content !== 'string').map((m) => ({ id: m.id, card: m.content as Card, versions: m.versions }));
}

/**
 * Advances the manual clock until `p` settles (executor backoff sleeps on it). Bounded by wall time, not by a count of
 * event-loop turns: on a busy machine SQLite's work takes many more turns, and a loop that gave up early left `p`
 * waiting on a sleep nobody would advance (the test was then cancelled with the event loop empty).
 */
export async function settle<T>(clock: ManualClock, p: Promise<T>, stepMs = 1000, wallMs = 60_000): Promise<T> {
  let done = false;
  const watched = p.finally(() => {
    done = true;
  });
  const deadline = Date.now() + wallMs;
  while (!done) {
    if (Date.now() > deadline) throw new Error(`settle: still pending after ${wallMs} ms of wall time`);
    if (clock.pendingSleeps() > 0) clock.advance(stepMs);
    // A timer, not setImmediate: it keeps the event loop alive while I/O (SQLite) is in flight.
    await new Promise((r) => setTimeout(r, 1));
  }
  return watched;
}
