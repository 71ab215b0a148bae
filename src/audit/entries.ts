// Audit entries for what arrives from chat, so the hub records commands and clicks the same way everywhere.
import type { ActionEvent, CommandEvent } from '../core/chat.ts';
import type { AuditEntry } from './log.ts';

/** `platform:userId` of an actor, the identity audit rows and approvals use. */
export function actorKey(actor: { platform: string; userId: string }): string {
  return `${actor.platform}:${actor.userId}`;
}

/** The audit entry of a typed command (arguments kept; the free text is not, it may hold customer data). */
export function commandEntry(event: CommandEvent, at: number): AuditEntry {
  const name = event.name.replace(/^\//, '').toLowerCase();
  return { at, actor: actorKey(event.actor), type: 'command', subject: `/${name}`, action: 'run', data: { args: event.args, place: `${event.place.platform}:${event.place.channelId}`, ...sessionOf(event) } };
}

/** The audit entry of a button click. */
export function clickEntry(event: ActionEvent, at: number): AuditEntry {
  return { at, actor: actorKey(event.actor), type: 'click', subject: event.actionId, action: 'click', data: { value: event.value, place: `${event.place.platform}:${event.place.channelId}`, ...sessionOf(event) } };
}

// The signed-in session beside the acting person, where the platform has one (console: `console:loopback` when acting as).
function sessionOf(event: CommandEvent | ActionEvent): { session?: string } {
  return event.session ? { session: event.session } : {};
}
