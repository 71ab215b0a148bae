// The console's "platform API": channels and messages in memory, every change pushed to open pages.
import { randomBytes } from 'node:crypto';
import type { Card } from '../../core/card.ts';
import type { Outbound, PostedRef } from '../../core/chat.ts';
import type { Clock } from '../../core/clock.ts';
import { PermanentError } from '../../core/errors.ts';
import { INBOX_SIZE, MESSAGES_PER_CHANNEL } from './limits.ts';
import { renderConsoleBody, renderConsoleCard, type ConsoleBody, type ConsoleButtonView } from './render.ts';
import type { SseHub } from './sse.ts';

/** Who wrote a message. */
export type ConsoleAuthor = { kind: 'bot' } | { kind: 'user'; userId: string; name: string };

/** One message as the page gets it. */
export interface ConsoleMessage {
  id: string;
  channelId: string;
  /** Posted at, epoch ms. */
  at: number;
  /** Goes up by one on every update; the page ignores anything older than what it shows. */
  version: number;
  author: ConsoleAuthor;
  body: ConsoleBody;
  /** Set on ephemeral messages: only this user sees them. */
  visibleTo?: string;
  updatedAt?: number;
}

/** A message sent to a customer, shown in the page's customer inbox panel. */
export interface ConsoleInboxItem {
  id: string;
  customer: string;
  /** The customer channel it went out on (wechat, sms, email…). */
  channel: string;
  text: string;
  /** Sent at, epoch ms. */
  at: number;
}

/** A short notice in the page's corner: literal `text`, or `key` of a console UI string. */
export interface ConsoleToast {
  id: string;
  level: 'info' | 'success' | 'warning' | 'error';
  text?: string;
  key?: string;
}

/** Channels, messages and the customer inbox, bounded in memory; every change goes out over SSE. */
export class ConsoleRoom {
  private readonly channels = new Map<string, ConsoleMessage[]>();
  private readonly byId = new Map<string, ConsoleMessage>();
  private readonly inbox: ConsoleInboxItem[] = [];
  // Message ids outlive the process in the hub's posted-cards table; a per-boot prefix keeps old refs from hitting new messages.
  private readonly boot = randomBytes(3).toString('hex');
  private seq = 0;

  constructor(
    private readonly sse: SseHub,
    private readonly clock: Clock,
  ) {}

  /** Posts a message to a channel (created on first use) and pushes it to every page, or only to `visibleTo`'s. */
  post(channelId: string, content: Outbound, author: ConsoleAuthor = { kind: 'bot' }, visibleTo?: string): ConsoleMessage {
    const msg: ConsoleMessage = {
      id: this.nextId('m'),
      channelId,
      at: this.clock.now(),
      version: 1,
      author,
      body: renderConsoleBody(content),
      ...(visibleTo === undefined ? {} : { visibleTo }),
    };
    let ring = this.channels.get(channelId);
    if (!ring) {
      ring = [];
      this.channels.set(channelId, ring);
      this.sse.send('channel', { channelId });
    }
    ring.push(msg);
    this.byId.set(msg.id, msg);
    while (ring.length > MESSAGES_PER_CHANNEL) {
      const old = ring.shift();
      if (old) this.byId.delete(old.id);
    }
    if (visibleTo === undefined) this.sse.send('message', { message: msg });
    else this.sse.send('ephemeral', { message: msg }, visibleTo);
    return msg;
  }

  /** Replaces a posted card in place; a message that is gone (or in another channel) is a PermanentError. */
  update(ref: PostedRef, card: Card): ConsoleMessage {
    const msg = this.byId.get(ref.messageId);
    if (!msg || msg.channelId !== ref.channelId) {
      throw new PermanentError('console.message_not_found', `no console message ${ref.messageId} in ${ref.channelId} (it may have left the ${MESSAGES_PER_CHANNEL}-message window)`);
    }
    msg.body = { kind: 'card', card: renderConsoleCard(card) };
    msg.version += 1;
    msg.updatedAt = this.clock.now();
    this.sse.send('message-updated', { message: msg }, msg.visibleTo);
    return msg;
  }

  /** A message `userId` can see, if it is still held. */
  find(messageId: string, userId: string): ConsoleMessage | undefined {
    const msg = this.byId.get(messageId);
    return msg && (msg.visibleTo === undefined || msg.visibleTo === userId) ? msg : undefined;
  }

  /** The button of a held card with this action id and value, if the card really has it. */
  button(msg: ConsoleMessage, actionId: string, value: string): ConsoleButtonView | undefined {
    if (msg.body.kind !== 'card') return undefined;
    for (const b of msg.body.card.blocks) {
      if (b.type !== 'actions') continue;
      const hit = b.buttons.find((x) => x.actionId === actionId && x.value === value);
      if (hit) return hit;
    }
    return undefined;
  }

  /** Channels that have held a message. */
  channelIds(): string[] {
    return [...this.channels.keys()];
  }

  /** Recent messages per channel as `userId` sees them (others' ephemeral messages left out). */
  messagesFor(userId: string | undefined): Record<string, ConsoleMessage[]> {
    const out: Record<string, ConsoleMessage[]> = {};
    for (const [id, ring] of this.channels) out[id] = ring.filter((m) => m.visibleTo === undefined || m.visibleTo === userId);
    return out;
  }

  /** Adds a customer message to the inbox panel and pushes it to every page. */
  pushInbox(item: Omit<ConsoleInboxItem, 'id'>): ConsoleInboxItem {
    const entry = { id: this.nextId('i'), ...item };
    this.inbox.push(entry);
    if (this.inbox.length > INBOX_SIZE) this.inbox.shift();
    this.sse.send('inbox', { item: entry });
    return entry;
  }

  /** The inbox, oldest first. */
  inboxItems(): ConsoleInboxItem[] {
    return [...this.inbox];
  }

  /** Shows a toast on every page, or only on `userId`'s. */
  toast(toast: Omit<ConsoleToast, 'id'>, userId?: string): void {
    this.sse.send('toast', { id: this.nextId('t'), ...toast }, userId);
  }

  private nextId(kind: string): string {
    this.seq += 1;
    return `${kind}${this.boot}-${this.seq.toString(36)}`;
  }
}
