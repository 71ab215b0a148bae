// The contract between staff commands (commands/) and the chat hub: data plus a handler on a context.
import type { TFunction } from 'i18next';
import type { Card } from './card.ts';
import type { Actor, Outbound, Place, PostedRef } from './chat.ts';

/** Builds a card in a given language (t is bound to the `cards` namespace), so each posted copy keeps its own language. */
export type CardFactory = (t: TFunction) => Card;

/** Staff roles, least to most powerful. */
export const ROLES = ['viewer', 'agent', 'warehouse', 'approver', 'admin'] as const;
/** One staff role. */
export type Role = (typeof ROLES)[number];

/** True when `role` is at least `required` in the ladder. */
export function hasRole(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** One declared argument of a command. */
export interface CommandArg {
  name: string;
  required: boolean;
  /** Allowed values, when the argument is a choice. */
  choices?: readonly string[];
  /** Takes the rest of the line. */
  rest?: boolean;
}

/** What a command handler can do and know; never an SDK. */
export interface CommandContext<S = unknown> {
  t: TFunction;
  locale: string;
  actor: Actor;
  role: Role;
  place: Place;
  /** Parsed arguments by name. */
  args: Record<string, string | undefined>;
  /** Answers in the place the command came from. */
  reply(content: Outbound): Promise<PostedRef | undefined>;
  /** Answers only the person who typed it. */
  ephemeral(content: Outbound): Promise<void>;
  /** Posts a card that later state changes update everywhere it was posted, under a stable `cardKey`. */
  postTracked(cardKey: string, card: Card | CardFactory): Promise<void>;
  /** Every command the person may see, for help and suggestions. */
  catalog: readonly CommandInfo[];
  /** Application services (store, sync engine, settings…), typed by the composition root. */
  services: S;
}

/** A staff command: name, arguments, required role, localized help, handler. */
export interface CommandDefinition<S = unknown> {
  name: string;
  /** i18n key (bot namespace) of the one-line help. */
  helpKey: string;
  args: readonly CommandArg[];
  role: Role;
  handler(ctx: CommandContext<S>): Promise<void>;
}

/** A command as listed in help: its declaration without the handler. */
export type CommandInfo = Pick<CommandDefinition, 'name' | 'helpKey' | 'args' | 'role'>;

/** What a button handler can do and know. */
export interface ActionContext<S = unknown> {
  t: TFunction;
  locale: string;
  actor: Actor;
  role: Role;
  place: Place;
  /** The button's value. */
  value: string;
  /** The message the clicked card lives in, when the platform says. */
  message?: PostedRef | undefined;
  /** Replaces the clicked card everywhere it was posted (every platform, every channel, each copy in its own language). */
  updateCard(card: Card | CardFactory): Promise<void>;
  /** Posts a new message where the click happened. */
  reply(content: Outbound): Promise<PostedRef | undefined>;
  /** Tells only the clicker (toast or ephemeral message). */
  ephemeral(content: Outbound): Promise<void>;
  postTracked(cardKey: string, card: Card | CardFactory): Promise<void>;
  services: S;
}

/** A button handler, found by the button's action id. */
export interface ActionDefinition<S = unknown> {
  actionId: string;
  role: Role;
  handler(ctx: ActionContext<S>): Promise<void>;
}
