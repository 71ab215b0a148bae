// The demo shop's address trouble end to end: a customer changed the street in the storefront after the order reached
// the demo WMS, which still holds the old street while the order waits to be picked. The real sync reads both addresses
// (Shopify shipping_address, the WMS through fields.shipTo), the real address detector reports the disagreement, and the
// task service opens an address task whose card shows the addresses masked. Approving "contacted" (an agent) completes
// the task; approving "verify" asks the customer over the WeChat template channel (a fake WeChat API): what `npm start`
// shows a person trying the product, plus a WeChat account.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { taskCardKey } from '../../cards/task.ts';
import { OPS_CHANNEL } from '../../src/adapters/console/index.ts';
import { formatAddress } from '../../src/core/address.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { streetLines } from '../../src/demo/addresses.ts';
import { shipToOf, type DemoOrder } from '../../src/demo/world.ts';
import { createApp, type App } from '../../src/main.ts';
import type { Task } from '../../src/tasks/types.ts';
import { startFakeWeChatApi, type FakeWeChatApi } from '../fakes/wechat-api.ts';
import { tempDir } from '../helpers/temp.ts';
import { eventually, writeSettings } from './world.ts';

const WECHAT = { appId: 'wx0demo0address01', appSecret: 'demo-address-secret-0123456789ab' };

// The demo on its default seed with the shipped settings (the grace runs on the sources' simulated update times, so it
// has long passed), after one sync of every source and one detector scan.
async function demoApp(t: TestContext, wechat?: FakeWeChatApi): Promise<App> {
  const dataDir = tempDir(t);
  writeSettings(dataDir, (s) => ({
    ...s,
    language: 'en',
    ...(wechat
      ? { wechat: { ...s.wechat, templates: { ask_address: { templateId: 'TPL_ADDRESS', fields: { character_string1: { from: 'orderId', type: 'character_string' }, thing2: { from: 'address', type: 'thing' } } } } } }
      : {}),
  }));
  const env: Record<string, string> = wechat ? { WECHAT_APP_ID: WECHAT.appId, WECHAT_APP_SECRET: WECHAT.appSecret, WECHAT_API_BASE: wechat.url } : {};
  const app = await createApp({ dataDir, env, port: 0, host: '127.0.0.1', log: createSilentLogger(), demo: 'on' });
  t.after(() => app.stop());
  await app.start();
  const runs = await app.engine.runAll({ trigger: 'test' });
  assert.ok(runs.every((r) => r.status === 'ok'), JSON.stringify(runs.map((r) => [r.source, r.error])));
  await app.domain.detect.scan();
  await app.domain.detect.idle();
  return app;
}

const IN_WAREHOUSE = new Set(['RECEIVED', 'ALLOCATED', 'PICKING', 'PACKED']);

// Orders the demo WMS holds, not yet shipped, with the old street (the storefront has the customer's new one).
function diverged(app: App): DemoOrder[] {
  const world = app.demo?.world;
  assert.ok(world, 'the demo shop runs');
  return [...world.orders()].filter((o) => {
    const sf = world.storefront(o);
    const wms = world.wms(o);
    return o.trouble?.kind === 'address' && sf !== undefined && wms !== undefined && IN_WAREHOUSE.has(wms.state.status) && shipToOf(o, sf) !== shipToOf(o, wms);
  });
}

// The address task of an address-trouble order, after checking the finding behind it.
async function addressTask(app: App): Promise<{ order: DemoOrder; task: Task }> {
  const troubled = diverged(app);
  assert.ok(troubled.length > 0, 'the demo has an address-trouble order in the warehouse at the start');
  const findings = await app.store.findings.open({ kind: 'address' });
  assert.deepEqual(findings.map((f) => f.orderId).sort(), troubled.map((o) => o.orderId).sort(), 'address findings for exactly the orders whose street differs: every other demo address agrees and is complete');
  const tasks = await app.domain.tasks.list('all', 'nobody', 1000);
  const task = tasks.find((x) => x.kind === 'address' && troubled.some((o) => o.orderId === x.orderId));
  assert.ok(task, `an address task for one of ${troubled.map((o) => o.orderId).join(', ')}; tasks: ${tasks.map((x) => `${x.kind}:${x.orderId}`).join(', ')}`);
  const order = troubled.find((o) => o.orderId === task.orderId);
  assert.ok(order?.changedShipTo);
  const finding = findings.find((f) => f.orderId === order.orderId);
  const details = finding?.details as { problems?: string[]; differs?: string[] } | undefined;
  assert.deepEqual(details?.problems, ['disagree']);
  assert.deepEqual(details?.differs, ['street']);
  assert.equal(task.state, 'open');
  assert.deepEqual(task.choices, ['verify', 'contacted']);
  assert.equal(task.suggested, 'verify');
  return { order, task };
}

