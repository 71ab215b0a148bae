// 5 messages per second per chat: the hub's send queue (with the adapter's ChatLimits) queues, never drops, and
// the fake — which refuses a sixth send within a second with 230020, like Feishu — never has to refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SendQueues } from '../../../src/chat/send-queue.ts';
import { card } from '../../../src/core/card.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { FEISHU_CHAT_LIMITS } from '../../../src/adapters/feishu/limits.ts';
import { startFeishuHarness } from '../../fakes/feishu-harness.ts';

test('the adapter declares 5 messages/s per chat', () => {
  assert.equal(FEISHU_CHAT_LIMITS.perChannelPerSecond, 5);
});

test('12 cards to one chat through the send queue: all delivered in order, none refused, at most 5 in any second', async (t) => {
  const h = await startFeishuHarness(t, { clock: systemClock });
  const queues = new SendQueues(systemClock);
  const started = Date.now();
  const refs = await Promise.all(
    Array.from({ length: 12 }, (_v, i) => queues.enqueue('feishu', 'oc_busy', h.adapter.limits, () => h.adapter.post('oc_busy', card().header(`Card ${i}`).build()))),
  );
  assert.equal(new Set(refs.map((r) => r.messageId)).size, 12);
  const creates = h.fake.callsTo('create');
  assert.ok(creates.every((c) => c.code === 0), 'Feishu never had to refuse one');
  assert.deepEqual(h.fake.messagesIn('oc_busy').map((m) => JSON.parse(m.versions[0] ?? '{}').header.title.content), Array.from({ length: 12 }, (_v, i) => `Card ${i}`));
  for (const c of creates) assert.ok(creates.filter((d) => d.at >= c.at && d.at < c.at + 950).length <= 5);
  assert.ok(Date.now() - started >= 2000, 'paced: 12 sends at 5/s take over two seconds');
});

test('without the queue the same burst would be refused by Feishu (the fake enforces the limit)', async (t) => {
  const h = await startFeishuHarness(t, { adapter: { retry: { retries: 0 } } });
  const results = await Promise.allSettled(Array.from({ length: 8 }, (_v, i) => h.adapter.post('oc_burst', card().header(`Burst ${i}`).build())));
  assert.ok(results.some((r) => r.status === 'rejected'));
  assert.ok(h.fake.callsTo('create').some((c) => c.code === 230020));
});
