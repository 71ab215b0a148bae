// Customer texts: one i18next resource per template and channel shape (locales/<lang>/customer.json).
import { PermanentError } from '../core/errors.ts';
import { getI18n, type Language } from '../core/i18n.ts';
import type { CanonicalStatus } from '../core/status.ts';
import { measureSms } from './channels/sms-encoding.ts';

/** The shapes a customer text is rendered in, one per kind of channel. */
export const TEXT_SHAPES = ['sms', 'email', 'chat', 'wechat'] as const;
/** One text shape. */
export type TextShape = (typeof TEXT_SHAPES)[number];

/** Optional lines appended when their values are known (tracking number, amount). */
export type TextExtra = 'tracking' | 'amount';

/** What a template needs and whether customers hear about it at all. */
export interface CustomerTemplateSpec {
  /** Silent statuses have texts but the dispatcher should not send them by default. */
  silent: boolean;
  /** Variables the texts interpolate besides `orderId` (always set) and `shop` (SMS signature). */
  vars: readonly string[];
  extras: readonly TextExtra[];
}

const status = (silent: boolean, extras: TextExtra[] = []): CustomerTemplateSpec => ({ silent, vars: [], extras });

/** Every canonical status as a customer template; `silent` ones are internal steps customers need not hear about. */
export const CUSTOMER_STATUS_TEMPLATES: Readonly<Record<CanonicalStatus, CustomerTemplateSpec>> = {
  created: status(true),
  paid: status(false),
  allocated: status(false),
  picking: status(true),
  packed: status(true),
  shipped: status(false, ['tracking']),
  in_transit: status(false, ['tracking']),
  out_for_delivery: status(false, ['tracking']),
  delivered: status(false),
  completed: status(false),
  cancelled: status(false),
  refund_requested: status(false, ['amount']),
  refunded: status(false, ['amount']),
  returned: status(false),
  exception: status(false, ['tracking']),
};

/** Conversation templates: a question (with the replies it accepts) or a conversation step. */
export interface ConversationTemplateSpec extends CustomerTemplateSpec {
  /** Reply digit → the customer's choice, for the conversation handler. */
  replies: Readonly<Record<string, string>>;
}

/** Templates used in conversations with customers (out of stock, price fix, address, clarify, hand-off, opt-out). */
export const CONVERSATION_TEMPLATES = {
  ask_stock: { silent: false, vars: ['item'], extras: [], replies: { '1': 'wait', '2': 'switch', '3': 'cancel' } },
  ask_price: { silent: false, vars: ['item', 'oldAmount', 'newAmount'], extras: [], replies: { '1': 'accept', '2': 'decline' } },
  ask_address: { silent: false, vars: ['address'], extras: [], replies: { '1': 'confirm', '2': 'change' } },
  clarify: { silent: false, vars: ['options'], extras: [], replies: {} },
  handoff: { silent: false, vars: [], extras: [], replies: {} },
  optout_done: { silent: false, vars: [], extras: [], replies: {} },
} as const satisfies Record<string, ConversationTemplateSpec>;
/** One conversation template name. */
export type ConversationTemplate = keyof typeof CONVERSATION_TEMPLATES;
/** Any customer template: a canonical status or a conversation template. */
export type CustomerTemplate = CanonicalStatus | ConversationTemplate;

/** The keyword that turns notifications back on after an opt-out (same in every language). */
export const OPT_IN_KEYWORD = 'START';

/** The spec of `template`, or undefined when it is not a customer template. */
export function customerTemplateSpec(template: string): CustomerTemplateSpec | undefined {
  if (Object.hasOwn(CUSTOMER_STATUS_TEMPLATES, template)) return CUSTOMER_STATUS_TEMPLATES[template as CanonicalStatus];
  if (Object.hasOwn(CONVERSATION_TEMPLATES, template)) return CONVERSATION_TEMPLATES[template as ConversationTemplate];
  return undefined;
}

/** What `renderCustomerText` returns for each shape. */
export interface RenderedCustomerText {
  sms: { text: string };
  chat: { text: string };
  email: { subject: string; text: string; html: string };
  /** Named text parts (`status`, `detail`) a WeChat template's keywords are mapped from. */
  wechat: { parts: { status: string; detail: string } };
}

/** Variables a template interpolates; undefined and blank values count as missing. */
export type TextVars = Readonly<Record<string, string | undefined>>;

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Renders `template` for one channel shape in `language`. Values are never HTML-escaped except in the email's HTML
 * body, where every value and every literal piece is escaped. Throws PermanentError `template.unknown` for an
 * unknown template and `template.missing_var` when a value the text needs is missing.
 */
