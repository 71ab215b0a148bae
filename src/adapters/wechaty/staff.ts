// Who is staff on WeChat: the one rule both the staff adapter and the customer router read, so every one-to-one
// message is exactly one of the two.
import { resolveLanguage, type Language } from '../../core/i18n.ts';
import type { Settings } from '../../settings/schema.ts';

/** The settings key of a WeChat contact or room (`wechat:<id>`). */
export function wechatKey(id: string): string {
  return `wechat:${id}`;
}

/**
 * True when `id` (a contact for a one-to-one chat, a room for a group) is staff: a contact named in
 * `chat.users["wechat:<id>"]`, or a contact or room the bot posts cards to on its own (a `chat.routes` target, a
 * `chat.channels` entry or some channel's secondary).
 */
export function isWechatStaff(settings: Settings, id: string): boolean {
  const key = wechatKey(id);
  const chat = settings.chat;
  if (Object.hasOwn(chat.users, key) || Object.hasOwn(chat.channels, key)) return true;
  if (Object.values(chat.routes).some((targets) => targets.includes(key))) return true;
  return Object.values(chat.channels).some((c) => c.secondary === key);
}

/** The predicate to hand the customer router (routeWechatyReplies) on a bot shared with customers: skip staff. */
export function createWechatStaffFilter(settings: () => Settings): (contactId: string) => boolean {
  return (contactId) => isWechatStaff(settings(), contactId);
}

/** The language the adapter answers a person in (their setting, else the shop's), as the hub would. */
export function staffLanguage(settings: Settings, userId: string): Language {
  return settings.chat.users[wechatKey(userId)]?.language ?? resolveLanguage(settings.language);
}
