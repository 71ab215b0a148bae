// Feishu inbound: a verified, decrypted body → a typed delivery (400 on anything malformed), and an envelope →
// a neutral event plus where answers go. Works on the wire form; the SDK's flattened form is re-nested first.
import type { z } from 'zod';
import type { ActionEvent, CommandEvent, InboundEvent, MessageEvent } from '../../core/chat.ts';
import { PermanentError } from '../../core/errors.ts';
import {
  buttonValueSchema,
  cardActionSchema,
  describeIssues,
  encryptedSchema,
  envelopeSchema,
  messageEventSchema,
  urlVerificationSchema,
  v1EventSchema,
  type CardActionBody,
  type FeishuEnvelope,
  type MessageEventBody,
} from './payloads.ts';

/** A body we refuse with 400. */
export class FeishuBodyError extends PermanentError {
  constructor(message: string) {
    super('feishu.bad_body', message);
  }
}

/** Event types we act on. */
export const MESSAGE_EVENT = 'im.message.receive_v1';
/** The new-style card callback. */
export const CARD_ACTION_EVENT = 'card.action.trigger';

/** What one (decrypted) delivery is. */
export type FeishuDelivery =
  | { kind: 'url_verification'; challenge: string; token: string | undefined }
  | { kind: 'event'; envelope: FeishuEnvelope; body: Record<string, unknown> }
  | { kind: 'v1'; token: string; type: string };

/** Where and to whom an answer goes. */
export interface FeishuReplyTarget {
  chatId: string;
  openId: string;
  /** Known for messages; a click does not say. */
  chatType?: 'p2p' | 'group' | undefined;
  /** The clicked card's message (clicks only). */
  messageId?: string | undefined;
}

/** A neutral event and how to answer it. */
export interface FeishuInbound {
  event: InboundEvent;
  target: FeishuReplyTarget;
}

const PLATFORM = 'feishu';
const HEADER_KEYS = new Set(['event_id', 'event_type', 'create_time', 'app_id', 'tenant_key']);

/** Parses JSON text into an object; FeishuBodyError otherwise. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FeishuBodyError(`${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FeishuBodyError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function check<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new FeishuBodyError(describeIssues(r.error));
  return r.data;
}

/** The `encrypt` field when the body is an encrypted wrapper. */
export function encryptedField(body: Record<string, unknown>): string | undefined {
  const r = encryptedSchema.safeParse(body);
  return r.success ? r.data.encrypt : undefined;
}

/** Classifies a plaintext body; throws FeishuBodyError for anything malformed. */
export function parseFeishuBody(body: Record<string, unknown>): FeishuDelivery {
  if (body.type === 'url_verification') {
    const v = check(urlVerificationSchema, body);
    return { kind: 'url_verification', challenge: v.challenge, token: v.token };
  }
  if (body.schema !== undefined) {
    // The event itself is checked (toFeishuInbound) once the token says who sent it.
    return { kind: 'event', envelope: check(envelopeSchema, body), body };
  }
  if (body.type === 'event_callback') {
    const v = check(v1EventSchema, body);
    return { kind: 'v1', token: v.token, type: v.event.type };
  }
  throw new FeishuBodyError('neither a v2 envelope (schema 2.0), a v1 event nor url_verification');
}

/** The wire form of an event the SDK's EventDispatcher flattened (header and event fields merged). */
export function unflattenSdkEvent(flat: Record<string, unknown>): Record<string, unknown> {
  const header: Record<string, unknown> = {};
  const event: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    if (k === 'schema') continue;
    (HEADER_KEYS.has(k) ? header : event)[k] = v;
  }
  return { schema: flat.schema ?? '2.0', header, event };
}

/** `LarkLocale/en_US` in the client's user agent → `en-US`. */
export function localeOfUserAgent(userAgent: string | undefined): string | undefined {
  const m = /LarkLocale\/([a-zA-Z]{2,3})[_-]([a-zA-Z]{2,4})/.exec(userAgent ?? '');
  return m ? `${(m[1] ?? '').toLowerCase()}-${m[2] ?? ''}` : undefined;
}

