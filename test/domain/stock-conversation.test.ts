// A stock shortage end to end through the real domain: task → "contact customer" → the customer is asked
// (in their language) → answers → the decision is posted where staff work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIONS, COMMANDS } from '../../commands/index.ts';
import type { BotServices } from '../../commands/services.ts';
import { ChatHub } from '../../src/chat/hub.ts';
import type { Card } from '../../src/core/card.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { Recipient } from '../../src/core/notify.ts';
import { createDomain } from '../../src/domain.ts';
import { createConsoleInboxChannel } from '../../src/notify/channels/console.ts';
import { SettingsStore } from '../../src/settings/store.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { MemoryChat } from '../fakes/memory-chat.ts';
import { tempDir, tempStore } from '../helpers/temp.ts';

test('stock shortage: approving "contact customer" asks the customer, whose answer comes back to staff', async (t) => {
  const { store } = await tempStore(t);
  const settings = await SettingsStore.open(tempDir(t));
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 10));
  const log = createSilentLogger();
  const engine = new SyncEngine({ store, settings: () => settings.get(), sources: new Map(), clock, log });
  const said: { to: Recipient; text: string }[] = [];
  const customerChat = { canReach: (r: Recipient) => r.customerId === 'C-es', say: async (to: Recipient, text: string) => void said.push({ to, text }) };
  let hub: ChatHub<BotServices> | undefined;
  const domain = createDomain({
    store,
    settings,
    effective: () => settings.get(),
    engine,
    sources: new Map(),
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
  hub = new ChatHub<BotServices>({ settings: () => settings.get(), posted: store.posted, commands: COMMANDS, actions: ACTIONS, services: domain.services, clock, log });
  const ops = new MemoryChat('console', undefined, () => clock.now());
  hub.register(ops);
  await hub.start();

  // A paid order whose customer speaks Spanish, as the storefront reports it.
  await store.applyBatch({
    runId: 1,
    source: 'storefront',
    system: 'storefront',
    now: clock.now(),
    authority: settings.get().authority,
    records: [{ orderId: 'S1', system: 'storefront', status: 'paid', rawStatus: 'paid/unfulfilled', updatedAt: clock.now() - 60_000, amount: 80, currency: 'EUR', customer: { id: 'C-es', name: 'Lucía', language: 'es', preferredChannel: 'wechaty' } }],
  });
  const task = await domain.tasks.onFinding({ kind: 'stock', fingerprint: 'stock:S1:wms', source: 'wms', orderId: 'S1', details: { system: 'wms', raw: 'STOCK_SHORT', status: 'paid', since: clock.now() - 600_000, items: [{ sku: 'SKU-9', qty: 1 }] } });
  assert.ok(task);
  const outcome = await domain.tasks.approve(task.id, { key: 'console:zhao', name: '赵师傅', role: 'warehouse' }, 'contact');
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  for (let i = 0; i < 20 && said.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(said.length, 1, 'the customer was asked once');
  assert.match(said[0]?.text ?? '', /S1/);
  assert.match(said[0]?.text ?? '', /esperar|cambiar|cancelar/i, 'in Spanish, with the options');

  const reply = await domain.conversations.service.onReply('C-es', '3');
  assert.equal(reply.kind, 'decided', JSON.stringify(reply));
  const cards = [...ops.messages.values()].map((m) => m.content as Card);
  assert.ok(cards.some((c) => /顾客选择：取消/.test(c.fallbackText)), `staff see the customer's answer: ${cards.map((c) => c.fallbackText).join(' | ')}`);
  const again = await domain.conversations.service.onReply('C-es', '1');
  assert.notEqual(again.kind, 'decided', 'decided once; a later reply does not decide again');
  await domain.stop();
});
