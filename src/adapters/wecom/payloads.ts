// zod schemas of what WeCom posts: the encrypted envelope and the decrypted messages and events we act on.
import { z } from 'zod';
import { parseWeChatXml, WeChatXmlError } from '../../notify/channels/wechat-xml.ts';

/** `<xml><ToUserName/><Encrypt/><AgentID/></xml>` as POSTed to the callback URL. */
export const envelopeSchema = z.object({
  ToUserName: z.string().optional(),
  Encrypt: z.string().min(1),
  AgentID: z.string().optional(),
});

const base = {
  ToUserName: z.string().min(1),
  FromUserName: z.string().min(1).max(64),
  CreateTime: z.string().regex(/^\d{1,12}$/),
  AgentID: z.string().optional(),
};

/** A text message a member typed to the app. */
export const textMessageSchema = z.object({
  ...base,
  MsgType: z.literal('text'),
  Content: z.string(),
  MsgId: z.string().min(1).max(64),
});

/** A click on a template card button (`template_card_event`). */
export const cardEventSchema = z.object({
  ...base,
  MsgType: z.literal('event'),
  Event: z.literal('template_card_event'),
  EventKey: z.string().min(1).max(1024),
  TaskId: z.string().min(1).max(128),
  CardType: z.string().optional(),
  ResponseCode: z.string().optional(),
  SelectedItems: z.string().optional(),
});

/** Any other message or event (acknowledged, ignored). */
export const otherMessageSchema = z.object({ ...base, MsgType: z.string().min(1), Event: z.string().optional() });

/** One answered selector of a card (button_selection / multiple_interaction). */
export interface SelectedItem {
  questionKey: string;
  optionIds: string[];
}

/** A decrypted message, by what we do with it. */
export type WeComMessage =
  | { kind: 'text'; data: z.infer<typeof textMessageSchema> }
  | { kind: 'card_event'; data: z.infer<typeof cardEventSchema>; selected: SelectedItem[] }
  | { kind: 'other'; data: z.infer<typeof otherMessageSchema> };

/** A body we refuse with 400 (the message says why, never what the secret is). */
export class WeComBodyError extends Error {}

/** Parses WeCom's flat XML (the shared WeChat parser: no DTDs, no entities beyond the five, duplicates refused). */
export function parseWeComXml(text: string): Record<string, string> {
  try {
    return parseWeChatXml(text);
  } catch (err) {
    throw new WeComBodyError(err instanceof WeChatXmlError ? err.message : 'not XML');
  }
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ').slice(0, 300);
}

function cdata(raw: string): string {
  const m = /^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/.exec(raw);
  return m ? (m[1] ?? '') : raw.trim();
}

/** SelectedItems' inner XML → items; accepts both `OptionIds/OptionId` and SKIT's `OpitonIds/OpitonId`. */
export function parseSelectedItems(inner: string | undefined): SelectedItem[] {
  if (!inner) return [];
  return [...inner.matchAll(/<SelectedItem>([\s\S]*?)<\/SelectedItem>/g)].map((m) => {
    const item = m[1] ?? '';
    const key = /<QuestionKey>([\s\S]*?)<\/QuestionKey>/.exec(item)?.[1] ?? '';
    const optionIds = [...item.matchAll(/<(OptionId|OpitonId)>([\s\S]*?)<\/\1>/g)].map((o) => cdata(o[2] ?? ''));
    return { questionKey: cdata(key), optionIds };
  });
}

/** The decrypted XML of one delivery as a typed message; throws WeComBodyError when it is not one. */
export function parseWeComMessage(xml: string): WeComMessage {
  const fields = parseWeComXml(xml);
  if (fields.MsgType === 'text') {
    const r = textMessageSchema.safeParse(fields);
    if (!r.success) throw new WeComBodyError(issues(r.error));
    return { kind: 'text', data: r.data };
  }
  if (fields.MsgType === 'event' && fields.Event === 'template_card_event') {
    const r = cardEventSchema.safeParse(fields);
    if (!r.success) throw new WeComBodyError(issues(r.error));
    return { kind: 'card_event', data: r.data, selected: parseSelectedItems(r.data.SelectedItems) };
  }
  const r = otherMessageSchema.safeParse(fields);
  if (!r.success) throw new WeComBodyError(issues(r.error));
  return { kind: 'other', data: r.data };
}

/** The Encrypt field of a POSTed envelope; throws WeComBodyError when the body is not one. */
export function parseWeComEnvelope(xml: string): z.infer<typeof envelopeSchema> {
  const r = envelopeSchema.safeParse(parseWeComXml(xml));
  if (!r.success) throw new WeComBodyError(issues(r.error));
  return r.data;
}