function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/**
 * A chat line → a command: `/order A1` → order [A1]; `/orderops order A1` and (p2p or @bot) `order A1` → order
 * [A1]; a bare `/orderops` or @bot → help. Undefined for a group line that neither mentions nor starts with `/`.
 */
export function parseFeishuCommand(text: string, addressed: boolean, mainCommand: string): { name: string; args: string[]; text: string } | undefined {
  const trimmed = text.trim();
  let line = trimmed;
  if (trimmed.startsWith('/')) {
    const [first = '', ...rest] = words(trimmed);
    const name = first.slice(1).toLowerCase();
    const restText = trimmed.slice(first.length).trim();
    if (name !== mainCommand.toLowerCase()) return { name, args: rest, text: restText };
    line = restText;
  } else if (!addressed) return undefined;
  const [first, ...rest] = words(line);
  if (!first) return { name: 'help', args: [], text: '' };
  return { name: first.replace(/^\//, '').toLowerCase(), args: rest, text: line.slice(line.indexOf(first) + first.length).trim() };
}

function textOf(content: string): string | undefined {
  try {
    const v: unknown = JSON.parse(content);
    const text = typeof v === 'object' && v !== null ? (v as { text?: unknown }).text : undefined;
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}

function messageInbound(envelope: FeishuEnvelope, e: MessageEventBody, mainCommand: string): FeishuInbound | undefined {
  const openId = e.sender.sender_id?.open_id;
  // Bots (ours included) and non-text messages are acknowledged and go nowhere.
  if (e.sender.sender_type !== 'user' || !openId || e.message.message_type !== 'text') return undefined;
  const raw = textOf(e.message.content);
  if (raw === undefined) return undefined;
  const mentioned = /@_user_\d+/.test(raw) || (e.message.mentions?.length ?? 0) > 0;
  const text = raw.replace(/@_user_\d+/g, ' ').replace(/[ \t]+/g, ' ').trim();
  const chatType = e.message.chat_type === 'p2p' ? 'p2p' : 'group';
  const base = {
    dedupeKey: envelope.header.event_id,
    actor: { platform: PLATFORM, userId: openId },
    place: { platform: PLATFORM, channelId: e.message.chat_id, threadId: e.message.thread_id },
    locale: localeOfUserAgent(e.message.user_agent),
    raw: envelope,
  };
  const target: FeishuReplyTarget = { chatId: e.message.chat_id, openId, chatType };
  const line = parseFeishuCommand(text, chatType === 'p2p' || mentioned, mainCommand);
  if (line) {
    const event: CommandEvent = { kind: 'command', ...base, ...line };
    return { event, target };
  }
  const event: MessageEvent = { kind: 'message', ...base, text };
  return { event, target };
}

function actionInbound(envelope: FeishuEnvelope, e: CardActionBody): FeishuInbound {
  const ours = buttonValueSchema.safeParse(e.action.value);
  // A button we did not render (another app's card, a doc example) still becomes an event: the hub answers it.
  const actionId = ours.success ? ours.data.action : (e.action.name ?? e.action.tag ?? '');
  const value = ours.success ? ours.data.value : typeof e.action.value === 'string' ? e.action.value : JSON.stringify(e.action.value ?? {});
  const { open_chat_id: chatId, open_message_id: messageId } = e.context;
  const event: ActionEvent = {
    kind: 'action',
    dedupeKey: envelope.header.event_id,
    actor: { platform: PLATFORM, userId: e.operator.open_id },
    place: { platform: PLATFORM, channelId: chatId },
    raw: envelope,
    actionId,
    value,
    message: { platform: PLATFORM, channelId: chatId, messageId },
  };
  return { event, target: { chatId, openId: e.operator.open_id, messageId } };
}

/** The neutral event of a wire-form envelope; undefined for what we acknowledge and ignore. Throws when malformed. */
export function toFeishuInbound(body: unknown, mainCommand: string): FeishuInbound | undefined {
  const envelope = check(envelopeSchema, body);
  if (envelope.header.event_type === MESSAGE_EVENT) return messageInbound(envelope, check(messageEventSchema, envelope.event), mainCommand);
  if (envelope.header.event_type === CARD_ACTION_EVENT) return actionInbound(envelope, check(cardActionSchema, envelope.event));
  return undefined;
}
