// Who acts in the console: the signed-in person, never the body. Each person has their own password; the shared one
// signs in as the named admin only; failures lock one (address, person) for a while; acting-as only where allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashConsolePassword, verifyConsolePassword } from '../../../src/adapters/console/passwords.ts';
import { commandEntry } from '../../../src/audit/entries.ts';
import type { CommandEvent } from '../../../src/core/chat.ts';
import { startConsole } from './harness.ts';
import { clientId, postConsole } from './http-helpers.ts';

const PASSWORDS = { wang: 'wang-approves-2026', lucia: 'lucia-ships-2026' };

async function signIn(base: string, user: string, password: string): Promise<{ status: number; cookie: string; text: string; retryAfter: string | null }> {
  const res = await fetch(`${base}/console/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, 'accept-language': 'en' }, body: new URLSearchParams({ user, password }).toString() });
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', text: await res.text(), retryAfter: res.headers.get('retry-after') };
}

async function exposedWithPasswords(t: import('node:test').TestContext, shared?: string) {
  const h = await startConsole(t, { exposed: true, ...(shared ? { password: shared } : {}) });
  const wang = h.settings.chat.users['console:wang'];
  const lucia = h.settings.chat.users['console:lucia'];
  assert.ok(wang && lucia);
  wang.passwordHash = hashConsolePassword(PASSWORDS.wang);
  lucia.passwordHash = hashConsolePassword(PASSWORDS.lucia);
  return h;
}

test('passwords are stored as scrypt hashes and checked in constant time; a malformed stored value never matches', () => {
  const stored = hashConsolePassword('correct horse battery');
  assert.match(stored, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.notEqual(hashConsolePassword('correct horse battery'), stored, 'salted');
  assert.ok(verifyConsolePassword('correct horse battery', stored));
  assert.equal(verifyConsolePassword('correct horse batterY', stored), false);
  assert.equal(verifyConsolePassword('x', 'scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='), false);
  assert.equal(verifyConsolePassword('x', 'plain-text'), false);
});

test('exposed: the actor is the signed-in person; a body naming someone else is refused; reads show only your own view', async (t) => {
  const { base, adapter, seen } = await exposedWithPasswords(t);
  assert.equal(adapter.access, 'login');
  const lucia = await signIn(base, 'lucia', PASSWORDS.lucia);
  assert.equal(lucia.status, 303);
  const asWang = await postConsole(base, '/console/api/command', { user: 'wang', channel: 'ops', text: '/order A1', id: clientId() }, { cookie: lucia.cookie });
  assert.equal(asWang.status, 403, 'an agent cannot post as the approver by naming him');
  assert.match(((await asWang.json()) as { message: string }).message, /signed in as lucia/);
  const click = await postConsole(base, '/console/api/action', { user: 'wang', channel: 'ops', messageId: 'm1', actionId: 'task.approve', value: '1', clickId: clientId() }, { cookie: lucia.cookie });
  assert.equal(click.status, 403);
  const own = await postConsole(base, '/console/api/command', { user: 'lucia', channel: 'ops', text: '/order A1', id: clientId() }, { cookie: lucia.cookie });
  assert.equal(own.status, 202);
  await adapter.idle();
  assert.deepEqual(seen.map((e) => [e.actor.userId, e.session]), [['lucia', 'console:lucia']]);
  const state = (await (await fetch(`${base}/console/api/state?user=wang`, { headers: { cookie: lucia.cookie } })).json()) as { me: string; actAs: boolean; users: Record<string, unknown>[] };
  assert.equal(state.me, 'lucia', 'asking for wang\'s view shows lucia\'s own');
  assert.equal(state.actAs, false);
  assert.ok(state.users.every((u) => !('passwordHash' in u)), 'no password hash reaches the page');
});

test('the shared password signs in as the named admin only; each person with their own password', async (t) => {
  const { base } = await exposedWithPasswords(t, 'the-shared-admin-password');
  const admin = await signIn(base, '', 'the-shared-admin-password');
  assert.equal(admin.status, 303);
  const me = (await (await fetch(`${base}/console/api/state`, { headers: { cookie: admin.cookie } })).json()) as { me: string };
  assert.equal(me.me, 'alice', 'the first admin in the settings');
  assert.equal((await signIn(base, 'lucia', 'the-shared-admin-password')).status, 401, 'the shared password is not everyone\'s');
  assert.equal((await signIn(base, 'lucia', PASSWORDS.wang)).status, 401, 'nor is another person\'s');
  assert.equal((await signIn(base, 'wang', PASSWORDS.wang)).status, 303);
});

test('failed sign-ins lock one person from one address for a while ("try again in N s"); others still sign in', async (t) => {
  const { base } = await exposedWithPasswords(t);
  for (let i = 0; i < 5; i++) assert.equal((await signIn(base, 'wang', 'guess-' + i)).status, 401);
  const locked = await signIn(base, 'wang', PASSWORDS.wang);
  assert.equal(locked.status, 429, 'locked even with the right password');
  assert.match(locked.text, /Try again in \d+ s/);
  assert.ok(Number(locked.retryAfter) > 0 && Number(locked.retryAfter) <= 60);
  assert.equal((await signIn(base, 'lucia', PASSWORDS.lucia)).status, 303, 'another person from the same address is not locked');
});

test('acting as anyone only where allowed: on loopback without it, the page signs in like an exposed one', async (t) => {
  const open = await startConsole(t);
  assert.equal(open.adapter.access, 'open');
  const actAs = (await (await fetch(`${open.base}/console/api/state?user=wang`)).json()) as { me: string; actAs: boolean };
  assert.deepEqual([actAs.me, actAs.actAs], ['wang', true]);

  const off = await startConsole(t, { actAs: false });
  assert.equal(off.adapter.access, 'disabled', 'no one has a password yet');
  const wang = off.settings.chat.users['console:wang'];
  assert.ok(wang);
  wang.passwordHash = hashConsolePassword(PASSWORDS.wang);
  assert.equal(off.adapter.access, 'login');
  assert.equal((await postConsole(off.base, '/console/api/command', { user: 'wang', channel: 'ops', text: '/order A1', id: clientId() })).status, 401);
  const signed = await signIn(off.base, 'wang', PASSWORDS.wang);
  assert.equal((await postConsole(off.base, '/console/api/command', { user: 'wang', channel: 'ops', text: '/order A1', id: clientId() }, { cookie: signed.cookie })).status, 202);
});

test('the audit row of a console command records the session beside the acting person', () => {
  const event: CommandEvent = { kind: 'command', dedupeKey: 'k', actor: { platform: 'console', userId: 'wang' }, place: { platform: 'console', channelId: 'ops' }, session: 'console:loopback', name: 'approve', args: ['T1'], text: 'T1', raw: null };
  assert.deepEqual(commandEntry(event, 1).data, { args: ['T1'], place: 'console:ops', session: 'console:loopback' });
});
