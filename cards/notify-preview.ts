// The /notify preview card: what each channel of the customer's chain would send, the chain and the quiet-hours verdict.
import type { TFunction } from 'i18next';
import { card, type Card } from '../src/core/card.ts';
import type { CanonicalStatus } from '../src/core/status.ts';
import type { ChannelPreview, NotifyPreview } from '../src/notify/dispatcher-preview.ts';
import { cardLocale, code, formatTime, statusLabel } from './format.ts';

function role(t: TFunction, c: ChannelPreview, first: string | undefined): string {
  if (!c.configured) return t('notify:preview.role.notConfigured');
  if (!c.reachable) return t('notify:preview.role.unreachable');
  if (c.error) return t('notify:preview.role.broken');
  return t(c.channel === first ? 'notify:preview.role.first' : 'notify:preview.role.fallback');
}

function content(t: TFunction, c: ChannelPreview): string[] {
  const lines: string[] = [];
  if (c.subject) lines.push(t('notify:preview.subject', { subject: c.subject }));
  if (c.text) lines.push(...c.text.split('\n').map((l) => `> ${l}`));
  if (c.fields) lines.push(...Object.entries(c.fields).map(([k, v]) => `${code(k)}: ${v}`));
  if (c.error) lines.push(t('notify:preview.error', { error: code(c.error) }));
  return lines;
}

/** Builds the preview card (the view comes from the notifier's `preview`). */
export function buildNotifyPreviewCard(p: NotifyPreview, t: TFunction): Card {
  const locale = cardLocale(t);
  const status = statusLabel(t, p.status as CanonicalStatus);
  const blocked = p.optedOut || p.first === undefined;
  const b = card().header(t('notify:preview.title', { order: p.orderId, status }), blocked ? 'warning' : 'info');
  const quiet = p.urgent && !p.quiet.quiet ? t('notify:preview.urgentBypass') : p.quiet.quiet ? t('notify:preview.quietNow', { until: formatTime(p.quiet.until, locale, p.timeZone) }) : t('notify:preview.notQuiet');
  b.fields([
    { label: t('notify:preview.customer'), value: p.customerName ? `${p.customerName} (${p.customerId})` : p.customerId },
    { label: t('notify:preview.language'), value: t(`notify:preview.languageFrom.${p.languageFrom}`, { language: p.language }) },
    { label: t('notify:preview.timeZone'), value: p.timeZone },
    { label: t('notify:preview.quiet'), value: quiet },
    { label: t('notify:preview.key'), value: code(p.key) },
  ]);
  const notes: string[] = [];
  if (p.silent) notes.push(t('notify:preview.silent'));
  if (p.optedOut) notes.push(t('notify:preview.optedOut'));
  else if (p.first === undefined) notes.push(t('notify:preview.noChannel'));
  b.list(notes);
  p.channels.forEach((c, i) => {
    b.divider();
    b.text([t('notify:preview.channelLine', { n: i + 1, channel: t(`notify:channel.${c.channel}`), role: role(t, c, p.first), to: c.to ?? t('notify:preview.noAddress') }), ...(c.configured ? content(t, c) : [])].join('\n'));
  });
  b.context(t('notify:preview.footer'));
  return b.fallback(t('notify:preview.title', { order: p.orderId, status })).build();
}