export function renderCustomerText<S extends TextShape>(template: string, shape: S, language: Language, vars: TextVars): RenderedCustomerText[S] {
  const spec = customerTemplateSpec(template);
  if (!spec) throw new PermanentError('template.unknown', `no customer text for template "${template}"`, { template });
  const values = cleanVars(vars);
  const r = new Renderer(template, language, values);
  const extras = spec.extras.flatMap((e) => r.extra(e));
  const base = `templates.${template}`;
  let out: RenderedCustomerText[TextShape];
  switch (shape) {
    case 'sms': {
      let text = r.plain(`${base}.sms`);
      const gap = language === 'zh-CN' ? '' : ' ';
      // An extra line is worth it only while the SMS stays one segment.
      for (const line of extras) if (measureSms(`${text}${gap}${line}`).fits) text = `${text}${gap}${line}`;
      out = { text };
      break;
    }
    case 'chat':
      out = { text: [r.plain(`${base}.chat`), ...extras].join('\n') };
      break;
    case 'email':
      out = renderEmail(r, base, spec.extras.flatMap((e) => r.extraKey(e)), language);
      break;
    default:
      out = { parts: { status: r.plain(`${base}.wechat.status`), detail: r.plain(`${base}.wechat.detail`) } };
  }
  return out as RenderedCustomerText[S];
}

function renderEmail(r: Renderer, base: string, extraKeys: string[], language: Language): RenderedCustomerText['email'] {
  const greetingKey = r.has('name') ? 'common.greeting' : 'common.greetingAnonymous';
  const keys = [greetingKey, `${base}.email.body`, ...extraKeys, 'common.footer'];
  const subject = r.plain(`${base}.email.subject`);
  const text = keys.map((k) => r.plain(k)).join('\n\n');
  const paragraphs = keys.map((k, i) => (i === keys.length - 1 ? `<p style="color:#666;font-size:12px">${r.html(k)}</p>` : `<p>${r.html(k)}</p>`));
  const html =
    `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><title>${r.html(`${base}.email.subject`)}</title></head>` +
    `<body style="font-family:sans-serif;line-height:1.5">${paragraphs.join('')}</body></html>`;
  return { subject, text, html };
}

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

class Renderer {
  constructor(
    private readonly template: string,
    private readonly language: Language,
    private readonly vars: Record<string, string>,
  ) {}

  has(name: string): boolean {
    return this.vars[name] !== undefined;
  }

  plain(key: string): string {
    return this.fill(key, (s) => s);
  }

  html(key: string): string {
    return this.fill(key, escapeHtml);
  }

  /** Locale keys of the extra lines whose values are present. */
  extraKey(extra: TextExtra): string[] {
    if (extra === 'amount') return this.has('amount') ? ['extras.amount'] : [];
    if (this.has('carrier') && this.has('trackingNo')) return ['extras.tracking'];
    return this.has('trackingNo') ? ['extras.trackingNo'] : [];
  }

  extra(extra: TextExtra): string[] {
    return this.extraKey(extra).map((k) => this.plain(k));
  }

  private fill(key: string, escape: (s: string) => string): string {
    const raw = this.raw(key);
    const missing: string[] = [];
    let out = '';
    let last = 0;
    for (const m of raw.matchAll(PLACEHOLDER)) {
      const name = m[1] ?? '';
      const value = this.vars[name];
      if (value === undefined) missing.push(name);
      out += escape(raw.slice(last, m.index)) + escape(value ?? '');
      last = m.index + m[0].length;
    }
    if (missing.length > 0) {
      throw new PermanentError('template.missing_var', `template "${this.template}" needs ${missing.join(', ')}`, { template: this.template, missing });
    }
    return out + escape(raw.slice(last));
  }

  private raw(key: string): string {
    const text = rawText(this.language, key);
    if (text === undefined) throw new PermanentError('template.unknown', `no customer text ${key} in ${this.language}`, { template: this.template, key });
    return text;
  }
}

// The locale files are read once into the shared i18next instance and never change after; looking a text up
// through i18next costs more than the rest of a send's rendering, so each (instance, language, key) is looked up once.
const rawTexts = new WeakMap<object, Map<string, string | undefined>>();

function rawText(language: Language, key: string): string | undefined {
  const i18n = getI18n();
  let cache = rawTexts.get(i18n);
  if (!cache) {
    cache = new Map();
    rawTexts.set(i18n, cache);
  }
  const id = `${language}\u0000${key}`;
  if (cache.has(id)) return cache.get(id);
  const text = i18n.exists(key, { lng: language, ns: 'customer' }) ? String(i18n.t(key, { lng: language, ns: 'customer', skipInterpolation: true })) : undefined;
  cache.set(id, text);
  return text;
}

// Values are single-line: a newline in a product name must not forge a second line of the message.
function cleanVars(vars: TextVars): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    const clean = v?.replace(/\s+/g, ' ').trim();
    if (clean) out[k] = clean;
  }
  return out;
}
