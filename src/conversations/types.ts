// The conversation vocabulary: states, choices, transcript entries and the ports the service works through.
import type { CustomerChannelName, CustomerMessage, Recipient } from '../core/notify.ts';
import type { ReplyOutcome } from '../notify/opt-out.ts';

/** Templates that ask the customer something (the others are conversation steps). */
export const ASK_TEMPLATES = ['ask_stock', 'ask_price', 'ask_address'] as const;
/** One asking template. */
export type AskTemplate = (typeof ASK_TEMPLATES)[number];

/** True when `template` asks the customer something (so a conversation should carry it). */
export function isAskTemplate(template: string): template is AskTemplate {
  return (ASK_TEMPLATES as readonly string[]).includes(template);
}

/** Lifecycle: queued (another question to the same customer is open) → asking → clarifying → one of the closed states. */
export const CONVERSATION_STATES = ['queued', 'asking', 'clarifying', 'decided', 'handed_off', 'timed_out'] as const;
/** One conversation state. */
export type ConversationState = (typeof CONVERSATION_STATES)[number];
/** States in which a reply still counts. */
export const OPEN_STATES: readonly ConversationState[] = ['asking', 'clarifying'];

/** How a message travelled: the wechaty chat, a WeChat template message (with its link), or the reply route given to onReply. */
export type TranscriptChannel = Extract<CustomerChannelName, 'wechaty' | 'wechat_template'> | 'reply';

/** One message of a conversation, either way. */
export interface TranscriptEntry {
  direction: 'out' | 'in';
  channel: TranscriptChannel;
  /** The template or step it was (`ask_stock`, `clarify`, `decided`, `reply`, `optout`...). */
  kind: string;
  text: string;
  at: number;
}

/** One conversation as stored. */
export interface Conversation {
  id: number;
  key: string;
  orderId: string;
  customerId: string;
  recipient: Recipient;
  template: AskTemplate;
  vars: Record<string, string>;
  taskId: number | null;
  state: ConversationState;
  /** Where the question went: wechaty, or the template fallback; null while not yet sent. */
  channel: TranscriptChannel | null;
  defaultChoice: string;
  decision: string | null;
  decidedBy: 'customer' | 'default' | null;
  clarifications: number;
  optedOut: boolean;
  deadlineMs: number;
  deadlineAt: number | null;
  writeback: 'pending' | 'done' | null;
  writebackError: string | null;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

/** What `start` needs. */
export interface StartInput {
  orderId: string;
  customer: Recipient;
  template: AskTemplate;
  /** Values the texts interpolate (item, amounts, address…); numbers are turned into text. */
  vars: Record<string, string | number>;
  taskId?: number | undefined;
  /** How long the customer has to answer once asked. */
  deadlineMs: number;
  /** The choice applied when the deadline passes (must be one of the template's choices). */
  defaultChoice: string;
  /** Idempotency key; default `order:template:task` so a retried request does not ask twice. */
  key?: string | undefined;
}

/** The shop's chat with a customer (wechaty): whether it can reach them, and saying a text. */
export interface ChatWithCustomer {
  canReach(recipient: Recipient): boolean;
  /** Throws when the text could not be handed over. */
  say(recipient: Recipient, text: string): Promise<void>;
}

/** A handed-off conversation, for the staff task card. */
export interface Handoff {
  conversation: Conversation;
  transcript: TranscriptEntry[];
}

/** A decision to write back to the order and the original task card. */
export interface ConversationDecision {
  conversation: Conversation;
  choice: string;
}

/** Something the service did on its own (for logs, metrics, staff notices). */
export type ConversationEvent =
  | { kind: 'timed_out'; conversation: Conversation; choice: string }
  | { kind: 'writeback_failed'; conversation: Conversation; error: string };

/** The ports the lead wires: the chat, the template fallback, opt-out handling, handoff and decisions. */
export interface ConversationPorts {
  chat: ChatWithCustomer;
  /** Sends a WeChat template message (with its link) when the chat cannot reach the customer; throws on failure. */
  sendTemplate(message: CustomerMessage): Promise<void>;
  /** The notifier's opt-out/opt-in handling; called first on every reply. */
  handleCustomerReply(customerId: string, text: string): Promise<ReplyOutcome>;
  /** Opens a staff task (card) carrying the whole transcript. Must tolerate being called again for the same conversation id. */
  handoff(handoff: Handoff): Promise<void>;
  /** Writes the decision back (executors, the original task card). Must tolerate being called again for the same conversation id. */
  decide(decision: ConversationDecision): Promise<void>;
  /** Maps a reply's sender (wechaty contact id / name) to a customer when no conversation names them. */
  resolveCustomer?(who: string, name?: string): Promise<string | undefined>;
  /** Told about timeouts and failed write-backs. */
  report?(event: ConversationEvent): void;
}
