// The /help card: the commands a person's role allows, or one command's usage, arguments and required role.
import type { TFunction } from 'i18next';
import { card, type Card } from '../src/core/card.ts';
import { hasRole, type CommandArg, type CommandInfo, type Role } from '../src/core/command.ts';
import { code } from './format.ts';

/** What the help card shows. */
export interface HelpCardView {
  /** Every command (the card keeps those the role allows). */
  commands: readonly CommandInfo[];
  role: Role;
  /** When set, the card explains this one command. */
  detail?: CommandInfo | undefined;
}

function formatArg(a: CommandArg): string {
  const inner = `${a.choices && a.choices.length > 0 ? a.choices.join('|') : a.name}${a.rest ? '…' : ''}`;
  return a.required ? `<${inner}>` : `[${inner}]`;
}

/** How a command is typed, e.g. `/order <id>` or `/tasks [mine|open|all]`. */
export function formatUsage(info: Pick<CommandInfo, 'name' | 'args'>, t: TFunction): string {
  return t('bot:usage', { command: `/${info.name}`, args: info.args.map(formatArg).join(' ') }).trim();
}

/** The localized name of a role. */
export function roleName(t: TFunction, role: Role): string {
  return t(`bot:roles.${role}`);
}

function argLine(t: TFunction, command: string, a: CommandArg): string {
  const kind = t(a.required ? 'cards:help.required' : 'cards:help.optional');
  // Argument help is optional per command (bot:args.<command>.<arg>); a missing one must not leak its key.
  const help = t(`bot:args.${command}.${a.name}`, { defaultValue: '' });
  const choices = a.choices && a.choices.length > 0 ? t('cards:help.choices', { choices: a.choices.map(code).join(', ') }) : '';
  const base = help ? t('cards:help.argWithHelp', { name: code(a.name), kind, help }) : t('cards:help.arg', { name: code(a.name), kind });
  return choices ? `${base} · ${choices}` : base;
}

function buildDetail(view: HelpCardView, info: CommandInfo, t: TFunction): Card {
  const b = card().header(t('cards:help.detailTitle', { name: info.name }), 'info');
  b.text(t(helpKeyOf(info.helpKey)));
  b.fields([
    { label: t('cards:help.field.usage'), value: code(formatUsage(info, t)) },
    { label: t('cards:help.field.role'), value: t('cards:help.roleAtLeast', { role: roleName(t, info.role) }) },
  ]);
  if (info.args.length === 0) b.context(t('cards:help.noArgs'));
  else b.text(`**${t('cards:help.arguments')}**`).list(info.args.map((a) => argLine(t, info.name, a)));
  b.context(hasRole(view.role, info.role) ? t('cards:help.allowed') : t('cards:help.notAllowed', { required: roleName(t, info.role), role: roleName(t, view.role) }));
  return b.build();
}

/** Builds the help card (the list, or one command in detail). */
export function buildHelpCard(view: HelpCardView, t: TFunction): Card {
  if (view.detail) return buildDetail(view, view.detail, t);
  const allowed = view.commands.filter((c) => hasRole(view.role, c.role));
  const hidden = view.commands.length - allowed.length;
  const b = card().header(t('cards:help.title'), 'info');
  b.list(allowed.map((c) => t('cards:help.item', { usage: code(formatUsage(c, t)), help: t(helpKeyOf(c.helpKey)) })));
  if (hidden > 0) b.context(t('cards:help.hidden', { count: hidden }));
  b.context(t('cards:help.yourRole', { role: roleName(t, view.role) }));
  return b.fallback(`${t('cards:help.title')}: ${allowed.map((c) => formatUsage(c, t)).join(', ')}`).build();
}

/** A command's help key: namespaced keys (`alerts:cmd.alerts`) as they are, plain ones in the bot namespace. */
export function helpKeyOf(key: string): string {
  return key.includes(':') ? key : `bot:${key}`;
}
