// "Switch to fallback" and "apply corrected price" end to end through the real domain: http-json sources pointed at
// local fake systems, the real engine, detectors, alert pipeline, task service and executor ports, the real hub
// with the console as a fake platform. Decisions are clicks on the task card; Undo takes them back.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { TASK_APPROVE, TASK_CHOOSE, TASK_UNDO, taskCardKey } from '../../cards/task.ts';
import { ACTIONS, COMMANDS } from '../../commands/index.ts';
import type { BotServices } from '../../commands/services.ts';
import { clickEntry, commandEntry } from '../../src/audit/entries.ts';
import { ChatHub } from '../../src/chat/hub.ts';
import type { Card } from '../../src/core/card.ts';
import type { ActionEvent, CommandEvent } from '../../src/core/chat.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { createDomain } from '../../src/domain.ts';
import { createConsoleInboxChannel } from '../../src/notify/channels/console.ts';
import type { Settings, SourceSettings } from '../../src/settings/schema.ts';
import { SettingsStore } from '../../src/settings/store.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { createHttpJsonSource } from '../../src/sync/sources/http-json.ts';
import type { Task } from '../../src/tasks/types.ts';
import { cardText } from '../cards/helpers.ts';
import { MemoryChat } from '../fakes/memory-chat.ts';
import { startFakeOrderSystems, type FakeOrderSystems } from '../fakes/order-systems.ts';
import { settingsWith, tempDir, tempStore } from '../helpers/temp.ts';

const T0 = Date.UTC(2026, 5, 1, 8);
let seq = 0;

async function makeWorld(t: TestContext, cfg: (fake: FakeOrderSystems) => Partial<SourceSettings>[]) {
  const { store } = await tempStore(t);
  const settings = await SettingsStore.open(tempDir(t));
  const clock = new ManualClock(T0);
  const log = createSilentLogger();
  const fake = await startFakeOrderSystems(() => clock.now());
  t.after(() => fake.close());
  const sourceCfg = settingsWith(cfg(fake)).sources;
  // Ana (approver) and Bo (agent) read English; guest is a viewer.
  const users = { 'console:ana': { role: 'approver', name: 'Ana', language: 'en' }, 'console:bo': { role: 'agent', name: 'Bo', language: 'en' } } as const;
  const effective = (): Settings => {
    const s = settings.get();
    return { ...s, language: 'en', sources: sourceCfg, sync: { ...s.sync, sourceDownAfterFailures: 1 }, chat: { ...s.chat, users: { ...s.chat.users, ...users } } };
  };
  const sources = new Map(sourceCfg.map((s) => [s.name, createHttpJsonSource(s, { env: {}, dataDir: '/nonexistent', clock, log })]));
  const engine = new SyncEngine({ store, settings: effective, sources, clock, log });
  t.after(() => engine.stop());
  let hub: ChatHub<BotServices> | undefined;
  const domain = createDomain({
    store,
    settings,
    effective,
    engine,
    sources,
    channels: [createConsoleInboxChannel({ push: () => ({ id: 'x' }), clock })],
    clock,
    log,
    timeZone: 'UTC',
    hub: () => {
      if (!hub) throw new Error('hub not built');
      return hub;
    },
  });
  t.after(() => domain.stop());
  // Commands and clicks are audited as src/main.ts wires it.
  const audit = (event: CommandEvent | ActionEvent) => domain.audit.append(event.kind === 'command' ? commandEntry(event, clock.now()) : clickEntry(event, clock.now()));
  hub = new ChatHub<BotServices>({ settings: effective, posted: store.posted, commands: COMMANDS, actions: ACTIONS, services: domain.services, clock, log, audit });
  const ops = new MemoryChat('console', undefined, () => clock.now());
  hub.register(ops);
  await hub.start();
  const click = (user: string, actionId: string, value: string): Promise<void> => {
    const e: ActionEvent = { kind: 'action', dedupeKey: `c${++seq}`, actor: { platform: 'console', userId: user }, place: { platform: 'console', channelId: 'ops' }, actionId, value, raw: null };
    return ops.deliver(e);
  };
  const command = (user: string, name: string, args: string[]): Promise<void> => {
    const e: CommandEvent = { kind: 'command', dedupeKey: `m${++seq}`, actor: { platform: 'console', userId: user }, place: { platform: 'console', channelId: 'ops' }, name, args, text: args.join(' '), raw: null };
    return ops.deliver(e);
  };
  const cards = (): Card[] => [...ops.messages.values()].filter((m) => typeof m.content !== 'string').map((m) => m.content as Card);
  const taskCard = async (task: Task): Promise<string> => {
    const [copy] = await store.posted.copies(taskCardKey(task.id));
    const m = copy ? ops.messages.get(copy.messageId) : undefined;
    assert.ok(m, `task ${task.id} has a card`);
    return cardText(m.content as Card);
  };
  /** Detectors run once; the task of `kind` they opened (or already had). */
  const taskOf = async (kind: string): Promise<Task> => {
    await domain.detect.scan();
    await domain.detect.idle();
    const task = (await domain.tasks.list('all', 'nobody', 100)).find((x) => x.kind === kind);
    assert.ok(task, `a ${kind} task was opened`);
    return task;
  };
  return { store, clock, fake, engine, domain, ops, click, command, cards, taskCard, taskOf };
}

