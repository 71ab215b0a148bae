import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleAccessFromEnv, isLoopbackHost } from '../../../src/adapters/console/index.ts';
import { startConsole } from './harness.ts';
import { clientId, postConsole, sendCommand } from './http-helpers.ts';

const PASSWORD = 'correct horse battery staple';

test('loopback detection and the exposure decision from host and environment', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com', 'localhost.example.com', '128.0.0.1']) assert.ok(!isLoopbackHost(h), h);
  assert.deepEqual(consoleAccessFromEnv({}, '127.0.0.1'), { exposed: false });
  assert.deepEqual(consoleAccessFromEnv({ ORDEROPS_CONSOLE_PASSWORD: 'pw' }, '0.0.0.0'), { exposed: true, auth: { password: 'pw', admin: undefined } });
  assert.deepEqual(consoleAccessFromEnv({ ORDEROPS_CONSOLE_PASSWORD: 'pw', ORDEROPS_CONSOLE_ADMIN: ' wang ' }, '0.0.0.0'), { exposed: true, auth: { password: 'pw', admin: 'wang' } });
  assert.deepEqual(consoleAccessFromEnv({ ORDEROPS_CONSOLE_PASSWORD: '' }, '0.0.0.0'), { exposed: true });
});

test('exposed without a password: every console route is 403 with a clear message; other routes still work', async (t) => {
  const { base, server, adapter } = await startConsole(t, { exposed: true });
  server.route('GET', '/healthz-test', ({ res }) => void res.end('ok'));
  assert.equal(adapter.access, 'disabled');
  const page = await fetch(`${base}/`);
  assert.equal(page.status, 403);
  assert.match(await page.text(), /ORDEROPS_CONSOLE_PASSWORD/);
  for (const path of ['/console/api/state', '/console/api/events?user=alice', '/console/assets/app.js']) {
    const res = await fetch(`${base}${path}`);
    assert.equal(res.status, 403, path);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(body.error, 'console_disabled');
    assert.match(body.message, /nobody can sign in.*orderops user set-password.*ORDEROPS_CONSOLE_PASSWORD/);
  }
  assert.equal((await sendCommand(base, 'alice', 'ops', '/order A1')).status, 403);
  assert.equal((await fetch(`${base}/healthz-test`)).status, 200);
});

test('exposed with a password: 401 until sign-in, then the session cookie opens everything', async (t) => {
  const { base, seen, adapter } = await startConsole(t, { exposed: true, password: PASSWORD });
  assert.equal(adapter.access, 'login');
  const page = await fetch(`${base}/`);
  assert.equal(page.status, 401);
  const form = await page.text();
  assert.match(form, /<form method="post" action="\/console\/login">/);
  assert.doesNotMatch(form, new RegExp(PASSWORD));
  assert.equal((await fetch(`${base}/console/api/state`)).status, 401);
  assert.equal((await fetch(`${base}/console/api/events?user=alice`)).status, 401);
  assert.equal((await sendCommand(base, 'alice', 'ops', '/order A1')).status, 401);

  const login = (password: string, origin = base) =>
    fetch(`${base}/console/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: new URLSearchParams({ password }).toString() });
  const wrong = await login('nope');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('set-cookie'), null);
  assert.equal((await login(PASSWORD, 'http://evil.example')).status, 403, 'sign-in from another origin is refused');

  const ok = await login(PASSWORD);
  assert.equal(ok.status, 303);
  const setCookie = ok.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /^orderops_console=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  const cookie = setCookie.split(';')[0] ?? '';
  assert.equal((await fetch(`${base}/`, { headers: { cookie } })).status, 200);
  assert.equal((await fetch(`${base}/console/api/state`, { headers: { cookie } })).status, 200);
  assert.equal((await fetch(`${base}/console/api/state`, { headers: { cookie: 'orderops_console=forged' } })).status, 401);
  const cmd = await postConsole(base, '/console/api/command', { user: 'alice', channel: 'ops', text: '/order A1', id: clientId() }, { cookie });
  assert.equal(cmd.status, 202);
  const noOrigin = await fetch(`${base}/console/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ user: 'alice', channel: 'ops', text: '/order A1', id: clientId() }),
  });
  assert.equal(noOrigin.status, 403, 'exposed: a POST without Origin is refused');
  assert.match(((await noOrigin.json()) as { message: string }).message, /Origin header is required/);
  await adapter.idle();
  assert.equal(seen.length, 1);

  const out = await fetch(`${base}/console/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: base } });
  assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  assert.equal((await fetch(`${base}/console/api/state`, { headers: { cookie } })).status, 401, 'the session ends at sign-out');
});

test('repeated wrong passwords are throttled', async (t) => {
  const { base } = await startConsole(t, { exposed: true, password: PASSWORD });
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) {
    const res = await fetch(`${base}/console/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base }, body: 'password=guess' });
    statuses.push(res.status);
  }
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
  const right = await fetch(`${base}/console/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base }, body: new URLSearchParams({ password: PASSWORD }).toString() });
  assert.equal(right.status, 429, 'even the right password waits out the window');
});

test('POSTs from another origin, cross-site fetches, non-JSON bodies and foreign Host names are refused on loopback too', async (t) => {
  const { base, seen, adapter } = await startConsole(t);
  const body = { user: 'alice', channel: 'ops', text: '/order A1', id: clientId() };
  const evil = await postConsole(base, '/console/api/command', body, { origin: 'http://evil.example' });
  assert.equal(evil.status, 403);
  assert.equal(((await evil.json()) as { error: string }).error, 'bad_origin');
  assert.equal((await postConsole(base, '/console/api/command', body, { origin: 'null' })).status, 403);
  assert.equal((await postConsole(base, '/console/api/command', body, { 'sec-fetch-site': 'cross-site' })).status, 403);
  assert.equal((await postConsole(base, '/console/api/action', { ...body, messageId: 'm', actionId: 'a', value: 'v', clickId: clientId() }, { origin: 'http://127.0.0.1:1' })).status, 403);
  const form = await postConsole(base, '/console/api/command', JSON.stringify(body), { 'content-type': 'text/plain' });
  assert.equal(form.status, 415, 'a simple (preflight-free) cross-site request cannot reach the handler');
  const { request } = await import('node:http');
  const rebinding = await new Promise<number>((resolve, reject) => {
    const req = request(`${base}/console/api/state`, { headers: { host: 'attacker.example' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(rebinding, 403, 'DNS rebinding: a loopback console answers only loopback Host names');
  await adapter.idle();
  assert.equal(seen.length, 0);
});

test('only the listed page assets are served, with safe headers', async (t) => {
  const { base } = await startConsole(t);
  const page = await fetch(`${base}/`);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  const css = await fetch(`${base}/console/assets/style.css`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type') ?? '', /text\/css/);
  assert.equal((await fetch(`${base}/console/assets/index.ts`)).status, 404);
  assert.equal((await fetch(`${base}/console/assets/..%2Findex.ts`)).status, 404);
  assert.equal((await fetch(`${base}/console/assets/constructor`)).status, 404);
});
