// The web console in real headless Debian Chromium: command, card, click, in-place update, user switch, XSS, inbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestHandler, ORDER_REFRESH, startConsole, XSS_TEXT } from '../adapters/console/harness.ts';
import { launchChromium } from './chromium.ts';

test('the console page: act as staff, run /order, click Refresh, see the card change in place', { timeout: 30_000 }, async (t) => {
  const { adapter, base, seen } = await startConsole(t);
  const chrome = await launchChromium();
  t.after(() => chrome.close());
  const shots = mkdtempSync(join(tmpdir(), 'orderops-shots-'));
  t.after(() => rmSync(shots, { recursive: true, force: true }));

  const page = await chrome.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
  page.on('dialog', (d) => void (problems.push(`native dialog: ${d.message()}`), d.dismiss()));
  page.setDefaultTimeout(5000);

  await page.goto(`${base}/`);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  const userSelect = page.getByTestId('user-select');
  assert.match((await userSelect.locator('option').allTextContents()).join('|'), /Alice \(admin\) · Admin\|王经理 \(approver\) · Approver/);
  await userSelect.selectOption('alice');

  const input = page.getByTestId('command-input');
  await input.fill('/order A1');
  await input.press('Enter');
  const message = page.getByTestId('message').filter({ has: page.getByTestId('card-title').filter({ hasText: 'Order A1' }) });
  await message.getByText('Not refreshed yet').waitFor();
  const id = await message.getAttribute('data-message-id');
  assert.ok(id);
  assert.equal(await input.inputValue(), '', 'Enter sent and cleared the box');
  await message.evaluate((el) => el.setAttribute('data-probe', 'original'));

  await message.getByTestId(`button-${ORDER_REFRESH}`).click();
  await message.getByText('Refreshed by Alice (admin) (1)').waitFor();
  assert.equal(await message.getAttribute('data-probe'), 'original', 'the same element was updated, not a new message');
  assert.equal(await message.getAttribute('data-version'), '2');
  assert.equal(await page.locator(`[data-testid="message"][data-message-id="${id}"]`).count(), 1);

  await userSelect.selectOption('wang');
  await page.locator('[data-testid="channel-dm:wang"] .you').waitFor();
  await message.evaluate((el) => el.setAttribute('data-probe', 'before-wang'));
  await message.getByTestId(`button-${ORDER_REFRESH}`).click();
  await message.getByText('Refreshed by 王经理 (approver) (2)').waitFor();
  assert.equal(await message.getAttribute('data-probe'), 'before-wang');
  assert.equal(await page.evaluate('localStorage.getItem("orderops.console.user")'), '"wang"', 'the acting user is remembered');

  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), '/order A1', '↑ recalls the last command');
  await input.fill('/secret');
  await input.press('Enter');
  await page.getByTestId('only-you').filter({ hasText: 'Only visible to you' }).waitFor();

  assert.ok(await page.getByTestId('inbox-empty').isVisible());
  adapter.inbox.push({ customer: 'Li Na', channel: 'wechat', text: 'Your order A1 has shipped (SF1234567).', at: Date.now() });
  await page.getByTestId('inbox-item').filter({ hasText: 'SF1234567' }).waitFor();
  assert.ok(await page.getByTestId('inbox-empty').isHidden());

  await page.getByTestId('language-select').selectOption('zh-CN');
  await page.getByTestId('inbox').getByText('客户消息').first().waitFor();
  await page.getByTestId('language-select').selectOption('en');
  await page.getByTestId('inbox').getByText('Customer inbox').first().waitFor();
  await message.scrollIntoViewIfNeeded();
  const file = join(shots, 'console.png');
  await page.screenshot({ path: file });
  if (process.env.ORDEROPS_SCREENSHOT) await page.screenshot({ path: process.env.ORDEROPS_SCREENSHOT });
  assert.ok(statSync(file).size > 10_000, 'a real screenshot');
  assert.deepEqual([...readFileSync(file).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');

  await input.fill('/xss');
  await input.press('Enter');
  const xss = page.locator('[data-testid="card"][data-severity="danger"]').last();
  await xss.waitFor();
  assert.equal(await xss.getByTestId('card-title').textContent(), XSS_TEXT, 'markup shows as text');
  assert.equal(await page.locator('[data-testid="message-list"] img, [data-testid="message-list"] script').count(), 0);
  assert.equal(await page.evaluate('window.__xss'), undefined);

  const danger = message.getByTestId('button-order.cancel');
  await danger.click();
  const dialog = page.getByTestId('confirm-dialog');
  await dialog.getByText('Cancel this order?').waitFor();
  await dialog.getByTestId('confirm-cancel').click();
  await danger.click();
  await dialog.getByTestId('confirm-ok').click();
  await message.getByText('Cancelled by 王经理 (approver)').waitFor();

  await input.fill('/order A2');
  await input.press('Enter');
  await page.getByTestId('card-title').filter({ hasText: 'Order A2' }).waitFor();

  // The stream drops (adapter stopped) and comes back: the page reconnects by itself and catches up.
  await adapter.stop();
  await page.locator('[data-testid="connection"][data-state="offline"]').waitFor();
  await adapter.post('ops', 'posted while the page was away');
  await adapter.start(createTestHandler(() => adapter, seen));
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 8000 });
  await page.getByTestId('message-text').filter({ hasText: 'posted while the page was away' }).waitFor();
  assert.deepEqual(problems, []);
});