test('source down → approve "switch to fallback": the alert resolves, the next runs use the fallback, /status says so; Undo restores the source', async (t) => {
  const w = await makeWorld(t, (fake) => [
    { name: 'erp', fallback: 'erp-backup', options: fake.options('erp') },
    { name: 'erp-backup', system: 'erp', options: fake.options('backup') },
  ]);
  const erp = w.fake.system('erp');
  const backup = w.fake.system('backup');
  backup.orders.set('F1', { id: 'F1', status: 'paid', updatedAt: T0 - 60_000, amount: 10, currency: 'CNY' });
  erp.down = true;
  const failed = await w.engine.run('erp', { trigger: 'schedule' });
  assert.deepEqual([failed.status, failed.fallback?.status], ['failed', 'ok']);

  const task = await w.taskOf('source_down');
  assert.deepEqual([task.source, task.choices, task.suggested], ['erp', ['fallback', 'ack'], 'fallback']);
  w.clock.advance(31_000);
  await w.domain.alerts.tick();
  const alertText = (): string => w.cards().map(cardText).find((x) => /erp/.test(x) && !/T\d+ ·/.test(x)) ?? '';
  assert.match(alertText(), /erp/, 'the source-down alert card was posted');
  assert.doesNotMatch(alertText(), /Resolved/);

  await w.click('ana', TASK_APPROVE, String(task.id));
  const done = await w.domain.tasks.get(task.id);
  assert.equal(done?.state, 'done', done?.error ?? '');
  assert.match(await w.taskCard(task), /Pulling erp-backup instead of erp until someone restores it/);
  assert.deepEqual((await w.store.switches.list()).map((s) => [s.source, s.fallback]), [['erp', 'erp-backup']]);

  // The condition is handled: the finding is resolved, and the alert card shows it at its next flush.
  await w.domain.detect.scan();
  w.clock.advance(301_000);
  await w.domain.alerts.tick();
  assert.match(alertText(), /Resolved/);

  // Scheduled runs pull the fallback instead; the failing source is not tried (no retries, no new alert).
  const pulls = { erp: erp.pulls, backup: backup.pulls };
  const next = await w.engine.run('erp', { trigger: 'schedule' });
  assert.deepEqual([next.status, next.source, next.switchedFrom, erp.pulls, backup.pulls], ['ok', 'erp-backup', 'erp', pulls.erp, pulls.backup + 1]);
  assert.deepEqual(await w.store.findings.open({ kind: 'source_down' }), []);

  await w.command('guest', 'status', []);
  const status = cardText(w.cards().at(-1) as Card);
  assert.match(status, /erp → switched to erp-backup since/);
  assert.match(status, /\/sync erp restore/);

  // Undo (inside the window) restores the source: the switch ends and erp itself is pulled once.
  erp.down = false;
  await w.click('ana', TASK_UNDO, String(task.id));
  assert.equal((await w.domain.tasks.get(task.id))?.state, 'open');
  assert.deepEqual(await w.store.switches.list(), []);
  assert.equal(erp.pulls, pulls.erp + 1);
  assert.match(await w.taskCard(task), /The decision was undone/);
  await w.engine.run('erp', { trigger: 'schedule' });
  assert.equal(erp.pulls, pulls.erp + 2, 'pulled as usual again');
});

