// WeChat inbound: a wechaty message → what it is for us (an own echo, not staff, not text, a command, a code).
import type { Message, Wechaty } from 'wechaty';
import { parseReplyCode, type ReplyCode } from './codes.ts';

/** What became of one received message (for metrics and tests; nothing else depends on it). */
export interface WechatyInboundOutcome {
  messageId: string;
  outcome: 'command' | 'action' | 'unknown_code' | 'duplicate' | 'own' | 'not_staff' | 'not_text' | 'not_addressed' | 'not_started' | 'failed';
}

/** The parts of a received message the adapter reads. */
export interface WechatyDelivery {
  messageId: string;
  talkerId: string;
  talkerName: string;
  /** The room it was said in; undefined for a one-to-one chat. */
  roomId: string | undefined;
  isText: boolean;
  /** The text with the bot's own @mention taken out. */
  text: string;
  /** Said to the bot: a one-to-one chat, or a room message that @mentions it. */
  addressed: boolean;
}

/** What a staff member's text asks for. */
export type StaffText =
  | { kind: 'code'; code: ReplyCode }
  | { kind: 'command'; name: string; args: string[]; text: string }
  | { kind: 'none' };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Words of a command line, "double quoted" words kept together. */
function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/**
 * Reads a staff text: a reply code ("A1", "回复 A1") wherever it is said; "/order A1" or "order A1" as a command
 * when said to the bot (a one-to-one chat or an @mention); in a room, a line starting with "/" is a command too.
 * Anything else in a room is people talking to each other.
 */
export function parseStaffText(text: string, addressed: boolean): StaffText {
  const trimmed = text.trim();
  const code = parseReplyCode(trimmed);
  if (code) return { kind: 'code', code };
  const slashed = /^[/／]/.test(trimmed);
  if (!addressed && !slashed) return { kind: 'none' };
  const line = trimmed.replace(/^[/／]\s*/, '');
  const [first, ...args] = words(line);
  if (!first) return { kind: 'command', name: 'help', args: [], text: '' };
  const rest = line.slice(line.indexOf(first) + first.length).trim();
  return { kind: 'command', name: first.normalize('NFKC').toLowerCase(), args, text: rest };
}

/** Takes every "@<name>" of the bot out of a room text (WeChat ends a mention with U+2005 or a space). */
export function stripSelfMention(text: string, names: readonly string[]): { text: string; mentioned: boolean } {
  let out = text;
  let mentioned = false;
  for (const name of names.filter((n) => n.trim() !== '')) {
    const re = new RegExp(`@${escapeRegExp(name)}(?:\\u2005|\\u0020|$)`, 'g');
    if (re.test(out)) mentioned = true;
    out = out.replace(re, ' ');
  }
  return { text: out.trim(), mentioned };
}

/** Reads a received (not own) message into a WechatyDelivery. */
export async function readWechatyMessage(msg: Message, bot: Wechaty): Promise<WechatyDelivery> {
  const talker = msg.talker();
  const room = msg.room();
  const isText = msg.type() === bot.Message.Type.Text;
  const raw = isText ? msg.text() : '';
  const base = { messageId: msg.id, talkerId: talker.id, talkerName: talker.name(), isText };
  if (!room) return { ...base, roomId: undefined, text: raw.trim(), addressed: true };
  const self = bot.currentUser;
  // The bot's name in this room may differ from its own name (a room alias).
  const alias = await room.alias(self).catch(() => undefined);
  const names = [self.name(), ...(alias ? [alias] : [])];
  const stripped = stripSelfMention(raw, names);
  const listed = isText && !stripped.mentioned ? await msg.mentionSelf().catch(() => false) : false;
  // Mentioned by a name we do not know (a fresh alias): WeChat still ends the mention with U+2005.
  const text = listed ? stripped.text.replace(/^@[^\u2005]*\u2005\s*/, '').trim() : stripped.text;
  return { ...base, roomId: room.id, text, addressed: stripped.mentioned || listed };
}
