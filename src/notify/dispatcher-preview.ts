// What the dispatcher would send for an order and status: texts per channel, chain, quiet-hours verdict (masked contacts).
import { describeError } from '../core/errors.ts';
import type { Language } from '../core/i18n.ts';
import type { CustomerChannelName, Recipient } from '../core/notify.ts';
import { isCanonicalStatus } from '../core/status.ts';
import type { Db } from '../store/db.ts';
import { maskEmail, maskId, maskPhone } from './channels/mask.ts';
import { buildTemplateData, type WeChatTemplates } from './channels/wechat-template-data.ts';
import { formatWeChatTime } from './channels/wechat-time.ts';
import { ORDER_VARS_SQL, outboxKey } from './outbox.ts';
import type { CustomerProfile, PrefsRepo } from './prefs.ts';
import { quietHoursAt, type QuietVerdict } from './quiet-hours.ts';
import type { NotifySettings } from './settings.ts';
import { CUSTOMER_STATUS_TEMPLATES, renderCustomerText } from './texts.ts';

/** What one channel would send. */
export interface ChannelPreview {
  channel: CustomerChannelName;
  /** The channel is set up in this process. */
  configured: boolean;
  /** The customer can be reached on it now (address known, channel not paused). */
  reachable: boolean;
  /** Masked address: openid, phone, email or contact. */
  to?: string | undefined;
  /** Rendered content: text (SMS, chat), subject + text (email), text parts and keyword values (WeChat). */
  subject?: string | undefined;
  text?: string | undefined;
  fields?: Record<string, string> | undefined;
  /** Why it cannot be rendered (missing variable, no WeChat template, bad keyword). */
  error?: string | undefined;
}

/** Everything `/notify preview` shows. */
export interface NotifyPreview {
  orderId: string;
  status: string;
  key: string;
  /** Customers are not told about silent statuses (the preview still shows their texts). */
  silent: boolean;
  customerId: string;
  customerName?: string | undefined;
  language: Language;
  languageFrom: CustomerProfile['languageFrom'] | 'override';
  timeZone: string;
  optedOut: boolean;
  urgent: boolean;
  /** Quiet hours now, in the customer's zone (urgent messages that bypass them are `quiet: false`). */
  quiet: QuietVerdict;
  /** The channel it would go out on first: the first configured, reachable one. */
  first?: CustomerChannelName | undefined;
  channels: ChannelPreview[];
}

/** The preview, or why there is none. */
export type PreviewResult = { ok: true; preview: NotifyPreview } | { ok: false; reason: 'order_not_found' | 'no_customer' | 'unknown_status' };

/** What the preview needs to render exactly what the channels would send. */
export interface PreviewDeps {
  db: Db;
  prefs: PrefsRepo;
  settings: NotifySettings;
  now: number;
  /** Which channels are configured, and whether each can reach a recipient. */
  reach: ReadonlyMap<CustomerChannelName, (r: Recipient) => boolean>;
  wechatTemplates?: WeChatTemplates | undefined;
  /** The WeChat channel's zone for `time` keywords and its text language (default the recipient's). */
  wechatTimeZone?: string | undefined;
  wechatLanguage?: Language | undefined;
  /** The SMS channel's sender (shop signature). */
  smsSender?: string | undefined;
}

function addressOf(channel: CustomerChannelName, r: Recipient): string | undefined {
  if (channel === 'wechat_template') return r.openid ? maskId(r.openid) : undefined;
  if (channel === 'sms') return r.phone ? maskPhone(r.phone) : undefined;
  if (channel === 'email') return r.email ? maskEmail(r.email) : undefined;
  if (channel === 'wechaty') return r.wechatyId ? maskId(r.wechatyId) : undefined;
  return r.customerId;
}

function render(channel: CustomerChannelName, template: string, r: Recipient, vars: Record<string, string>, deps: PreviewDeps): Pick<ChannelPreview, 'subject' | 'text' | 'fields' | 'error'> {
  const base = { orderId: vars.orderId ?? '', ...(r.name ? { name: r.name } : {}), ...vars };
  try {
    if (channel === 'sms') return renderCustomerText(template, 'sms', r.language, { ...base, ...(deps.smsSender ? { shop: deps.smsSender } : {}), ...vars });
    if (channel === 'email') {
      const e = renderCustomerText(template, 'email', r.language, base);
      return { subject: e.subject, text: e.text };
    }
    if (channel === 'wechat_template') {
      const { parts } = renderCustomerText(template, 'wechat', deps.wechatLanguage ?? r.language, base);
      const config = deps.wechatTemplates?.[template];
      if (!config) return { text: `${parts.status} · ${parts.detail}`, error: 'template.not_configured' };
      const zone = r.timeZone ?? deps.wechatTimeZone ?? 'Asia/Shanghai';
      const built = buildTemplateData(config, { sentAt: formatWeChatTime(deps.now, zone), ...base, ...parts }, zone);
      if (!built.ok) return { text: `${parts.status} · ${parts.detail}`, error: `${built.problem.field} (${built.problem.fieldType}): ${built.problem.reason}` };
      return { fields: Object.fromEntries(Object.entries(built.data).map(([k, v]) => [k, v.value])) };
    }
    return renderCustomerText(template, 'chat', r.language, base);
  } catch (err) {
    return { error: describeError(err) };
  }
}

/** Builds the preview of `status` for the customer of `orderId`, optionally in another language. */
export async function previewNotification(deps: PreviewDeps, orderId: string, status: string, language?: Language): Promise<PreviewResult> {
  if (!isCanonicalStatus(status)) return { ok: false, reason: 'unknown_status' };
  const order = await deps.db.get<{ customer_id: string | null; vars: string }>(`SELECT o.customer_id, ${ORDER_VARS_SQL} AS vars FROM order_canonical AS o WHERE o.order_id = ?`, [orderId]);
  if (!order) return { ok: false, reason: 'order_not_found' };
  if (!order.customer_id) return { ok: false, reason: 'no_customer' };
  const profile = await deps.prefs.profile(order.customer_id);
  const s = deps.settings;
  const recipient: Recipient = language ? { ...profile.recipient, language } : profile.recipient;
  const vars = { orderId, ...(JSON.parse(order.vars) as Record<string, string>) };
  const urgent = s.urgentTemplates.includes(status);
  const timeZone = recipient.timeZone ?? s.timeZone;
  const quiet: QuietVerdict = urgent && s.quietHours.urgentBypass ? { quiet: false } : quietHoursAt(deps.now, timeZone, s.quietHours);
  const channels = profile.chain.map((channel): ChannelPreview => {
    const reach = deps.reach.get(channel);
    return { channel, configured: reach !== undefined, reachable: reach?.(recipient) ?? false, to: addressOf(channel, recipient), ...render(channel, status, recipient, vars, deps) };
  });
  return {
    ok: true,
    preview: {
      orderId,
      status,
      key: outboxKey(orderId, status, status),
      silent: CUSTOMER_STATUS_TEMPLATES[status].silent,
      customerId: order.customer_id,
      customerName: recipient.name,
      language: recipient.language,
      languageFrom: language ? 'override' : profile.languageFrom,
      timeZone,
      optedOut: profile.optedOut,
      urgent,
      quiet,
      first: channels.find((c) => c.configured && c.reachable && !c.error)?.channel,
      channels,
    },
  };
}
