// Conversation texts: what the customer reads (customer namespace) and what staff read (conversations namespace).
import { getI18n, type Language } from '../core/i18n.ts';
import { renderCustomerText, type ConversationTemplate } from '../notify/texts.ts';
import { choicesOf } from './parse.ts';
import type { AskTemplate, Conversation, TranscriptEntry } from './types.ts';

function customerT(language: Language, key: string, vars: Record<string, string> = {}): string {
  return String(getI18n().t(`conversation.${key}`, { lng: language, ns: 'customer', ...vars }));
}

/** The customer's words for a choice (`wait` → "wait for the restock"). */
export function customerChoiceLabel(language: Language, choice: string): string {
  return customerT(language, `choices.${choice}`);
}

/** The options line the `clarify` text lists: "1 (wait for the restock), 2 (…), 3 (…)". */
export function optionsLine(template: AskTemplate, language: Language): string {
  const parts = choicesOf(template).map((choice, i) => customerT(language, 'option', { n: String(i + 1), label: customerChoiceLabel(language, choice) }));
  return parts.join(customerT(language, 'separator'));
}

/** A conversation template's chat text for this conversation (the question, clarify or handoff). */
export function chatText(c: Conversation, template: ConversationTemplate): string {
  return renderCustomerText(template, 'chat', c.recipient.language, textVars(c, template)).text;
}

/** What a WeChat template message of this conversation shows (its two text parts), for the transcript. */
export function templateText(c: Conversation, template: ConversationTemplate): string {
  const { parts } = renderCustomerText(template, 'wechat', c.recipient.language, textVars(c, template));
  return `${parts.status} · ${parts.detail}`;
}

/** The values a conversation's texts interpolate. */
export function textVars(c: Conversation, template: ConversationTemplate): Record<string, string> {
  const base = { ...c.vars, orderId: c.orderId, ...(c.recipient.name ? { name: c.recipient.name } : {}) };
  return template === 'clarify' ? { ...base, options: optionsLine(c.template, c.recipient.language) } : base;
}

/**
 * The confirmation a customer gets once their answer is recorded, or once the default was applied, followed by what
 * happens next when a choice needs more (`conversation.next.<template>.<choice>`: a new address is taken by a person).
 */
export function closingText(c: Conversation, kind: 'decided' | 'timedOut', choice: string): string {
  const language = c.recipient.language;
  const line = customerT(language, kind, { orderId: c.orderId, choice: customerChoiceLabel(language, choice) });
  const next = `conversation.next.${c.template}.${choice}`;
  if (!getI18n().exists(next, { lng: language, ns: 'customer' })) return line;
  return customerT(language, 'withNext', { line, next: customerT(language, `next.${c.template}.${choice}`, { orderId: c.orderId }) });
}

function staffT(language: Language, key: string, vars: Record<string, string> = {}): string {
  return String(getI18n().t(key, { lng: language, ns: 'conversations', ...vars }));
}

/** Formats a transcript for staff, one line per message, times in `timeZone`. */
export function formatTranscript(transcript: readonly TranscriptEntry[], language: Language, timeZone: string): string[] {
  const time = new Intl.DateTimeFormat(language, { timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  return transcript.map((e) => staffT(language, `transcript.${e.direction}`, { time: time.format(e.at), channel: staffT(language, `channels.${e.channel}`), text: e.text }));
}

/** The handoff card's title and lead line for staff. */
export function handoffSummary(c: Conversation, language: Language): { title: string; body: string } {
  const question = staffT(language, `questions.${c.template}`);
  return { title: staffT(language, 'handoff.title', { orderId: c.orderId }), body: staffT(language, 'handoff.body', { question }) };
}

/** One line for the original task card: what the customer answered, the default applied, a handoff, or still waiting. */
export function describeOutcome(c: Conversation, language: Language): string {
  const choice = c.decision ? staffT(language, `choices.${c.decision}`) : '';
  if (c.state === 'handed_off') return staffT(language, 'outcome.handedOff');
  if (c.decision && c.decidedBy === 'default') return staffT(language, 'outcome.default', { choice });
  if (c.decision) return staffT(language, 'outcome.customer', { choice });
  return staffT(language, 'outcome.waiting', { question: staffT(language, `questions.${c.template}`) });
}
