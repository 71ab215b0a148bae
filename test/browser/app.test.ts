// The whole loop in real headless Chromium: the real app (demo shop, sync, store, hub, commands, cards, console).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSilentLogger } from '../../src/core/logger.ts';
import { createApp } from '../../src/main.ts';
import { tempDir } from '../helpers/temp.ts';
import { launchChromium } from './chromium.ts';

test('console on the real app: /order shows the synced order, Refresh updates it in place, a viewer cannot Sync now', { timeout: 60_000 }, async (t) => {
  const app = await createApp({ dataDir: tempDir(t), env: {}, port: 0, host: '127.0.0.1', log: createSilentLogger(), demo: 'on' });
  t.after(() => app.stop());
  const { url } = await app.start();
  const runs = await app.engine.runAll({ trigger: 'test' });
  assert.ok(runs.every((r) => r.status === 'ok'), JSON.stringify(runs.map((r) => [r.source, r.status, r.error])));

  const chrome = await launchChromium();
  t.after(() => chrome.close());
  const page = await chrome.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.setDefaultTimeout(8000);
  await page.goto(`${url}/`);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  await page.getByTestId('user-select').selectOption('alice');
  await page.getByTestId('channel-ops').click();

  const input = page.getByTestId('command-input');
  await input.fill('/order 1001');
  await input.press('Enter');
  const message = page.getByTestId('message').filter({ has: page.getByTestId('card-title').filter({ hasText: '1001' }) });
  await message.waitFor();
  const text = await message.innerText();
  assert.match(text, /erp/);
  assert.match(text, /wms/);
  assert.match(text, /storefront/);
  assert.equal(await message.getAttribute('data-version'), '1');

  await message.getByTestId('button-order.refresh').click();
  await message.getByText(/Refreshed by Alice \(admin\)/).waitFor();
  assert.equal(await message.getAttribute('data-version'), '2', 'the same message was updated in place');

  // A viewer may look but not act: Sync now needs the agent role, and the card stays as it was.
  await page.getByTestId('user-select').selectOption('guest');
  await message.getByTestId('button-order.sync').click();
  const onlyYou = page.getByTestId('message').filter({ has: page.getByTestId('only-you') });
  await onlyYou.filter({ hasText: /needs the Agent role/ }).waitFor();
  assert.equal(await message.getAttribute('data-version'), '2');

  // Unknown commands are answered, with a suggestion.
  await input.fill('/ordr 1001');
  await input.press('Enter');
  await onlyYou.filter({ hasText: '/order' }).waitFor();
  assert.deepEqual(problems, []);
});
