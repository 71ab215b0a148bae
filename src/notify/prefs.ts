// Customer preferences: channel order, language, time zone, opt-out. Stored choices override the source data
// (the customers table, read at send time so it is always current), which overrides the shop's settings.
import { z } from 'zod';
import { resolveLanguage, SUPPORTED_LANGUAGES, type Language } from '../core/i18n.ts';
import { CUSTOMER_CHANNELS, type CustomerChannelName, type Recipient } from '../core/notify.ts';
import type { Db } from '../store/db.ts';
import { isValidTimeZone } from './quiet-hours.ts';
import type { NotifySettings } from './settings.ts';

const ChannelList = z.array(z.enum(CUSTOMER_CHANNELS));

/** Everything the dispatcher needs to know about one customer. */
export interface CustomerProfile {
  recipient: Recipient;
  /** Channels to try, in order (blocked ones removed; not yet filtered by what is configured or reachable). */
  chain: CustomerChannelName[];
  optedOut: boolean;
  /** Where the language came from. */
  languageFrom: 'prefs' | 'customer' | 'shop';
  /** True when the source data has a row for this customer. */
  known: boolean;
}

/** A change a customer (or the conversation work on their behalf) makes to their preferences. */
export const prefsPatchSchema = z.object({
  channels: ChannelList.min(1).nullable().optional(),
  language: z.enum(SUPPORTED_LANGUAGES).nullable().optional(),
  timeZone: z.string().refine(isValidTimeZone, 'unknown time zone').nullable().optional(),
  wechatyId: z.string().min(1).nullable().optional(),
});
/** A preferences change; `null` clears a choice (back to the source data). */
export type PrefsPatch = z.infer<typeof prefsPatchSchema>;

interface ProfileRow {
  customer_id: string;
  known: number;
  name: string | null;
  phone: string | null;
  email: string | null;
  openid: string | null;
  language: string | null;
  time_zone: string | null;
  preferred_channel: string | null;
  p_channels: string | null;
  p_language: string | null;
  p_time_zone: string | null;
  p_wechaty_id: string | null;
  p_blocked: string | null;
  opted_out: number;
}

const PROFILES = `SELECT j.value AS customer_id, c.customer_id IS NOT NULL AS known, c.name, c.phone, c.email, c.openid, c.language, c.time_zone,
    c.preferred_channel, p.channels AS p_channels, p.language AS p_language, p.time_zone AS p_time_zone, p.wechaty_id AS p_wechaty_id,
    p.blocked AS p_blocked, coalesce(p.opted_out, 0) AS opted_out
  FROM json_each(?) AS j LEFT JOIN customers AS c ON c.customer_id = j.value LEFT JOIN notify_prefs AS p ON p.customer_id = j.value`;

const PREFERRED: Readonly<Record<string, CustomerChannelName>> = {
  wechat: 'wechat_template',
  weixin: 'wechat_template',
  wechat_template: 'wechat_template',
  wechaty: 'wechaty',
  sms: 'sms',
  email: 'email',
  mail: 'email',
  console: 'console',
};

/** The channel a source's `preferred_channel` value names (`wechat` → wechat_template), if any. */
export function preferredChannel(value: string | null | undefined): CustomerChannelName | undefined {
  const key = value?.trim().toLowerCase();
  return key && Object.hasOwn(PREFERRED, key) ? PREFERRED[key] : undefined;
}

function channelList(json: string | null): CustomerChannelName[] | undefined {
  if (!json) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // Written only by this module as JSON; a hand-edited bad value means "no choice", like NULL.
    return undefined;
  }
  const parsed = ChannelList.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The channel order: the customer's own list, else their preferred channel then the default chain; minus blocked ones. */
export function channelChain(own: readonly CustomerChannelName[] | undefined, preferred: CustomerChannelName | undefined, blocked: readonly CustomerChannelName[], defaults: readonly CustomerChannelName[]): CustomerChannelName[] {
  const order = own && own.length > 0 ? own : [...(preferred ? [preferred] : []), ...defaults];
  return [...new Set(order)].filter((c) => !blocked.includes(c));
}

