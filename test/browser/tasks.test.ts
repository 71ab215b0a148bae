// A task end to end in real headless Chromium on the real app: the demo ERP cancels a shipped order, the real
// detector and task service put a task card on the console, a viewer's click is refused, an approver's choice
// runs the real executor (a status push to the demo ERP) and the same card updates in place; Undo takes it back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choiceLabel, taskTitle } from '../../cards/task-parts.ts';
import { getT } from '../../src/core/i18n.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { createApp } from '../../src/main.ts';
import { tempDir } from '../helpers/temp.ts';
import { breakOrder, demoErpStatus, eventually, historyOf, writeSettings } from '../e2e/world.ts';
import { launchChromium } from './chromium.ts';

test('console: a viewer cannot approve a task, an approver picks a choice, the card updates in place, Undo takes it back', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  writeSettings(dataDir);
  const app = await createApp({ dataDir, env: {}, port: 0, host: '127.0.0.1', log: createSilentLogger(), demo: 'on' });
  t.after(() => app.stop());
  const { url } = await app.start();
  const { orderId, erpBefore, task } = await breakOrder(app);
  assert.equal(demoErpStatus(app, orderId), 'cancelled');
  // The card was posted in the settings' language: expected texts come from the same catalog.
  const ct = getT(app.effectiveSettings().language, 'cards');
  const title = taskTitle(ct, task);
  const wangName = app.effectiveSettings().chat.users['console:wang']?.name ?? 'wang';

  const shots = mkdtempSync(join(tmpdir(), 'orderops-e2e-tasks-'));
  t.diagnostic(`screenshots in ${shots}`);
  const chrome = await launchChromium();
  t.after(() => chrome.close());
  const page = await chrome.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.setDefaultTimeout(10_000);
  await page.goto(`${url}/`);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  await page.getByTestId('user-select').selectOption('guest');
  await page.getByTestId('channel-ops').click();

  const byTitle = page.getByTestId('message').filter({ has: page.getByTestId('card-title').filter({ hasText: title }) });
  await byTitle.waitFor();
  assert.equal(await byTitle.count(), 1, 'one card for the task');
  const before = await byTitle.getAttribute('data-version');
  const cardBefore = await byTitle.getByTestId('card').innerText();
  assert.match(cardBefore, new RegExp(ct('tasks:state.open')));

  // A viewer clicks Approve: refused, only they see why, the card and the task stay as they were.
  await byTitle.getByTestId('button-task.approve').click();
  const refusal = page.getByTestId('message').filter({ has: page.getByTestId('only-you') }).filter({ hasText: /Nothing was changed|未做任何修改|No se cambió nada/ });
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /Viewer|查看者|Observador|viewer/i);
  assert.equal(await byTitle.getAttribute('data-version'), before);
  assert.equal(await byTitle.getByTestId('card').innerText(), cardBefore);
  assert.equal((await app.domain.tasks.get(task.id))?.state, 'open');
  const denied = await app.store.db.all<{ actor: string; data: string }>("SELECT actor, data FROM audit WHERE type = 'denied' AND subject = ?", [`task:${task.id}`]);
  assert.deepEqual(denied.map((d) => [d.actor, (JSON.parse(d.data) as { code: string }).code]), [['console:guest', 'forbidden']]);
  await page.screenshot({ path: join(shots, '1-viewer-refused.png') });
  await byTitle.screenshot({ path: join(shots, '1-viewer-refused-card.png') });

  // The approver clicks Approve: the suggestion is a system that saw the order shipped (not the ERP's cancellation),
  // so the ERP gets that status pushed.
  await page.getByTestId('user-select').selectOption('wang');
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  await byTitle.waitFor();
  await eventually('the viewer-only refusal to disappear for wang', async () => (await refusal.count()) === 0);
  await byTitle.evaluate((el) => el.setAttribute('data-e2e', 'task-card'));
  const same = page.locator('[data-e2e="task-card"]');
  const versionBefore = Number(await same.getAttribute('data-version'));
  const approveButton = same.getByTestId('button-task.approve');
  const label = await approveButton.innerText();
  assert.notEqual(task.suggested, 'trust:erp', 'the ERP cancelled a shipped order: its view is not the suggestion');
  await approveButton.click();
  if (await page.getByTestId('confirm-dialog').isVisible()) await page.getByTestId('confirm-ok').click();

  const doneTask = await eventually('the task to be done', async () => {
    const x = await app.domain.tasks.get(task.id);
    return x?.state === 'done' ? x : undefined;
  });
  const choice = doneTask.choice ?? '';
  assert.match(choice, /^trust:(wms|storefront)$/);
  assert.equal(choice, task.suggested);
  assert.equal(ct('tasks:button.approve', { choice: choiceLabel(ct, choice) }), label, 'the button clicked is the choice executed');
  // The same element (not a new message) now says who decided what, and offers Undo.
  await same.filter({ hasText: ct('tasks:outcome.done', { choice: choiceLabel(ct, choice) }) }).waitFor();
  const text = await same.innerText();
  assert.ok(text.includes(wangName), `the card names the approver: ${text}`);
  assert.ok(text.includes(ct('tasks:history.approved', { choice: choiceLabel(ct, choice) })), text);
  assert.ok(Number(await same.getAttribute('data-version')) > versionBefore);
  assert.equal(await byTitle.count(), 1, 'updated in place, not posted again');
  await same.getByTestId('button-task.undo').waitFor();
  assert.equal(await same.getByTestId('button-task.approve').count(), 0, 'no Approve on a decided task');
  // The executor really pushed the chosen status to the demo ERP, and the resync brought it into the store.
  const trusted = (await app.store.queries.order(orderId))?.snapshots.find((s) => s.system === choice.slice('trust:'.length))?.status;
  assert.ok(trusted);
  assert.equal(demoErpStatus(app, orderId), trusted);
  assert.equal((await app.store.queries.order(orderId))?.snapshots.find((s) => s.system === 'erp')?.status, trusted);
  assert.notEqual(trusted, 'cancelled');
  assert.ok(erpBefore);
  await page.screenshot({ path: join(shots, '2-approved.png') });
  await byTitle.screenshot({ path: join(shots, '2-approved-card.png') });

  // Undo (inside the 10 min window) asks first, then pushes the ERP's previous status back; the task opens again.
  await same.getByTestId('button-task.undo').click();
  await page.getByTestId('confirm-dialog').waitFor();
  await page.getByTestId('confirm-ok').click();
  await same.filter({ hasText: ct('tasks:outcome.undone') }).waitFor();
  assert.equal(demoErpStatus(app, orderId), 'cancelled');
  const undone = await app.domain.tasks.get(task.id);
  assert.equal(undone?.state, 'open');
  await same.getByTestId('button-task.approve').waitFor();
  assert.equal(await byTitle.count(), 1);
  const actions = (await historyOf(app, task.id)).map((h) => h.action);
  assert.deepEqual(actions.filter((a) => ['approved', 'executing', 'done', 'undoing', 'undone'].includes(a)), ['approved', 'executing', 'done', 'undoing', 'undone']);
  await page.screenshot({ path: join(shots, '3-undone.png') });
  await byTitle.screenshot({ path: join(shots, '3-undone-card.png') });
  assert.deepEqual(problems, []);
});
