// Card clicks answered within Feishu's 3 s: an update of the clicked card during the budget comes back inline
// (no PATCH) with the ephemeral notice as its toast; after the budget the answer goes out and updates are PATCHed.
// And the command Responder: reply in the chat, ephemeral as a message in p2p and the ephemeral API in groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { card } from '../../../src/core/card.ts';
import type { ActionEvent } from '../../../src/core/chat.ts';
import { validateFeishuCard } from '../../fakes/feishu-card.ts';
import { startFeishuHarness } from '../../fakes/feishu-harness.ts';

const done = (who: string) => card().header(`Handled by ${who}`, 'success').text('Done.').build();

test('a click whose handler updates the card in time gets the card inline and the notice as a toast, no PATCH', async (t) => {
  const h = await startFeishuHarness(t, {
    handler: async (event, respond) => {
      const e = event as ActionEvent;
      if (e.message) await h.adapter.update(e.message, done(e.actor.userId));
      await respond.ephemeral('Acknowledged A1');
    },
  });
  const ref = await h.adapter.post('oc_ops', card().header('Order A1', 'warning').actions([{ actionId: 'ack', label: 'Ack', value: 'A1' }]).build());
  const r = await h.feishu.send(h.feishu.click({ openId: 'ou_alice', chatId: 'oc_ops', messageId: ref.messageId, value: { action: 'ack', value: 'A1' } }));
  assert.equal(r.status, 200);
  const answer = r.json as { toast?: { type: string; content: string }; card?: { type: string; data: unknown } };
  assert.deepEqual(answer.toast, { type: 'info', content: 'Acknowledged A1' });
  assert.equal(answer.card?.type, 'raw');
  assert.ok(validateFeishuCard(answer.card?.data).ok, 'the inline card is a valid 2.0 card');
  assert.match(JSON.stringify(answer.card?.data), /Handled by ou_alice/);
  assert.equal(h.fake.callsTo('patch').length, 0);
  assert.equal(h.fake.ephemerals.length, 0);
});

test('after the budget the click is answered with what there is; the late update is a PATCH, the late notice an ephemeral card', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const h = await startFeishuHarness(t, {
    adapter: { clickBudgetMs: 60 },
    handler: async (event, respond) => {
      await gate;
      const e = event as ActionEvent;
      if (e.message) await h.adapter.update(e.message, done(e.actor.userId));
      await respond.ephemeral('Acknowledged late');
    },
  });
  const ref = await h.adapter.post('oc_ops', card().header('Order A2').actions([{ actionId: 'ack', label: 'Ack', value: 'A2' }]).build());
  const started = Date.now();
  const r = await h.feishu.send(h.feishu.click({ openId: 'ou_alice', chatId: 'oc_ops', messageId: ref.messageId, value: { action: 'ack', value: 'A2' } }));
  const took = Date.now() - started;
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, {});
  assert.ok(took >= 50 && took < 1500, `answered at the budget (${took} ms)`);
  release();
  await h.adapter.idle();
  assert.equal(h.fake.callsTo('patch').length, 1);
  const m = h.fake.messages.get(ref.messageId);
  assert.equal(m?.versions.length, 2);
  assert.match(m?.versions[1] ?? '', /Handled by ou_alice/);
  assert.equal(h.fake.ephemerals.length, 1);
  assert.equal(h.fake.ephemerals[0]?.openId, 'ou_alice');
  assert.match(JSON.stringify(h.fake.ephemerals[0]?.card), /Acknowledged late/);
});

test('command responder: reply posts to the chat; ephemeral is a message in p2p and an ephemeral card in a group', async (t) => {
  const h = await startFeishuHarness(t, {
    handler: async (_event, respond) => {
      const ref = await respond.reply('Order **A1** is packed');
      assert.equal(ref?.platform, 'feishu');
      await respond.ephemeral('only for you');
    },
  });
  await h.feishu.send(h.feishu.message({ chatId: 'oc_dm1', chatType: 'p2p', openId: 'ou_alice', text: 'order A1' }));
  await h.feishu.send(h.feishu.message({ chatId: 'oc_group1', chatType: 'group', openId: 'ou_bob', text: '/order A1' }));
  await h.waitForEvents(2);
  await h.adapter.idle();
  const dm = h.fake.messagesIn('oc_dm1');
  assert.equal(dm.length, 2, 'reply and the private notice, both in the one-to-one chat');
  assert.match(dm[1]?.versions[0] ?? '', /only for you/);
  assert.equal(h.fake.messagesIn('oc_group1').length, 1, 'the group sees the reply only');
  assert.deepEqual(h.fake.ephemerals.map((e) => [e.chatId, e.openId]), [['oc_group1', 'ou_bob']]);
});
