// One script, every adapter: command → reply, card → click → in-place change, a denied click, a platform retry
// delivered twice, a malformed body and a forged one. Each platform's *.test.ts calls runContractSuite with its driver.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { card } from '../../src/core/card.ts';
import type { PostedRef } from '../../src/core/chat.ts';
import { systemClock } from '../../src/core/clock.ts';
import type { ActionDefinition, CommandDefinition } from '../../src/core/command.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { ChatHub } from '../../src/chat/hub.ts';
import { settingsWith, tempStore } from '../helpers/temp.ts';
import type { ContractDriver, ContractDriverFactory } from './driver.ts';

/** The suite's button action. */
export const CONTRACT_ACK = 'contract.ack';

interface Svc {
  clicks: string[];
}

const PING: CommandDefinition<Svc> = {
  name: 'ping',
  helpKey: 'help.ping',
  role: 'viewer',
  args: [{ name: 'target', required: true }],
  async handler(ctx) {
    const target = ctx.args.target ?? '';
    await ctx.postTracked(`ping:${target}`, () =>
      card()
        .header(`Order ${target} needs a look`, 'warning')
        .text(`Order **${target}** is waiting.`)
        .actions([{ actionId: CONTRACT_ACK, label: 'Ack', value: target, style: 'primary' }])
        .build(),
    );
  },
};

const ACK: ActionDefinition<Svc> = {
  actionId: CONTRACT_ACK,
  role: 'agent',
  async handler(ctx) {
    ctx.services.clicks.push(`${ctx.actor.userId}:${ctx.value}`);
    await ctx.updateCard(() => card().header(`Order ${ctx.value} handled by ${ctx.actor.userId}`, 'success').text('Done.').build());
    await ctx.ephemeral(`Acknowledged ${ctx.value}`);
  },
};

async function setup(t: TestContext, factory: ContractDriverFactory): Promise<{ driver: ContractDriver; services: Svc }> {
  const { store } = await tempStore(t);
  const driver = await factory({ t, store, clock: systemClock });
  const settings = settingsWith([], {
    language: 'en',
    chat: {
      defaultRole: 'viewer',
      users: { [`${driver.platform}:${driver.userId('alice')}`]: { role: 'agent' }, [`${driver.platform}:${driver.userId('bob')}`]: { role: 'viewer' } },
      routes: {},
      channels: {},
    },
  });
  const services: Svc = { clicks: [] };
  const hub = new ChatHub<Svc>({ settings: () => settings, posted: store.posted, commands: [PING], actions: [ACK], services, clock: systemClock, log: createSilentLogger() });
  hub.register(driver.adapter);
  await hub.start();
  t.after(() => hub.stop());
  return { driver, services };
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function postedCard(driver: ContractDriver, target: string): Promise<PostedRef> {
  const d = await driver.command('alice', `/ping ${target}`);
  assert.ok(d.status >= 200 && d.status < 300, `the command delivery is accepted (got ${d.status})`);
  const m = await waitFor(`a card for ${target}`, () => driver.messages().find((x) => x.text.includes(target)));
  assert.equal(m.versions, 1);
  return m.ref;
}

/** Registers the contract tests for one platform. */
export function runContractSuite(platform: string, factory: ContractDriverFactory): void {
  test(`contract(${platform}): a command is answered with a card in the channel`, async (t) => {
    const { driver } = await setup(t, factory);
    const ref = await postedCard(driver, 'A101');
    assert.equal(ref.platform, platform);
    assert.equal(ref.channelId, driver.channelId);
    assert.match(driver.messages().find((m) => m.ref.messageId === ref.messageId)?.text ?? '', /A101/);
  });

  test(`contract(${platform}): a click changes the card in place and tells the clicker`, async (t) => {
    const { driver, services } = await setup(t, factory);
    const ref = await postedCard(driver, 'A102');
    const d = await driver.click('alice', ref, CONTRACT_ACK);
    assert.ok(d.status >= 200 && d.status < 300, `the click is accepted (got ${d.status})`);
    const alice = driver.userId('alice');
    const changed = await waitFor('the card to change', () => driver.messages().find((m) => m.ref.messageId === ref.messageId && m.versions > 1));
    assert.match(changed.text, new RegExp(`handled by ${alice}`));
    assert.equal(driver.messages().filter((m) => m.text.includes('A102')).length, 1, 'changed in place, not posted again');
    await driver.settle();
    assert.deepEqual(services.clicks, [`${alice}:A102`]);
    await waitFor('a notice to alice', () => (driver.notices('alice').some((n) => n.includes('Acknowledged A102')) ? true : undefined));
  });

  test(`contract(${platform}): a click by someone without the role changes nothing and says why`, async (t) => {
    const { driver, services } = await setup(t, factory);
    const ref = await postedCard(driver, 'A103');
    const d = await driver.click('bob', ref, CONTRACT_ACK);
    assert.ok(d.status >= 200 && d.status < 300, `the click is acknowledged (got ${d.status})`);
    await driver.settle();
    await waitFor('a notice to bob', () => (driver.notices('bob').length > 0 ? true : undefined));
    assert.match(driver.notices('bob').join('\n'), /viewer/i);
    assert.deepEqual(services.clicks, []);
    assert.equal(driver.messages().find((m) => m.ref.messageId === ref.messageId)?.versions, 1);
  });

  test(`contract(${platform}): a retried delivery is acted on once`, async (t) => {
    const { driver, services } = await setup(t, factory);
    const ref = await postedCard(driver, 'A104');
    const d = await driver.click('alice', ref, CONTRACT_ACK);
    await driver.settle();
    const again = await d.replay();
    assert.ok(again.status < 300, `a retry is acknowledged (got ${again.status})`);
    await driver.settle();
    assert.equal(services.clicks.length, 1);
    const cmd = await driver.command('alice', '/ping A105');
    await waitFor('the A105 card', () => driver.messages().find((m) => m.text.includes('A105')));
    await (await cmd.replay()).replay();
    await driver.settle();
    assert.equal(driver.messages().filter((m) => m.text.includes('A105')).length, 1, 'a retried command runs once');
  });

  test(`contract(${platform}): malformed and forged deliveries are refused and reach nothing`, async (t) => {
    const { driver, services } = await setup(t, factory);
    const malformed = await driver.malformed();
    assert.ok(malformed >= 400 && malformed < 500, `malformed → 4xx (got ${malformed})`);
    const forged = await driver.forged();
    assert.ok(forged === 401 || forged === 403, `forged → 401 (got ${forged})`);
    await driver.settle();
    assert.deepEqual(services.clicks, []);
    assert.equal(driver.messages().length, 0);
  });
}
