// Slack inbound: raw body → a typed delivery (400 on anything malformed), and delivery → neutral events.
import type { z } from 'zod';
import type { ActionEvent, CommandEvent, InboundEvent, MessageEvent } from '../../core/chat.ts';
import { PermanentError } from '../../core/errors.ts';
import { decodeActionId } from './action-id.ts';
import {
  blockActionsSchema,
  describeIssues,
  eventCallbackSchema,
  slashCommandSchema,
  urlVerificationSchema,
  type BlockActionsBody,
  type EventCallbackBody,
  type SlashCommandBody,
} from './payloads.ts';

export { checkSlackSignature, computeSlackSignature } from './signature.ts';

/** A body we refuse with 400. */
export class SlackBodyError extends PermanentError {
  constructor(message: string) {
    super('slack.bad_body', message);
  }
}

/** What one HTTP delivery turned out to be. `body` is the payload object Bolt gets, `data` its parsed form. */
export type SlackDelivery =
  | { kind: 'url_verification'; challenge: string }
  | { kind: 'command'; body: Record<string, unknown>; data: SlashCommandBody }
  | { kind: 'block_actions'; body: Record<string, unknown>; data: BlockActionsBody }
  | { kind: 'event'; body: Record<string, unknown>; data: EventCallbackBody }
  | { kind: 'ignored'; type: string };

/** Where and to whom an answer goes, next to the neutral event. */
export interface SlackReplyTarget {
  channelId: string;
  userId: string;
  threadTs?: string | undefined;
  responseUrl?: string | undefined;
}

/** A neutral event and how to answer it. */
export interface SlackInbound {
  event: InboundEvent;
  target: SlackReplyTarget;
}

const PLATFORM = 'slack';

