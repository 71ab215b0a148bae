// Neutral inbound events and the ports every chat platform adapter implements.
import type { Card } from './card.ts';

/** Who did something, on which platform. */
export interface Actor {
  platform: string;
  userId: string;
  name?: string | undefined;
}

/** Where something happened. */
export interface Place {
  platform: string;
  channelId: string;
  threadId?: string | undefined;
}

/** A posted message that can be updated later. */
export interface PostedRef {
  platform: string;
  channelId: string;
  messageId: string;
}

interface InboundBase {
  /** Delivery identity used to process a platform's retries once. */
  dedupeKey: string;
  actor: Actor;
  place: Place;
  /** The sender's language as the platform reports it, if any. */
  locale?: string | undefined;
  /** Who is signed in where it happened, when the platform lets one act for another (the console's acting-as). */
  session?: string | undefined;
  raw: unknown;
}

/** A typed command: `/order A123` → name `order`, args `['A123']`. */
export interface CommandEvent extends InboundBase {
  kind: 'command';
  name: string;
  args: string[];
  text: string;
}

/** A button click on a posted card. */
export interface ActionEvent extends InboundBase {
  kind: 'action';
  actionId: string;
  value: string;
  /** The message the clicked card lives in. */
  message?: PostedRef | undefined;
}

/** A plain message (not a command). */
export interface MessageEvent extends InboundBase {
  kind: 'message';
  text: string;
}

/** Anything a platform delivers to us. */
export type InboundEvent = CommandEvent | ActionEvent | MessageEvent;

/** What may be sent: a card or plain text. */
export type Outbound = Card | string;

/** How a handler answers the person who triggered an event. */
export interface Responder {
  /** Visible to everyone in the place. Returns where it was posted when the platform says. */
  reply(content: Outbound): Promise<PostedRef | undefined>;
  /** Visible only to the actor (toast, ephemeral message). */
  ephemeral(content: Outbound): Promise<void>;
}

/** Handles inbound events; adapters acknowledge the platform first and call this after. */
export type InboundHandler = (event: InboundEvent, respond: Responder) => Promise<void>;

/** Per-platform sending limits the hub's queues respect. */
export interface ChatLimits {
  /** Messages per second to one channel. */
  perChannelPerSecond: number;
  /** Burst allowance per channel. */
  burst: number;
}

/** One chat platform. */
export interface ChatAdapter {
  readonly platform: string;
  readonly limits: ChatLimits;
  /** Starts receiving; inbound events go to `handler`. */
  start(handler: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  /** Posts to a channel; resolves with the posted message's reference. */
  post(channelId: string, content: Outbound): Promise<PostedRef>;
  /**
   * Replaces a posted card in place. When the platform cannot (a message too old to edit, recalled or deleted, a
   * spent update code), the adapter posts a fresh copy instead and resolves with its reference, so the hub
   * remembers the new copy in place of the old one.
   */
  update(ref: PostedRef, content: Card): Promise<PostedRef | void>;
  /**
   * True when an update of `ref` right now travels in the answer to a click on it (Feishu's card callback), using
   * none of the platform's send quota: the hub then does not hold it in the channel's send queue.
   */
  answersInline?(ref: PostedRef): boolean;
}
