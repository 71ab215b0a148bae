// WeCom inbound: decrypted messages → neutral events. A member types to the app ("/order A1" or "order A1") and
// clicks card buttons (template_card_event); everything else is acknowledged and ignored.
import type { ActionEvent, CommandEvent } from '../../core/chat.ts';
import type { ButtonTarget } from './button-key.ts';
import type { cardEventSchema, SelectedItem, textMessageSchema } from './payloads.ts';
import type { z } from 'zod';

export { WeComCrypto, WeComCryptoError, computeWeComSignature } from './crypto.ts';
export { parseWeComEnvelope, parseWeComMessage, WeComBodyError, type WeComMessage } from './payloads.ts';

/** The platform name in refs, actors and settings keys (`wecom:<userid>`). */
export const WECOM_PLATFORM = 'wecom';

/** Where and to whom an answer goes, next to the neutral event. */
export interface WeComReplyTarget {
  /** The member who typed or clicked (ephemeral answers go to them alone). */
  userId: string;
  /** Where replies go: the member for a typed command, the card's channel for a click. */
  channelId: string;
}

/** A neutral event, how to answer it, and the update code a click brought. */
export interface WeComInbound {
  event: CommandEvent | ActionEvent;
  target: WeComReplyTarget;
  responseCode?: { taskId: string; code: string } | undefined;
}

/** Words of a command line, with "double quoted" words kept together. */
function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** `/order A1` or `order A1` → order [A1]; undefined for an empty line. */
export function parseCommandText(text: string): { name: string; args: string[]; text: string } | undefined {
  const trimmed = text.replace(/\u00a0/g, ' ').trim().replace(/^[/／]/, '');
  const [first, ...args] = words(trimmed);
  if (!first) return undefined;
  return { name: first.toLowerCase(), args, text: trimmed.slice(trimmed.indexOf(first) + first.length).trim() };
}

/** A typed text as a command; undefined for an empty text. */
export function commandInbound(data: z.infer<typeof textMessageSchema>): WeComInbound | undefined {
  const line = parseCommandText(data.Content);
  if (!line) return undefined;
  const user = data.FromUserName;
  const event: CommandEvent = {
    kind: 'command',
    // WeCom retries a delivery with the same MsgId.
    dedupeKey: `msg:${data.MsgId}`,
    actor: { platform: WECOM_PLATFORM, userId: user },
    place: { platform: WECOM_PLATFORM, channelId: user },
    raw: data,
    ...line,
  };
  return { event, target: { userId: user, channelId: user } };
}

/**
 * A card click as an action. `channelId` is where the card was posted (remembered when we posted it); a card we
 * do not know (posted before a data reset) is answered in the clicker's own chat with the app.
 */
export function clickInbound(data: z.infer<typeof cardEventSchema>, target: ButtonTarget, channelId: string | undefined, selected: SelectedItem[] = []): WeComInbound {
  const user = data.FromUserName;
  const channel = channelId ?? user;
  const event: ActionEvent = {
    kind: 'action',
    // Events carry no id: the docs dedupe them by FromUserName + CreateTime; task and key keep two clicks apart.
    dedupeKey: `card:${data.TaskId}:${user}:${data.CreateTime}:${data.EventKey}`,
    actor: { platform: WECOM_PLATFORM, userId: user },
    place: { platform: WECOM_PLATFORM, channelId: channel },
    raw: { ...data, ResponseCode: data.ResponseCode ? '[code]' : undefined, selected },
    actionId: target.actionId,
    value: target.value,
    message: { platform: WECOM_PLATFORM, channelId: channel, messageId: data.TaskId },
  };
  return { event, target: { userId: user, channelId: channel }, responseCode: data.ResponseCode ? { taskId: data.TaskId, code: data.ResponseCode } : undefined };
}
