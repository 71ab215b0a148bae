// The port customer notification channels implement, and the message they carry.
import type { Language } from './i18n.ts';

/** Channel names, in the order a customer may prefer them. */
export const CUSTOMER_CHANNELS = ['wechat_template', 'wechaty', 'sms', 'email', 'console'] as const;
/** One customer channel. */
export type CustomerChannelName = (typeof CUSTOMER_CHANNELS)[number];

/** Who receives a message, and how they can be reached. */
export interface Recipient {
  customerId: string;
  name?: string | undefined;
  openid?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  /** The wechaty contact id or name, when the customer chats with the shop's WeChat account. */
  wechatyId?: string | undefined;
  language: Language;
  timeZone?: string | undefined;
}

/** One message to one customer, already decided (what, to whom, in which language). */
export interface CustomerMessage {
  /** Idempotency key: (order, status, template) — a channel never sends the same key twice. */
  key: string;
  recipient: Recipient;
  orderId: string;
  /** What the message is about: a canonical status (`shipped`) or a conversation template (`ask_stock`). */
  template: string;
  /** Values the texts interpolate (order id, carrier, amount…). */
  vars: Record<string, string>;
  /** Urgent messages may bypass quiet hours. */
  urgent: boolean;
}

/** What a channel reports after handing a message over. */
export interface SendReceipt {
  channel: CustomerChannelName;
  /** The provider's message id (WeChat msgid, SMS id, SMTP message id). */
  providerId?: string | undefined;
}

/** A way to reach customers. Errors: RetryableError (try again later), PermanentError (move to the next channel). */
export interface CustomerChannel {
  readonly name: CustomerChannelName;
  /** True when the recipient has what this channel needs (openid, phone, email…) and the channel is not paused. */
  canReach(recipient: Recipient): boolean;
  /** Sends one message; must be idempotent on `message.key` where the provider allows it. */
  send(message: CustomerMessage): Promise<SendReceipt>;
}
