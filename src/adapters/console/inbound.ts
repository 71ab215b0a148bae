// Console POST bodies (zod-checked) -> neutral CommandEvent / MessageEvent / ActionEvent.
import { z } from 'zod';
import type { ActionEvent, Actor, CommandEvent, MessageEvent, PostedRef } from '../../core/chat.ts';
import { HttpError } from '../../http/server.ts';
import { MAX_TEXT_CHARS } from './limits.ts';

const PLATFORM = 'console';
// Client-generated ids: long enough to be unique, short and plain enough to log.
const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'letters, digits, - and _ (8 to 100)');
const ref = z.string().min(1).max(200);

/** POST /console/api/command body. */
export const commandBodySchema = z.object({
  user: ref,
  channel: ref,
  text: z.string().trim().min(1).max(MAX_TEXT_CHARS),
  /** Client-generated submit id: a resubmit with the same id is processed once. */
  id: clientId,
  /** The page's language, reported as the sender's locale. */
  locale: z.string().max(20).optional(),
});
/** A parsed command body. */
export type CommandBody = z.infer<typeof commandBodySchema>;

/** POST /console/api/action body. */
export const actionBodySchema = z.object({
  user: ref,
  channel: ref,
  messageId: ref,
  actionId: z.string().min(1).max(255),
  value: z.string().max(2000),
  /** Client-generated click id: a repeated delivery of one click is processed once. */
  clickId: clientId,
  locale: z.string().max(20).optional(),
});
/** A parsed action body. */
export type ActionBody = z.infer<typeof actionBodySchema>;

/** Parses raw JSON bytes with a schema; bad JSON or a bad shape is a 400 with the reason. */
export function parseConsoleBody<T>(raw: Buffer, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'bad_json', `body is not JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new HttpError(400, 'bad_request', reason);
  }
  return parsed.data;
}

/** Splits a command line into words; "double quotes" keep spaces (the hub splits the same way). */
export function splitCommandWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** `/order A1` → a CommandEvent (name `order`, args `['A1']`, text `A1`); anything else → a MessageEvent. */
export function toConsoleEvent(body: CommandBody, actor: Actor): CommandEvent | MessageEvent {
  const base = {
    dedupeKey: `command:${body.id}`,
    actor,
    place: { platform: PLATFORM, channelId: body.channel },
    locale: body.locale,
    raw: body,
  };
  const m = /^\/(\S+)\s*([\s\S]*)$/.exec(body.text);
  if (!m) return { ...base, kind: 'message', text: body.text };
  const rest = (m[2] ?? '').trim();
  return { ...base, kind: 'command', name: (m[1] ?? '').toLowerCase(), args: splitCommandWords(rest), text: rest };
}

/** A click on a card button → an ActionEvent carrying the message the card lives in. */
export function toConsoleActionEvent(body: ActionBody, actor: Actor): ActionEvent {
  const message: PostedRef = { platform: PLATFORM, channelId: body.channel, messageId: body.messageId };
  return {
    kind: 'action',
    dedupeKey: `click:${body.clickId}`,
    actor,
    place: { platform: PLATFORM, channelId: body.channel },
    locale: body.locale,
    raw: body,
    actionId: body.actionId,
    value: body.value,
    message,
  };
}
