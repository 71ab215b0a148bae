// One-call wiring for the composition root: ports from the notifier, the template channel and the store, and the
// adapter that turns a task executor's requestCustomerNotification into a conversation.
import type { Clock } from '../core/clock.ts';
import { PermanentError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { CustomerChannel, CustomerMessage, Recipient } from '../core/notify.ts';
import type { Notifier } from '../notify/index.ts';
import type { PrefsRepo } from '../notify/prefs.ts';
import type { Db } from '../store/db.ts';
import { ConversationService } from './service.ts';
import { isAskTemplate, type AskTemplate, type ChatWithCustomer, type ConversationPorts } from './types.ts';

/** Default time a customer has to answer. */
export const DEFAULT_DEADLINE_MS = 24 * 3_600_000;
/** The choice applied when nobody answers: never the one that costs the customer money or loses their order. */
export const DEFAULT_CHOICES: Readonly<Record<AskTemplate, string>> = { ask_stock: 'wait', ask_price: 'decline', ask_address: 'confirm' };

/** A chat that reaches nobody (no wechaty bot configured): every question goes out as a template message. */
export const NO_CHAT: ChatWithCustomer = {
  canReach: () => false,
  say: () => Promise.reject(new PermanentError('recipient.unreachable', 'no chat with customers is configured')),
};

/** `sendTemplate` over the WeChat template channel (PermanentError when it is missing or cannot reach the customer). */
export function templateSender(channel: CustomerChannel | undefined): (message: CustomerMessage) => Promise<void> {
  return async (message) => {
    if (!channel) throw new PermanentError('conversation.no_template_channel', 'no WeChat template channel is configured');
    if (!channel.canReach(message.recipient)) throw new PermanentError('recipient.unreachable', 'the WeChat template channel cannot reach the customer');
    await channel.send(message);
  };
}

/** The customer of an order (from the synced order and the notify preferences), or undefined. */
export async function findOrderCustomer(db: Db, prefs: PrefsRepo, orderId: string): Promise<Recipient | undefined> {
  const row = await db.get<{ customer_id: string | null }>('SELECT customer_id FROM order_canonical WHERE order_id = ?', [orderId]);
  if (!row?.customer_id) return undefined;
  return (await prefs.profile(row.customer_id)).recipient;
}

/** The customer linked to a wechaty contact (by contact id, or by name when only the name is stored), if exactly one. */
export async function findContactCustomer(db: Db, who: string, name?: string): Promise<string | undefined> {
  const rows = await db.all<{ customer_id: string }>('SELECT customer_id FROM notify_prefs WHERE wechaty_id IN (?, ?) LIMIT 2', [who, name ?? who]);
  return rows.length === 1 ? rows[0]?.customer_id : undefined;
}

/** What `createConversations` needs; `handoff` and `decide` are the lead's tasks/executor glue. */
export interface ConversationWiring {
  db: Db;
  clock: Clock;
  log: Logger;
  notifier: Pick<Notifier, 'handleCustomerReply' | 'prefs'>;
  /** `createWechatyChat(bot, log)`, or NO_CHAT without a bot. */
  chat: ChatWithCustomer;
  /** The configured WeChat template channel, if any (`channels.find((c) => c.name === 'wechat_template')`). */
  templateChannel?: CustomerChannel | undefined;
  handoff: ConversationPorts['handoff'];
  decide: ConversationPorts['decide'];
  report?: ConversationPorts['report'];
  deadlineMs?: Partial<Record<AskTemplate, number>>;
  defaults?: Partial<Record<AskTemplate, string>>;
}

/** The service plus the executor adapter. */
export interface Conversations {
  service: ConversationService;
  /** Wraps an existing requestCustomerNotification: ask_* templates start conversations, anything else goes to `fallback`. */
  adaptRequest(fallback: RequestCustomerNotification): RequestCustomerNotification;
}

/** The shape of TaskExecutorPorts.requestCustomerNotification. */
export type RequestCustomerNotification = (orderId: string, template: string, vars: Record<string, string | number>) => Promise<void>;

/** Builds the conversation service from the notifier, a chat, the template channel and the lead's handoff/decide glue. */
export function createConversations(w: ConversationWiring): Conversations {
  const service = new ConversationService({
    db: w.db,
    clock: w.clock,
    log: w.log.child({ module: 'conversations' }),
    ports: {
      chat: w.chat,
      sendTemplate: templateSender(w.templateChannel),
      handleCustomerReply: (customerId, text) => w.notifier.handleCustomerReply(customerId, text),
      handoff: w.handoff,
      decide: w.decide,
      resolveCustomer: (who, name) => findContactCustomer(w.db, who, name),
      ...(w.report ? { report: w.report } : {}),
    },
  });
  return {
    service,
    adaptRequest: (fallback) =>
      adaptCustomerNotification({
        service,
        findCustomer: (orderId) => findOrderCustomer(w.db, w.notifier.prefs, orderId),
        deadlineMs: (t) => w.deadlineMs?.[t] ?? DEFAULT_DEADLINE_MS,
        defaultChoice: (t) => w.defaults?.[t] ?? DEFAULT_CHOICES[t],
        fallback,
      }),
  };
}

/** What `adaptCustomerNotification` needs. */
export interface AdaptDeps {
  service: Pick<ConversationService, 'start'>;
  findCustomer(orderId: string): Promise<Recipient | undefined>;
  deadlineMs(template: AskTemplate): number;
  defaultChoice(template: AskTemplate): string;
  fallback: RequestCustomerNotification;
}

/** requestCustomerNotification that starts a conversation for ask_* templates (throws PermanentError when the order has no customer). */
export function adaptCustomerNotification(deps: AdaptDeps): RequestCustomerNotification {
  return async (orderId, template, vars) => {
    if (!isAskTemplate(template)) return deps.fallback(orderId, template, vars);
    const customer = await deps.findCustomer(orderId);
    if (!customer) throw new PermanentError('conversation.no_customer', `order ${orderId} has no customer to ask`, { orderId, template });
    await deps.service.start({ orderId, customer, template, vars, deadlineMs: deps.deadlineMs(template), defaultChoice: deps.defaultChoice(template) });
  };
}
