// Who may act in the console and which channels it shows, read from settings on every call.
import type { Role } from '../../core/command.ts';
import type { Settings } from '../../settings/schema.ts';

/** The console's team channel (routes name it `console:ops`). */
export const OPS_CHANNEL = 'ops';

/** A staff member the console lets one act as (settings.chat.users `console:<id>`). */
export interface ConsoleUser {
  id: string;
  name: string;
  role: Role;
  language?: string | undefined;
  /** Their console password's stored form, when they have one (never sent to the page). */
  passwordHash?: string | undefined;
}

/** A channel as the page lists it: a team channel, or one person's direct messages with the bot. */
export interface ConsoleChannel {
  id: string;
  kind: 'channel' | 'dm';
  /** The person a DM belongs to. */
  userId?: string;
}

/** The channel id of a person's direct messages with the bot (e.g. `dm:alice`). */
export function consoleDmChannel(userId: string): string {
  return `dm:${userId}`;
}

/** Every `console:*` person in settings, in settings order. */
export function listConsoleUsers(settings: Settings): ConsoleUser[] {
  return Object.entries(settings.chat.users)
    .filter(([key]) => key.startsWith('console:'))
    .map(([key, u]) => {
      const id = key.slice('console:'.length);
      return { id, name: u.name ?? id, role: u.role ?? settings.chat.defaultRole, language: u.language, passwordHash: u.passwordHash };
    });
}

/** The console person with this id, if settings name them. */
export function findConsoleUser(settings: Settings, id: string): ConsoleUser | undefined {
  return listConsoleUsers(settings).find((u) => u.id === id);
}

/** ops, every console channel the routes name, `extra` channels posted to, then one DM per person. */
export function listConsoleChannels(settings: Settings, extra: Iterable<string>): ConsoleChannel[] {
  const users = listConsoleUsers(settings);
  const dms = new Set(users.map((u) => consoleDmChannel(u.id)));
  const team = new Set<string>([OPS_CHANNEL]);
  for (const targets of Object.values(settings.chat.routes)) {
    for (const t of targets) if (t.startsWith('console:')) team.add(t.slice('console:'.length));
  }
  for (const id of extra) team.add(id);
  return [
    ...[...team].filter((id) => !dms.has(id)).map((id): ConsoleChannel => ({ id, kind: 'channel' })),
    ...users.map((u): ConsoleChannel => ({ id: consoleDmChannel(u.id), kind: 'dm', userId: u.id })),
  ];
}
