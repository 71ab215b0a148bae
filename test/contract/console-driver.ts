// The contract driver for the local console, exposed beyond loopback: alice and bob each sign in with their own
// password, and commands and clicks are the page's own JSON posts under that person's session; a request without a
// session is the "forged" one.
import { createConsoleAdapter } from '../../src/adapters/console/index.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { HttpServer } from '../../src/http/server.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { openSse } from '../adapters/console/sse-client.ts';
import { clientId, postConsole } from '../adapters/console/http-helpers.ts';
import { hashConsolePassword } from '../../src/adapters/console/passwords.ts';
import type { ContractDelivery, ContractDriver, ContractDriverFactory, ContractPerson } from './driver.ts';

const PASSWORDS: Record<ContractPerson, string> = { alice: 'alice-console-password', bob: 'bob-console-password' };
const CHANNEL = 'ops';

interface ShownButton {
  actionId?: string;
  value?: string;
}

/** Builds the console contract driver. */
export const createConsoleContractDriver: ContractDriverFactory = async ({ t, clock }) => {
  const log = createSilentLogger();
  const server = new HttpServer(log);
  const base = readDefaultSettings();
  const settings = {
    ...base,
    chat: {
      ...base.chat,
      users: {
        'console:alice': { role: 'agent' as const, name: 'alice', passwordHash: hashConsolePassword(PASSWORDS.alice) },
        'console:bob': { role: 'viewer' as const, name: 'bob', passwordHash: hashConsolePassword(PASSWORDS.bob) },
      },
    },
  };
  const adapter = createConsoleAdapter({ server, settings: () => settings, clock, log, exposed: true });
  const addr = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${addr.port}`;
  t.after(async () => {
    await adapter.stop();
    await server.close();
  });
  const signIn = async (person: ContractPerson): Promise<string> => {
    const login = await fetch(`${url}/console/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url }, body: new URLSearchParams({ user: person, password: PASSWORDS[person] }).toString() });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    if (!cookie.startsWith('orderops_console=')) throw new Error(`console sign-in of ${person} failed (${login.status})`);
    return cookie;
  };
  const cookies: Record<ContractPerson, string> = { alice: await signIn('alice'), bob: await signIn('bob') };
  const streams = {
    alice: await openSse(t, `${url}/console/api/events?user=alice`, { cookie: cookies.alice }),
    bob: await openSse(t, `${url}/console/api/events?user=bob`, { cookie: cookies.bob }),
  };

  const deliver = async (person: ContractPerson, path: string, body: unknown): Promise<ContractDelivery> => {
    const res = await postConsole(url, path, body, { cookie: cookies[person] });
    await res.body?.cancel();
    return { status: res.status, replay: () => deliver(person, path, body) };
  };

  const driver: ContractDriver = {
    platform: 'console',
    channelId: CHANNEL,
    adapter,
    userId: (person) => person,
    command: (person, text) => deliver(person, '/console/api/command', { user: person, channel: CHANNEL, text, id: clientId(), locale: 'en' }),
    click(person, ref, actionId) {
      const shown = adapter.messages(ref.channelId).find((m) => m.id === ref.messageId);
      const text = JSON.stringify(shown?.body ?? {});
      const button = [...text.matchAll(/\{[^{}]*"actionId":"[^"]*"[^{}]*\}/g)].map((m) => JSON.parse(m[0]) as ShownButton).find((b) => b.actionId === actionId);
      if (!button) throw new Error(`no shown button for ${actionId}`);
      return deliver(person, '/console/api/action', { user: person, channel: ref.channelId, messageId: ref.messageId, actionId, value: button.value ?? '', clickId: clientId(), locale: 'en' });
    },
    async malformed() {
      const res = await postConsole(url, '/console/api/command', '{"user": "alice", "channel": ', { cookie: cookies.alice });
      return res.status;
    },
    async forged() {
      const res = await postConsole(url, '/console/api/command', { user: 'alice', channel: CHANNEL, text: '/ping X1', id: clientId() }, { cookie: 'orderops_console=forged' });
      return res.status;
    },
    messages: () =>
      adapter.messages(CHANNEL)
        .filter((m) => m.author.kind === 'bot')
        .map((m) => ({ ref: { platform: 'console', channelId: m.channelId, messageId: m.id }, text: JSON.stringify(m.body), versions: m.version })),
    notices: (person: ContractPerson) =>
      streams[person]
        .pending()
        .filter((e) => e.event === 'ephemeral' || e.event === 'toast')
        .map((e) => JSON.stringify(e.data)),
    settle: () => adapter.idle(),
  };
  return driver;
};