function isForm(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** True for Slack's unsigned `ssl_check=1` probe (answered 200 and nothing else). */
export function isSslCheck(raw: Buffer, contentType: string | undefined): boolean {
  // The substring test keeps the common case (every other request) from parsing the form twice.
  return raw.includes('ssl_check=') && isForm(contentType) && new URLSearchParams(raw.toString('utf8')).get('ssl_check') === '1';
}

function parseJson(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SlackBodyError(`${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SlackBodyError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function check<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new SlackBodyError(describeIssues(r.error));
  return r.data;
}

/** Parses and validates a signed request body; throws SlackBodyError for anything malformed. */
export function parseSlackBody(raw: Buffer, contentType: string | undefined): SlackDelivery {
  const text = raw.toString('utf8');
  if (isForm(contentType)) {
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    if (payload !== null) {
      const body = parseJson(payload, 'payload');
      const type = typeof body.type === 'string' ? body.type : '';
      if (type === '') throw new SlackBodyError('payload.type is missing');
      if (type !== 'block_actions') return { kind: 'ignored', type };
      return { kind: 'block_actions', body, data: check(blockActionsSchema, body) };
    }
    const body: Record<string, unknown> = Object.fromEntries(form.entries());
    return { kind: 'command', body, data: check(slashCommandSchema, body) };
  }
  if (!(contentType ?? '').toLowerCase().startsWith('application/json')) throw new SlackBodyError(`unsupported content type "${contentType ?? ''}"`);
  const body = parseJson(text, 'body');
  if (body.type === 'url_verification') return { kind: 'url_verification', challenge: check(urlVerificationSchema, body).challenge };
  if (body.type === 'event_callback') return { kind: 'event', body, data: check(eventCallbackSchema, body) };
  if (typeof body.type !== 'string') throw new SlackBodyError('body.type is missing');
  return { kind: 'ignored', type: body.type };
}

/** Splits a command line like Slack does not: words, with "double quoted" words kept together. */
function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** `/order A1` → order [A1]; `/orderops order A1` → order [A1]; a bare `/orderops` → help. */
export function parseCommandLine(command: string, text: string, mainCommand: string): { name: string; args: string[]; text: string } {
  const name = command.replace(/^\//, '').toLowerCase();
  const trimmed = text.trim();
  if (name !== mainCommand.toLowerCase()) return { name, args: words(trimmed), text: trimmed };
  const [first, ...rest] = words(trimmed);
  if (!first) return { name: 'help', args: [], text: '' };
  const restText = trimmed.slice(trimmed.indexOf(first) + first.length).trim();
  return { name: first.toLowerCase(), args: rest, text: restText };
}

function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function commandInbound(body: SlashCommandBody, raw: unknown, mainCommand: string): SlackInbound {
  const line = parseCommandLine(body.command, body.text, mainCommand);
  const event: CommandEvent = {
    kind: 'command',
    dedupeKey: body.trigger_id,
    actor: { platform: PLATFORM, userId: body.user_id, name: body.user_name },
    place: { platform: PLATFORM, channelId: body.channel_id },
    locale: body.locale,
    raw,
    ...line,
  };
  return { event, target: { channelId: body.channel_id, userId: body.user_id, responseUrl: body.response_url } };
}

function actionInbounds(body: BlockActionsBody, raw: unknown): SlackInbound[] {
  const user = body.user;
  const channelId = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  const threadTs = body.message?.thread_ts ?? body.container?.thread_ts;
  // A click on a Home tab or modal has no channel: answers go to the app's DM with the user.
  const place = { platform: PLATFORM, channelId: channelId ?? user.id, threadId: threadTs };
  const message = channelId && ts && body.container?.type !== 'view' ? { platform: PLATFORM, channelId, messageId: ts } : undefined;
  return body.actions.map((a) => {
    const event: ActionEvent = {
      kind: 'action',
      dedupeKey: `${a.action_ts}:${user.id}`,
      actor: { platform: PLATFORM, userId: user.id, name: user.name ?? user.username },
      place,
      locale: body.locale ?? user.locale,
      raw,
      actionId: decodeActionId(a.action_id),
      value: a.value ?? a.selected_option?.value ?? '',
      message,
    };
    return { event, target: { channelId: place.channelId, userId: user.id, threadTs, responseUrl: body.response_url } };
  });
}

function eventInbound(body: EventCallbackBody, raw: unknown, mainCommand: string): SlackInbound | undefined {
  const e = body.event;
  if (!e.user || !e.channel || e.bot_id || e.subtype) return undefined;
  const base = {
    dedupeKey: body.event_id,
    actor: { platform: PLATFORM, userId: e.user },
    place: { platform: PLATFORM, channelId: e.channel, threadId: e.thread_ts },
    locale: e.user_locale,
    raw,
  };
  const target = { channelId: e.channel, userId: e.user, threadTs: e.thread_ts ?? e.ts };
  const text = unescapeSlack((e.text ?? '').replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, '')).trim();
  if (e.type === 'app_mention') {
    // "@orderops order A1" reads like "/orderops order A1".
    const line = parseCommandLine(`/${mainCommand}`, text, mainCommand);
    const event: CommandEvent = { kind: 'command', ...base, ...line };
    return { event, target };
  }
  if (e.type === 'message') {
    const event: MessageEvent = { kind: 'message', ...base, text };
    return { event, target };
  }
  return undefined;
}

/** Neutral events of a delivery already parsed by `parseSlackBody`. */
export function inboundOfDelivery(delivery: SlackDelivery, mainCommand: string): SlackInbound[] {
  if (delivery.kind === 'command') return [commandInbound(delivery.data, delivery.body, mainCommand)];
  if (delivery.kind === 'block_actions') return actionInbounds(delivery.data, delivery.body);
  if (delivery.kind === 'event') {
    const one = eventInbound(delivery.data, delivery.body, mainCommand);
    return one ? [one] : [];
  }
  return [];
}

/** Neutral events of a payload (HTTP or Socket Mode); an empty list for anything we do not handle. */
export function toSlackInbound(body: unknown, mainCommand: string): SlackInbound[] {
  const rec = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (typeof rec.command === 'string') {
    const r = slashCommandSchema.safeParse(rec);
    return r.success ? [commandInbound(r.data, body, mainCommand)] : [];
  }
  if (rec.type === 'block_actions') {
    const r = blockActionsSchema.safeParse(rec);
    return r.success ? actionInbounds(r.data, body) : [];
  }
  if (rec.type === 'event_callback') {
    const r = eventCallbackSchema.safeParse(rec);
    const one = r.success ? eventInbound(r.data, body, mainCommand) : undefined;
    return one ? [one] : [];
  }
  return [];
}
