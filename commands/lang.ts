// /lang <zh-CN|en|es>: remembers the person's language and confirms in that language.
import { formatUsage } from '../cards/help.ts';
import type { CommandDefinition } from '../src/core/command.ts';
import { getT, resolveLanguage, SUPPORTED_LANGUAGES, type Language } from '../src/core/i18n.ts';
import type { BotServices } from './services.ts';

/** The supported language a typed tag names (`zh-cn`, `zh`, `es-MX` are accepted), or undefined. */
export function pickLanguage(input: string | undefined): Language | undefined {
  const typed = input?.trim() ?? '';
  const exact = SUPPORTED_LANGUAGES.find((l) => l.toLowerCase() === typed.toLowerCase());
  if (exact) return exact;
  return /^(zh|en|es)(?:[-_][a-z0-9]+)*$/i.test(typed) ? resolveLanguage(typed) : undefined;
}

/** `/lang <zh-CN|en|es>` (viewer). */
export const langCommand: CommandDefinition<BotServices> = {
  name: 'lang',
  helpKey: 'cmd.lang',
  args: [{ name: 'language', required: true, choices: SUPPORTED_LANGUAGES }],
  role: 'viewer',
  async handler(ctx) {
    const lang = pickLanguage(ctx.args.language);
    if (!lang) {
      const reason = ctx.t('bot:errors.badChoice', { arg: 'language', value: ctx.args.language ?? '', choices: SUPPORTED_LANGUAGES.join(', ') });
      return ctx.ephemeral(ctx.t('bot:errors.badArgs', { reason, usage: formatUsage(langCommand, ctx.t) }));
    }
    await ctx.services.prefs.setLanguage(ctx.actor, lang);
    await ctx.ephemeral(getT(lang, 'bot')('lang.set'));
  },
};