function profileOf(r: ProfileRow, s: NotifySettings): CustomerProfile {
  const ownLanguage = r.p_language && (SUPPORTED_LANGUAGES as readonly string[]).includes(r.p_language) ? (r.p_language as Language) : undefined;
  // Only a tag we write in counts as the customer's language (resolveLanguage would map `fr` to the fallback).
  const sourceLanguage = r.language && /^(zh|en|es)(\b|[-_])/i.test(r.language.trim()) ? resolveLanguage(r.language.trim(), s.language) : undefined;
  const language = ownLanguage ?? sourceLanguage ?? s.language;
  const timeZone = [r.p_time_zone, r.time_zone].find(isValidTimeZone) ?? s.timeZone;
  const preferred = preferredChannel(r.preferred_channel);
  // A customer who said they chat with the shop's WeChat account is found there by name until a contact id is linked.
  const wechatyId = r.p_wechaty_id ?? (preferred === 'wechaty' && r.name ? r.name : undefined);
  const recipient: Recipient = {
    customerId: r.customer_id,
    name: r.name ?? undefined,
    openid: r.openid ?? undefined,
    phone: r.phone ?? undefined,
    email: r.email ?? undefined,
    wechatyId,
    language,
    timeZone,
  };
  return {
    recipient,
    chain: channelChain(channelList(r.p_channels), preferred, channelList(r.p_blocked) ?? [], s.defaultChain),
    optedOut: r.opted_out === 1,
    languageFrom: ownLanguage ? 'prefs' : sourceLanguage ? 'customer' : 'shop',
    known: r.known === 1,
  };
}

/** Reads and writes customer preferences. */
export class PrefsRepo {
  constructor(
    private readonly db: Db,
    private readonly settings: () => NotifySettings,
  ) {}

  /** Profiles of these customers (every id gets one, with fallbacks when nothing is known). */
  async profiles(customerIds: readonly string[]): Promise<Map<string, CustomerProfile>> {
    const ids = [...new Set(customerIds)];
    const out = new Map<string, CustomerProfile>();
    if (ids.length === 0) return out;
    const s = this.settings();
    for (const r of await this.db.all<ProfileRow>(PROFILES, [JSON.stringify(ids)])) out.set(r.customer_id, profileOf(r, s));
    return out;
  }

  /** The profile of one customer. */
  async profile(customerId: string): Promise<CustomerProfile> {
    const p = (await this.profiles([customerId])).get(customerId);
    if (!p) throw new Error(`no profile for ${customerId}`);
    return p;
  }

  /** Opts a customer out of (or back into) notifications. */
  async setOptedOut(customerId: string, optedOut: boolean, now: number): Promise<void> {
    await this.db.run(
      `INSERT INTO notify_prefs (customer_id, opted_out, opted_out_at, updated_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT(customer_id) DO UPDATE SET opted_out = excluded.opted_out, opted_out_at = excluded.opted_out_at, updated_at = excluded.updated_at`,
      [customerId, optedOut ? 1 : 0, optedOut ? now : null, now],
    );
  }

  /** Applies a preferences change (validated here: it comes from a customer's reply or a command). */
  async update(customerId: string, patch: unknown, now: number): Promise<void> {
    const p = prefsPatchSchema.parse(patch);
    const sets: string[] = [];
    const values: (string | number | null)[] = [customerId, now];
    const add = (column: string, value: string | null): void => {
      values.push(value);
      sets.push(`${column} = ?${values.length}`);
    };
    if (p.channels !== undefined) add('channels', p.channels === null ? null : JSON.stringify(p.channels));
    if (p.language !== undefined) add('language', p.language);
    if (p.timeZone !== undefined) add('time_zone', p.timeZone);
    if (p.wechatyId !== undefined) add('wechaty_id', p.wechatyId);
    if (sets.length === 0) return;
    await this.db.transaction(async () => {
      await this.db.run('INSERT INTO notify_prefs (customer_id, updated_at) VALUES (?1, ?2) ON CONFLICT(customer_id) DO NOTHING', [customerId, now]);
      await this.db.run(`UPDATE notify_prefs SET ${sets.join(', ')}, updated_at = ?2 WHERE customer_id = ?1`, values);
    });
  }

  /** Stops using `channel` for this customer (they blocked it). */
  async block(customerId: string, channel: CustomerChannelName, now: number): Promise<void> {
    await this.db.run(
      `INSERT INTO notify_prefs (customer_id, blocked, updated_at) VALUES (?1, json_array(?2), ?3)
       ON CONFLICT(customer_id) DO UPDATE SET updated_at = excluded.updated_at,
         blocked = CASE WHEN EXISTS (SELECT 1 FROM json_each(notify_prefs.blocked) WHERE value = ?2) THEN notify_prefs.blocked ELSE json_insert(notify_prefs.blocked, '$[#]', ?2) END`,
      [customerId, channel, now],
    );
  }
}
