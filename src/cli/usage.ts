// The CLI's own answers to mistakes in what was typed: one localized line with a suggestion, exit code 2.
import { CommanderError, type Command } from 'commander';
import type { TFunction } from 'i18next';
import { suggest } from '../chat/args.ts';
import { SUPPORTED_LANGUAGES } from '../core/i18n.ts';

/** The language the command line asked for: a valid `--lang` value, else ORDEROPS_LANG, else LANG. */
export function languageOfArgv(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const value = a === '--lang' ? argv[i + 1] : a.startsWith('--lang=') ? a.slice('--lang='.length) : undefined;
    if (value !== undefined && (SUPPORTED_LANGUAGES as readonly string[]).includes(value)) return value;
  }
  return env.ORDEROPS_LANG ?? env.LANG;
}

const quoted = (message: string): string[] => [...message.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');

/** The line for a commander usage error, or undefined for help and version (which exit 0). */
export function usageLine(err: CommanderError, program: Command, t: TFunction): string | undefined {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return undefined;
  const [first = '', second = ''] = quoted(err.message);
  const commands = program.commands.map((c) => c.name());
  const hint = t('usage.help');
  switch (err.code) {
    case 'commander.unknownCommand': {
      const s = suggest(first, commands);
      return `${s ? t('usage.unknownCommand', { name: first, suggestion: s }) : t('usage.unknownCommandNoSuggestion', { name: first })} ${hint}`;
    }
    case 'commander.unknownOption': {
      const s = /Did you mean ([^?]+)\?/.exec(err.message)?.[1];
      return `${s ? t('usage.unknownOption', { option: first, suggestion: s }) : t('usage.unknownOptionNoSuggestion', { option: first })} ${hint}`;
    }
    case 'commander.invalidArgument': {
      const choices = /Allowed choices are ([^.]+)\./.exec(err.message)?.[1] ?? '';
      return `${t('usage.badChoice', { option: first.split(' ')[0] ?? first, value: second, choices })} ${hint}`;
    }
    case 'commander.missingArgument':
      return `${t('usage.missingArgument', { arg: first })} ${hint}`;
    case 'commander.optionMissingArgument':
      return `${t('usage.optionMissingArgument', { option: first.split(' ')[0] ?? first })} ${hint}`;
    case 'commander.excessArguments':
      return `${t('usage.tooManyArguments')} ${hint}`;
    default:
      return `${err.message.replace(/^error: /, '')} ${hint}`;
  }
}
