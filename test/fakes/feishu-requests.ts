// Plays Feishu's side of the event subscription: builds v2 envelopes (message, card click) like the platform
// does, encrypts them with the Encrypt Key when one is set, signs the exact bytes it sends, and posts them.
// Bodies go out pretty-printed, so only a check over the raw bytes passes (the SDK re-serializes).
import { randomBytes, randomUUID } from 'node:crypto';
import { encryptFeishu } from '../../src/adapters/feishu/crypto.ts';
import { computeFeishuSignature } from '../../src/adapters/feishu/signature.ts';
import type { Clock } from '../../src/core/clock.ts';

/** An HTTP answer. */
export interface FeishuAnswer {
  status: number;
  text: string;
  json: unknown;
}

/** What a message event says. */
export interface MessageSpec {
  eventId?: string;
  chatId: string;
  chatType?: 'p2p' | 'group';
  openId: string;
  text: string;
  /** Prefix the text with the bot's mention placeholder (@_user_1). */
  mention?: boolean;
  userAgent?: string;
  senderType?: 'user' | 'app';
  messageType?: string;
}

/** What a card click says. */
export interface ClickSpec {
  eventId?: string;
  openId: string;
  chatId: string;
  messageId: string;
  value: Record<string, unknown> | string;
}

/** Options of one send. */
export interface SendOptions {
  /** Override the timestamp header (seconds). */
  timestamp?: string;
  /** Sign with this key instead of the configured one (a forgery). */
  signKey?: string;
  /** Send without any signature headers. */
  unsigned?: boolean;
  /** Send these exact bytes (after encryption, if on). */
  raw?: string;
  encrypt?: boolean;
}

/** The requester. */
export class FeishuRequester {
  constructor(
    readonly url: string,
    readonly opts: { appId: string; verificationToken: string; encryptKey?: string | undefined; clock: Clock },
  ) {}

  private header(eventType: string, eventId: string | undefined, createTime: string): Record<string, unknown> {
    return { event_id: eventId ?? randomUUID().replace(/-/g, ''), event_type: eventType, create_time: createTime, token: this.opts.verificationToken, app_id: this.opts.appId, tenant_key: 'tenant-fake' };
  }

  /** An `im.message.receive_v1` envelope. */
  message(m: MessageSpec): Record<string, unknown> {
    const now = this.opts.clock.now();
    const text = m.mention ? `@_user_1 ${m.text}` : m.text;
    return {
      schema: '2.0',
      header: this.header('im.message.receive_v1', m.eventId, String(now)),
      event: {
        sender: { sender_id: { open_id: m.openId, union_id: `on_${m.openId}`, user_id: m.openId.slice(-8) }, sender_type: m.senderType ?? 'user', tenant_key: 'tenant-fake' },
        message: {
          message_id: `om_in_${randomBytes(6).toString('hex')}`,
          create_time: String(now),
          chat_id: m.chatId,
          chat_type: m.chatType ?? 'group',
          message_type: m.messageType ?? 'text',
          content: JSON.stringify({ text }),
          mentions: m.mention ? [{ key: '@_user_1', id: { open_id: 'ou_bot' }, name: 'orderops', tenant_key: 'tenant-fake' }] : [],
          ...(m.userAgent ? { user_agent: m.userAgent } : {}),
        },
      },
    };
  }

  /** A `card.action.trigger` envelope (create_time in microseconds, like Feishu). */
  click(c: ClickSpec): Record<string, unknown> {
    return {
      schema: '2.0',
      header: this.header('card.action.trigger', c.eventId, String(this.opts.clock.now() * 1000)),
      event: {
        operator: { tenant_key: 'tenant-fake', open_id: c.openId, union_id: `on_${c.openId}` },
        token: `c-${randomBytes(8).toString('hex')}`,
        action: { value: c.value, tag: 'button' },
        host: 'im_message',
        context: { open_message_id: c.messageId, open_chat_id: c.chatId },
      },
    };
  }

  /** The bytes and headers of a delivery, as Feishu would send them. */
  prepare(body: unknown, o: SendOptions = {}): { raw: string; headers: Record<string, string> } {
    const key = this.opts.encryptKey;
    const plain = o.raw ?? JSON.stringify(body, null, 2);
    const raw = (o.encrypt ?? key !== undefined) && key ? JSON.stringify({ encrypt: encryptFeishu(key, plain) }, null, 2) : plain;
    const timestamp = o.timestamp ?? String(Math.floor(this.opts.clock.now() / 1000));
    const nonce = randomBytes(8).toString('hex');
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (!o.unsigned) {
      headers['x-lark-request-timestamp'] = timestamp;
      headers['x-lark-request-nonce'] = nonce;
      const signKey = o.signKey ?? key;
      if (signKey) headers['x-lark-signature'] = computeFeishuSignature(signKey, timestamp, nonce, raw);
    }
    return { raw, headers };
  }

  /** Sends a delivery. */
  async send(body: unknown, o: SendOptions = {}): Promise<FeishuAnswer> {
    const { raw, headers } = this.prepare(body, o);
    const res = await fetch(this.url, { method: 'POST', headers, body: raw });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  }
}
