// Conversation test world: a real SQLite store, the real notifier's opt-out handling, a manual clock, and ports that
// record what they were asked (the chat and template ports reach customers the way the real channels decide it).
import type { TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.ts';
import { PermanentError } from '../../src/core/errors.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { CustomerMessage, Recipient } from '../../src/core/notify.ts';
import { ConversationService } from '../../src/conversations/service.ts';
import type { ChatWithCustomer, ConversationDecision, ConversationEvent, ConversationPorts, Handoff } from '../../src/conversations/types.ts';
import { createNotifier, DEFAULT_NOTIFY_SETTINGS, type Notifier } from '../../src/notify/index.ts';
import type { Store } from '../../src/store/index.ts';
import { tempStore } from '../helpers/temp.ts';

/** Start of test time. */
export const T0 = Date.UTC(2026, 5, 1, 2, 0);
/** An hour. */
export const HOUR = 3_600_000;

/** A chat that reaches recipients with a wechatyId and keeps what it said per contact. */
export class RecordingChat implements ChatWithCustomer {
  readonly said = new Map<string, string[]>();
  /** Errors thrown by the next says. */
  failures: Error[] = [];
  canReach(r: Recipient): boolean {
    return Boolean(r.wechatyId);
  }
  async say(r: Recipient, text: string): Promise<void> {
    const err = this.failures.shift();
    if (err) throw err;
    const list = this.said.get(r.wechatyId ?? '') ?? [];
    list.push(text);
    this.said.set(r.wechatyId ?? '', list);
  }
}

/** Everything the decide, handoff, template and report ports were asked. */
export class RecordingPorts {
  readonly decisions: ConversationDecision[] = [];
  readonly handoffs: Handoff[] = [];
  readonly templates: CustomerMessage[] = [];
  readonly events: ConversationEvent[] = [];
  decideFailures: Error[] = [];
  /** Like the WeChat template channel: needs an openid, never sends one key twice. */
  async sendTemplate(message: CustomerMessage): Promise<void> {
    if (!message.recipient.openid) throw new PermanentError('recipient.unreachable', 'recipient has no WeChat openid');
    if (this.templates.some((m) => m.key === message.key)) return;
    this.templates.push(message);
  }
  async decide(d: ConversationDecision): Promise<void> {
    const err = this.decideFailures.shift();
    if (err) throw err;
    this.decisions.push(d);
  }
  async handoff(h: Handoff): Promise<void> {
    this.handoffs.push(h);
  }
}

/** The conversation world. */
export interface ConversationWorld {
  store: Store;
  clock: ManualClock;
  notifier: Notifier;
  recorded: RecordingPorts;
  ports: ConversationPorts;
  service: ConversationService;
}

/** Builds the world over `chat` (a RecordingChat by default). */
export async function makeWorld(t: TestContext, chat: ChatWithCustomer = new RecordingChat()): Promise<ConversationWorld> {
  const { store } = await tempStore(t);
  const clock = new ManualClock(T0);
  const log = createSilentLogger();
  const notifier = createNotifier({ db: store.db, channels: [], settings: DEFAULT_NOTIFY_SETTINGS, clock, log });
  const recorded = new RecordingPorts();
  const ports: ConversationPorts = {
    chat,
    sendTemplate: (m) => recorded.sendTemplate(m),
    handleCustomerReply: (id, text) => notifier.handleCustomerReply(id, text),
    handoff: (h) => recorded.handoff(h),
    decide: (d) => recorded.decide(d),
    report: (e) => void recorded.events.push(e),
  };
  const service = new ConversationService({ db: store.db, ports, clock, log });
  return { store, clock, notifier, recorded, ports, service };
}

/** A stock question to `customer` about order `orderId`. */
export function stockQuestion(customer: Recipient, orderId = 'SO1', over: Partial<Parameters<ConversationService['start']>[0]> = {}): Parameters<ConversationService['start']>[0] {
  return { orderId, customer, template: 'ask_stock', vars: { item: 'Blue Mug', taskId: 7 }, deadlineMs: 2 * HOUR, defaultChoice: 'wait', ...over };
}