test('after the undo window, /sync <source> restore ends the switch (agent role, audited)', async (t) => {
  const w = await makeWorld(t, (fake) => [
    { name: 'erp', fallback: 'erp-backup', options: fake.options('erp') },
    { name: 'erp-backup', system: 'erp', options: fake.options('backup') },
  ]);
  const erp = w.fake.system('erp');
  erp.down = true;
  await w.engine.run('erp');
  const task = await w.taskOf('source_down');
  await w.click('ana', TASK_CHOOSE, `${task.id}:fallback`);
  assert.equal((await w.domain.tasks.get(task.id))?.state, 'done');
  w.clock.advance(60 * 60_000);
  await w.click('ana', TASK_UNDO, String(task.id));
  assert.equal(w.ops.lastEphemeral(), 'The undo window has closed. Nothing was changed.');

  await w.command('guest', 'sync', ['erp', 'restore']);
  assert.match(w.ops.lastEphemeral(), /needs the Agent role/);
  assert.equal((await w.store.switches.list()).length, 1, 'a viewer changes nothing');
  erp.down = false;
  const pulls = erp.pulls;
  await w.command('bo', 'sync', ['restore', 'erp']);
  assert.match(w.ops.lastEphemeral(), /erp is restored: it is read itself again instead of erp-backup/);
  assert.deepEqual(await w.store.switches.list(), []);
  assert.equal(erp.pulls, pulls + 1);
  const summary = cardText(w.cards().at(-1) as Card);
  assert.match(summary, /erp/);
  assert.doesNotMatch(summary, /in place of/);
  await w.command('bo', 'sync', ['erp', 'restore']);
  assert.match(w.ops.lastEphemeral(), /erp is not switched to a fallback/);
  const audited = await w.store.db.all<{ actor: string; data: string }>("SELECT actor, data FROM audit WHERE type = 'command' AND subject = '/sync' ORDER BY id");
  assert.deepEqual(audited.map((a) => [a.actor, (JSON.parse(a.data) as { args: string[] }).args.join(' ')]), [['console:guest', 'erp restore'], ['console:bo', 'restore erp'], ['console:bo', 'erp restore']]);
});

test('price → approve "apply": the http-json source\'s price endpoint gets the corrected amount and our view follows; Undo writes the old one back', async (t) => {
  const w = await makeWorld(t, (fake) => [
    { name: 'erp', options: fake.options('erp', { pushPrice: { url: `${fake.baseUrl}/erp/orders/{id}/price`, amountField: 'price.amount', currencyField: 'price.currency' } }) },
    { name: 'shop', options: fake.options('shop') },
  ]);
  const erp = w.fake.system('erp');
  const shop = w.fake.system('shop');
  // The ERP charges 100 for one item priced 90, with no discount and no shipping fee; the shop says 90.
  erp.orders.set('P1', { id: 'P1', status: 'paid', updatedAt: T0 - 60_000, amount: 100, currency: 'CNY', lines: [{ sku: 'SKU-1', qty: 1, price: 90 }], discount: 0, shipping: 0 });
  shop.orders.set('P1', { id: 'P1', status: 'paid', updatedAt: T0 - 60_000, amount: 90, currency: 'CNY' });
  await w.engine.runAll({ trigger: 'test' });
  const amountIn = async (system: string) => (await w.store.queries.order('P1'))?.snapshots.find((s) => s.system === system)?.amount;

  const task = await w.taskOf('price');
  assert.deepEqual([task.orderId, task.suggested], ['P1', 'apply']);
  w.clock.advance(60_000);
  await w.click('ana', TASK_APPROVE, String(task.id));
  const done = await w.domain.tasks.get(task.id);
  assert.equal(done?.state, 'done', done?.error ?? '');
  assert.deepEqual(erp.priceWrites, [{ orderId: 'P1', body: { price: { amount: 90, currency: 'CNY' } } }]);
  assert.equal(shop.priceWrites.length, 0, 'the shop already had the right amount');
  assert.equal(await amountIn('erp'), 90, 'the ERP was pulled again: our view has the corrected amount');
  assert.match(await w.taskCard(task), /Set the amount in erp to CN¥90\.00/);

  w.clock.advance(60_000);
  await w.click('ana', TASK_UNDO, String(task.id));
  assert.equal((await w.domain.tasks.get(task.id))?.state, 'open');
  assert.deepEqual(erp.priceWrites[1], { orderId: 'P1', body: { price: { amount: 100, currency: 'CNY' } } }, 'the old amount written back');
  assert.equal(await amountIn('erp'), 100);
});

test('a price correction for a system whose source cannot write amounts fails at once, naming the system on the card', async (t) => {
  const w = await makeWorld(t, (fake) => [
    { name: 'erp', options: fake.options('erp') },
    { name: 'shop', options: fake.options('shop') },
  ]);
  w.fake.system('erp').orders.set('P2', { id: 'P2', status: 'paid', updatedAt: T0 - 60_000, amount: 90, currency: 'CNY', lines: [{ sku: 'SKU-1', qty: 1, price: 90 }] });
  w.fake.system('shop').orders.set('P2', { id: 'P2', status: 'paid', updatedAt: T0 - 60_000, amount: 80, currency: 'CNY' });
  await w.engine.runAll({ trigger: 'test' });
  const task = await w.taskOf('price');
  await w.click('ana', TASK_APPROVE, String(task.id));
  const failed = await w.domain.tasks.get(task.id);
  assert.deepEqual([failed?.state, failed?.attempts], ['failed', 1], 'permanent: not retried');
  assert.match(await w.taskCard(task), /tasks\.no_price_push: no source of shop takes amount writes/);
});
