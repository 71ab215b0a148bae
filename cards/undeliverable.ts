// Why a customer message could not be delivered, one localized line per channel (task card, alert card, finding line).
import type { TFunction } from 'i18next';
import { code, redactText } from './format.ts';

/** One channel's failure as a finding records it (src/detect/types.ts UndeliverableReasonDetail). */
export interface UndeliverableReasonView {
  channel: string;
  code: string;
  message?: string | undefined;
  provider?: string | undefined;
}

// Provider codes with a meaning of their own, per channel: `cards:undeliverable.provider.<channel>_<code>`.
const KNOWN_PROVIDER_CODES: Readonly<Record<string, readonly string[]>> = {
  wechat_template: ['43004', '40003', '43101'],
};

// Our error codes with a localized text (`cards:undeliverable.code.<code with _ for .>`); others show raw.
const KNOWN_CODES = new Set([
  'recipient.unreachable',
  'recipient.ambiguous',
  'channel.auth_failed',
  'channel.unauthorized',
  'channel.paused',
  'template.rejected',
  'template.not_configured',
  'template.invalid_field',
  'sms.rejected',
  'email.rejected',
  'not_reachable',
  'delivery.blocked',
  'delivery.failed',
]);

/** The localized name of a customer channel (`wechat_template` → “WeChat template message”); unknown ones as they are. */
export function channelLabel(t: TFunction, channel: string): string {
  return t(`cards:undeliverable.channel.${channel}`, { defaultValue: channel });
}

/** Why one channel failed, in words: the provider's code when it means something known, else ours, else the raw code. */
export function reasonText(t: TFunction, r: UndeliverableReasonView): string {
  if (r.provider !== undefined && KNOWN_PROVIDER_CODES[r.channel]?.includes(r.provider)) return t(`cards:undeliverable.provider.${r.channel}_${r.provider}`);
  if (KNOWN_CODES.has(r.code)) return t(`cards:undeliverable.code.${r.code.replace('.', '_')}`);
  // Unknown code: the channel's own words (masked again here: the card is the last line of defence).
  return r.message ? redactText(maskEmails(r.message)) : code(r.code);
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

function maskEmails(text: string): string {
  return text.replace(EMAIL_IN_TEXT, (m) => `${m.slice(0, 1)}***${m.slice(m.lastIndexOf('@'))}`);
}

/** “WeChat template message: not following the official account (43004)” — one line per channel; contacts masked. */
export function undeliverableReasonLines(t: TFunction, reasons: readonly UndeliverableReasonView[]): string[] {
  return reasons.map((r) => {
    const reason = reasonText(t, r);
    const detail = r.provider !== undefined ? `${r.code} ${r.provider}` : r.code;
    return t('cards:undeliverable.line', { channel: channelLabel(t, r.channel), reason, code: code(redactText(detail)) });
  });
}
