// /notify preview <order> <status> [lang]: what the customer would get; /notify resend <order>: send the latest status again.
import type { TFunction } from 'i18next';
import { buildNotifyPreviewCard } from '../cards/notify-preview.ts';
import type { CommandContext, CommandDefinition } from '../src/core/command.ts';
import { SUPPORTED_LANGUAGES, type Language } from '../src/core/i18n.ts';
import { CANONICAL_STATUSES } from '../src/core/status.ts';
import type { NotifyBotServices } from '../src/notify/index.ts';
import { normalizeOrderId } from './order.ts';

/** The sub-commands of /notify. */
export const NOTIFY_ACTIONS = ['preview', 'resend'] as const;

// Accepts zh-CN, zh, zh_cn, EN, es… but nothing that would silently fall back to another language.
function pickCustomerLanguage(input: string): Language | undefined {
  const lower = input.trim().toLowerCase().replace('_', '-');
  if (lower === 'zh' || lower === 'zh-cn' || lower === 'zh-hans') return 'zh-CN';
  return SUPPORTED_LANGUAGES.find((l) => l.toLowerCase() === lower);
}

function reasonText(t: TFunction, reason: string, vars: Record<string, string>): string {
  const key = { order_not_found: 'orderNotFound', no_customer: 'noCustomer', unknown_status: 'unknownStatus', nothing_to_resend: 'nothingToResend', opted_out: 'optedOut' }[reason] ?? 'orderNotFound';
  return t(`notify:errors.${key}`, vars);
}

async function preview(ctx: CommandContext<NotifyBotServices>, order: string): Promise<void> {
  const status = ctx.args.status?.trim().toLowerCase();
  if (!status) return ctx.ephemeral(ctx.t('notify:errors.statusMissing'));
  const langArg = ctx.args.lang;
  const language = langArg === undefined ? undefined : pickCustomerLanguage(langArg);
  if (langArg !== undefined && !language) return ctx.ephemeral(ctx.t('notify:errors.badLanguage', { lang: langArg }));
  const result = await ctx.services.notify.preview(order, status, language);
  if (!result.ok) return ctx.ephemeral(reasonText(ctx.t, result.reason, { order, status, statuses: CANONICAL_STATUSES.join(', ') }));
  await ctx.reply(buildNotifyPreviewCard(result.preview, ctx.t));
}

async function resend(ctx: CommandContext<NotifyBotServices>, order: string): Promise<void> {
  const actor = { key: `${ctx.actor.platform}:${ctx.actor.userId}`, name: ctx.actor.name ?? ctx.actor.userId };
  const result = await ctx.services.notify.resend(order, actor);
  if (!result.ok) return ctx.ephemeral(reasonText(ctx.t, result.reason, { order }));
  await ctx.reply(ctx.t('notify:resend.queued', { order, status: ctx.t(`cards:status.${result.status}`), key: result.key, n: result.n }));
}

/** `/notify preview <order> <status> [lang]` and `/notify resend <order>` (agent). */
export const notifyCommand: CommandDefinition<NotifyBotServices> = {
  name: 'notify',
  helpKey: 'cmd.notify',
  args: [
    { name: 'action', required: true, choices: NOTIFY_ACTIONS },
    { name: 'order', required: true },
    { name: 'status', required: false },
    { name: 'lang', required: false },
  ],
  role: 'agent',
  async handler(ctx) {
    const order = normalizeOrderId(ctx.args.order ?? '');
    if (ctx.args.action === 'resend') return resend(ctx, order);
    return preview(ctx, order);
  },
};
