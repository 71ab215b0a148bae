// Through a real ChatHub and a real store: a tracked card Feishu will not let us edit any more is posted afresh,
// and the hub remembers the fresh copy, so the next update PATCHes the new message, not the dead one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatHub } from '../../../src/chat/hub.ts';
import { card } from '../../../src/core/card.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { settingsWith, tempStore } from '../../helpers/temp.ts';
import { startFeishuHarness } from '../../fakes/feishu-harness.ts';

test('hub + Feishu: a card older than 14 days is replaced by a fresh copy the hub then keeps updating', async (t) => {
  const { store } = await tempStore(t);
  const h = await startFeishuHarness(t, { start: false });
  const settings = settingsWith([], { language: 'en' });
  const hub = new ChatHub<Record<string, never>>({ settings: () => settings, posted: store.posted, commands: [], actions: [], services: {}, clock: h.clock, log: createSilentLogger() });
  hub.register(h.adapter);
  await hub.start();
  const place = { platform: 'feishu', channelId: 'oc_hub' };
  const first = await hub.postTracked(place, 'order:A1', card().header('Order A1: new').build(), 'en');
  h.fake.setState(first.messageId, 'expired');
  await hub.updateCard('order:A1', card().header('Order A1: packed').build());
  const copies = await store.posted.copies('order:A1');
  assert.equal(copies.length, 1);
  const fresh = copies[0]?.messageId ?? '';
  assert.notEqual(fresh, first.messageId);
  assert.match(h.fake.messages.get(fresh)?.versions[0] ?? '', /packed/);
  await hub.updateCard('order:A1', card().header('Order A1: shipped').build());
  assert.equal(h.fake.messages.get(fresh)?.versions.length, 2);
  assert.match(h.fake.messages.get(fresh)?.versions[1] ?? '', /shipped/);
  assert.equal(h.fake.messages.get(first.messageId)?.versions.length, 1);
});