// What the console shows: the task card (every posted copy), and everything in the channels it went to plus the ops
// channel (alert cards included).
async function consoleText(app: App, task: Task): Promise<{ card: string; all: string }> {
  await app.console.idle();
  const copies = await app.store.posted.copies(taskCardKey(task.id));
  assert.ok(copies.length > 0, 'the task card was posted');
  const body = (channel: string, id?: string): string[] => app.console.messages(channel).filter((m) => id === undefined || m.id === id).map((m) => JSON.stringify(m.body));
  const card = copies.flatMap((c) => body(c.channelId, c.messageId)).join('\n');
  assert.ok(card.includes(`order ${task.orderId ?? '?'}`), `the card is about the order: ${card.slice(0, 300)}`);
  const channels = new Set([OPS_CHANNEL, ...copies.map((c) => c.channelId)]);
  return { card, all: [...channels].flatMap((c) => body(c)).join('\n') };
}

// Staff see addresses masked: neither street line (old nor new), in any spelling, nor the house number with its street.
function assertNoStreet(text: string, order: DemoOrder): void {
  assert.ok(order.changedShipTo);
  for (const a of [order.shipTo, order.changedShipTo]) {
    for (const line of [a.line1, streetLines(a), a.line1.replace(/\s+/g, '')]) assert.ok(!text.includes(line), `the card shows the street line "${line}"`);
  }
}

test('demo address trouble → address finding and task, street masked on the card → an agent approves "contacted" → done', { timeout: 60_000 }, async (t) => {
  const app = await demoApp(t);
  const { order, task } = await addressTask(app);
  const before = await consoleText(app, task);
  assert.ok(before.card.includes(order.shipTo.city), `the card shows the locality (${order.shipTo.city})`);
  assertNoStreet(before.all, order);

  const refused = await app.domain.tasks.approve(task.id, { key: 'console:wu', name: 'Wu', role: 'warehouse' }, 'contacted');
  assert.equal(refused.ok, false, 'the warehouse may not decide address tasks');
  assert.equal((await app.domain.tasks.get(task.id))?.state, 'open');
  await app.domain.tasks.approve(task.id, { key: 'console:ana', name: 'Ana', role: 'agent' }, 'contacted');
  const done = await eventually('the address task executed', async () => {
    const x = await app.domain.tasks.get(task.id);
    return x?.state === 'done' || x?.state === 'failed' ? x : undefined;
  });
  assert.equal(done.state, 'done', done.error ?? '');
  assert.equal(done.choice, 'contacted');
  assertNoStreet((await consoleText(app, done)).all, order);
});

test('demo address trouble → an admin approves "verify" → the customer is asked over a WeChat template, the card still masked', { timeout: 60_000 }, async (t) => {
  const wechat = await startFakeWeChatApi({ ...WECHAT, templates: [{ id: 'TPL_ADDRESS', fields: { character_string1: 'character_string', thing2: 'thing' } }] });
  t.after(() => wechat.close());
  const app = await demoApp(t, wechat);
  const { order, task } = await addressTask(app);
  assertNoStreet((await consoleText(app, task)).all, order);

  await app.domain.tasks.approve(task.id, { key: 'console:bo', name: 'Bo', role: 'admin' }, 'verify');
  const done = await eventually('the address task executed', async () => {
    const x = await app.domain.tasks.get(task.id);
    return x?.state === 'done' || x?.state === 'failed' ? x : undefined;
  });
  assert.equal(done.state, 'done', done.error ?? '');
  assert.equal(done.choice, 'verify');
  const [conversation] = await app.domain.conversations.service.forTask(task.id);
  assert.ok(conversation, 'a conversation with the customer started');
  assert.equal(conversation.template, 'ask_address');
  assert.equal(conversation.orderId, order.orderId);
  assert.equal(conversation.channel, 'wechat_template');
  assert.equal(wechat.delivered.length, 1, 'one template message went out');
  const sent = wechat.delivered[0];
  assert.equal(sent?.touser, order.customer.openid, "to the customer's WeChat");
  assert.equal(sent?.data.character_string1, order.orderId);
  // The customer is asked about one system's full address (the new street or the old one); WeChat gets it cut to 20 characters.
  const full = [order.shipTo, order.changedShipTo].map((a) => a && formatAddress({ country: a.country, region: a.region, city: a.city, district: a.district, street: streetLines(a), postalCode: a.postalCode }));
  assert.ok(full.includes(conversation.vars.address), `asked about "${conversation.vars.address}", one of ${full.join(' | ')}`);
  const shown = sent?.data.thing2 ?? '';
  assert.ok(shown.length > 5 && (conversation.vars.address ?? '').startsWith(shown.replace(/…$/, '')), `the template carries the address: ${shown}`);
  assertNoStreet((await consoleText(app, done)).all, order);
});
