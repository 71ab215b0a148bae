// The console page for a signed-in person in real headless Chromium: the sign-in form asks who and their password,
// the page then acts as that person only (no acting-as switch), and a command runs as them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashConsolePassword } from '../../src/adapters/console/passwords.ts';
import { startConsole } from '../adapters/console/harness.ts';
import { launchChromium } from './chromium.ts';

test('signed in as one person: no acting-as switch, commands run as them', { timeout: 30_000 }, async (t) => {
  const { adapter, base, seen, settings } = await startConsole(t, { actAs: false });
  const lucia = settings.chat.users['console:lucia'];
  assert.ok(lucia);
  lucia.passwordHash = hashConsolePassword('lucia-ships-2026');
  const chrome = await launchChromium();
  t.after(() => chrome.close());
  const page = await chrome.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.setDefaultTimeout(5000);

  await page.goto(`${base}/`);
  await page.getByTestId('login-user').fill('lucia');
  await page.getByTestId('login-password').fill('wrong-password-1');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-error').waitFor();
  await page.getByTestId('login-user').fill('lucia');
  await page.getByTestId('login-password').fill('lucia-ships-2026');
  await page.getByTestId('login-submit').click();
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  assert.equal(await page.getByTestId('user-select').isVisible(), false, 'no acting-as switch for a signed-in person');

  const input = page.getByTestId('command-input');
  await input.fill('/secret');
  await input.press('Enter');
  await page.getByTestId('only-you').filter({ hasText: 'Only visible to you' }).waitFor();
  await adapter.idle();
  assert.deepEqual(seen.map((e) => [e.kind, e.actor.userId, e.session]), [['command', 'lucia', 'console:lucia']]);
  assert.deepEqual(problems, []);
});
