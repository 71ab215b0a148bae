// The real domain over a temp store for conversation write-back tests: a paid order S1 seen by three systems
// (storefront and wms take status writes, erp does not), its Spanish-speaking customer on a recording chat, and
// the task card's copies on the console fake in the staff language (zh-CN) plus one Spanish and one English copy.
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { taskCardKey } from '../../cards/task.ts';
import { ACTIONS, COMMANDS } from '../../commands/index.ts';
import type { BotServices } from '../../commands/services.ts';
import { ChatHub } from '../../src/chat/hub.ts';
import type { Card } from '../../src/core/card.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { Recipient } from '../../src/core/notify.ts';
import type { CanonicalStatus } from '../../src/core/status.ts';
import { createDomain, type Domain } from '../../src/domain.ts';
import { createConsoleInboxChannel } from '../../src/notify/channels/console.ts';
import { SettingsStore } from '../../src/settings/store.ts';
import type { Store } from '../../src/store/index.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import type { OrderSource, SourcePage } from '../../src/sync/sources/types.ts';
import type { Task } from '../../src/tasks/types.ts';
import { MemoryChat } from '../fakes/memory-chat.ts';
import { settingsWith, tempDir, tempStore } from '../helpers/temp.ts';

async function* nothing(): AsyncGenerator<SourcePage> {}

/** A shop system that records status pushes (and fails the next ones on request). */
export class FakeSystem implements OrderSource {
  readonly kind = 'fake';
  readonly pushes: string[] = [];
  failures: Error[] = [];
  constructor(readonly name: string) {}
  pull(): AsyncIterable<SourcePage> {
    return nothing();
  }
  async push(orderId: string, status: CanonicalStatus): Promise<void> {
    const err = this.failures.shift();
    if (err) throw err;
    this.pushes.push(`${orderId} ${status}`);
  }
  /** Amount writes, as "order amount currency". */
  readonly priceWrites: string[] = [];
  async pushPrice(orderId: string, amount: number, currency: string | null): Promise<void> {
    const err = this.failures.shift();
    if (err) throw err;
    this.priceWrites.push(`${orderId} ${amount} ${currency ?? ''}`.trim());
  }
}

/** Everything a conversation write-back test drives. */
export interface ConversationDomainWorld {
  store: Store;
  clock: ManualClock;
  domain: Domain;
  hub: ChatHub<BotServices>;
  ops: MemoryChat;
  storefront: FakeSystem;
  wms: FakeSystem;
  /** What the bot said to customers. */
  said: { to: Recipient; text: string }[];
  /** A stock task on S1 whose "contact the customer" choice was approved: the customer has been asked. */
  askedTask(): Promise<Task>;
  /** Every copy of a card key on the console: [channel, card]. */
  copies(cardKey: string): Promise<{ channelId: string; card: Card; versions: number }[]>;
  /** Every card on the console channel `channelId`. */
  cardsIn(channelId: string): Card[];
}

/** Builds the world (stopped when the test ends). */
export async function makeConversationDomain(t: TestContext): Promise<ConversationDomainWorld> {
  const { store } = await tempStore(t);
  const settings = await SettingsStore.open(tempDir(t));
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 10));
  const log = createSilentLogger();
  const storefront = new FakeSystem('storefront');
  const wms = new FakeSystem('wms');
  // erp declares no push: a cancel cannot reach it.
  const erp: OrderSource = { name: 'erp', kind: 'fake', pull: nothing };
  const sources = new Map<string, OrderSource>([
    ['storefront', storefront],
    ['wms', wms],
    ['erp', erp],
  ]);
  const sourceSettings = settingsWith([{ name: 'storefront' }, { name: 'wms' }, { name: 'erp' }]).sources;
  // Resyncs (after a price write) pull the fake systems, which have nothing new.
  const engine = new SyncEngine({ store, settings: () => ({ ...settings.get(), sources: sourceSettings }), sources, clock, log });
  const said: { to: Recipient; text: string }[] = [];
  const customerChat = { canReach: (r: Recipient) => r.customerId === 'C-es', say: async (to: Recipient, text: string) => void said.push({ to, text }) };
  let hub: ChatHub<BotServices> | undefined;
  const domain = createDomain({
    store,
    settings,
    effective: () => ({ ...settings.get(), sources: sourceSettings }),
    engine,
    sources,
    channels: [createConsoleInboxChannel({ push: () => ({ id: 'x' }), clock })],
    clock,
    log,
    timeZone: 'UTC',
    customerChat,
    hub: () => {
      if (!hub) throw new Error('hub not built');
      return hub;
    },
  });
  const built = new ChatHub<BotServices>({ settings: () => settings.get(), posted: store.posted, commands: COMMANDS, actions: ACTIONS, services: domain.services, clock, log });
  hub = built;
  const ops = new MemoryChat('console', undefined, () => clock.now());
  built.register(ops);
  await built.start();
  t.after(() => domain.stop());

  // A paid order whose customer speaks Spanish, as the storefront reports it; wms and erp know it too.
  const records = (system: string, rawStatus: string) => [
    { orderId: 'S1', system, status: 'paid' as const, rawStatus, updatedAt: clock.now() - 60_000, amount: 80, currency: 'EUR', customer: { id: 'C-es', name: 'Lucía', language: 'es', preferredChannel: 'wechaty' } },
  ];
  let runId = 0;
  for (const [system, raw] of [['storefront', 'paid/unfulfilled'], ['wms', 'RELEASED'], ['erp', '已审核']] as const) {
    await store.applyBatch({ runId: ++runId, source: system, system, now: clock.now(), authority: settings.get().authority, records: records(system, raw) });
  }

  const copies = async (cardKey: string) =>
    (await store.posted.copies(cardKey)).map((ref) => {
      const m = ops.messages.get(ref.messageId);
      assert.ok(m, `copy ${ref.messageId} exists`);
      return { channelId: m.channelId, card: m.content as Card, versions: m.versions };
    });

  return {
    store,
    clock,
    domain,
    hub: built,
    ops,
    storefront,
    wms,
    said,
    copies,
    cardsIn: (channelId) => [...ops.messages.values()].filter((m) => m.channelId === channelId).map((m) => m.content as Card),
    async askedTask() {
      const task = await domain.tasks.onFinding({ kind: 'stock', fingerprint: 'stock:S1:wms', source: 'wms', orderId: 'S1', details: { system: 'wms', raw: 'STOCK_SHORT', status: 'paid', since: clock.now() - 600_000, items: [{ sku: 'SKU-9', qty: 1 }] } });
      assert.ok(task);
      // Two more copies of the task card, read by a Spanish and an English speaker.
      const factory = await domain.tasks.card(task.id);
      assert.ok(factory);
      await built.postTracked({ platform: 'console', channelId: 'lucia' }, taskCardKey(task.id), factory, 'es');
      await built.postTracked({ platform: 'console', channelId: 'alice' }, taskCardKey(task.id), factory, 'en');
      const outcome = await domain.tasks.approve(task.id, { key: 'console:zhao', name: '赵师傅', role: 'warehouse' }, 'contact');
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      assert.equal(said.length, 1, 'the customer was asked once');
      return task;
    },
  };
}
