// The adapter end to end against the fake: post a card, click it as WeCom would, update in place with the click's
// response code, and post a fresh copy when no code is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { card } from '../../../src/core/card.ts';
import type { ActionEvent, PostedRef } from '../../../src/core/chat.ts';
import { createWeComAdapter } from '../../../src/adapters/wecom/index.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { renderedKey, startWeComRig } from '../../fakes/wecom-harness.ts';

const orderCard = (status: string) =>
  card().header(`Order A1 ${status}`, 'warning').text('Paid, not shipped.').actions([{ actionId: 'task.approve', label: 'Approve', value: 'T12', style: 'primary' }]).build();

test('a click arrives as an ActionEvent and the update uses that click\'s response code (atall)', async (t) => {
  let update: Promise<PostedRef | void> | undefined;
  const rig = await startWeComRig(t, {
    handler: async (e) => {
      rig.events.push(e);
      if (e.kind === 'action' && e.message) update = rig.adapter.update(e.message, card().header('Order A1 approved', 'success').text('by alice').build());
      await update;
    },
  });
  const ref = await rig.adapter.post('alice|bob', orderCard('stuck'));
  assert.equal(ref.platform, 'wecom');
  assert.equal(ref.channelId, 'alice|bob');
  const sent = rig.fake.card(ref.messageId);
  assert.equal(sent?.to.touser, 'alice|bob');
  const code = rig.fake.issueClickCode(ref.messageId);
  const answer = await rig.wecom.post(rig.wecom.cardEventXml('alice', ref.messageId, renderedKey(rig.fake, ref.messageId, 'task.approve'), code));
  assert.equal(answer.status, 200);
  assert.equal(answer.text, '');
  await rig.adapter.idle();
  const e = rig.events[0] as ActionEvent;
  assert.equal(e.kind, 'action');
  assert.equal(e.actionId, 'task.approve');
  assert.equal(e.value, 'T12');
  assert.deepEqual(e.actor, { platform: 'wecom', userId: 'alice' });
  assert.deepEqual(e.message, ref, 'the ref the hub remembered, channel included');
  assert.equal(await update, undefined, 'changed in place: no new ref');
  const call = rig.fake.callsTo('/cgi-bin/message/update_template_card')[0]?.body as Record<string, unknown>;
  assert.equal(call.response_code, code, 'the click\'s code, not the one message/send returned');
  assert.equal(call.atall, 1);
  assert.equal(rig.fake.card(ref.messageId)?.versions, 2);
  assert.match(JSON.stringify(rig.fake.card(ref.messageId)?.card), /approved/);
});

test('with no unused code the update posts a fresh card and returns its ref', async (t) => {
  const rig = await startWeComRig(t);
  const ref = await rig.adapter.post('alice', orderCard('stuck'));
  assert.equal(await rig.adapter.update(ref, orderCard('first change')), undefined, 'message/send\'s code is used first');
  const fresh = await rig.adapter.update(ref, orderCard('second change'));
  assert.ok(fresh && fresh.messageId !== ref.messageId);
  assert.equal(fresh?.channelId, 'alice');
  assert.equal(rig.fake.card(ref.messageId)?.versions, 2);
  assert.match(JSON.stringify(rig.fake.card(fresh?.messageId ?? '')?.card), /second change/);
});

test('a code WeCom refuses (72 h passed) also gives a fresh card; codes survive a restart', async (t) => {
  let now = Date.now();
  const clock = { now: () => now, sleep: systemClock.sleep };
  // WeCom's clock runs ahead of ours by `skew` (its 72 h end before the copy we keep).
  let skew = 0;
  const rig = await startWeComRig(t, { clock, fake: { now: () => now + skew } });
  const ref = await rig.adapter.post('alice', orderCard('stuck'));
  // A new adapter on the same store (a restart) still has message/send's code.
  const again = createWeComAdapter({ corpId: rig.fake.corpId, agentId: 1, secret: rig.fake.secret, apiBase: rig.fake.apiBase, state: rig.store.adapterState, clock, log: createSilentLogger() });
  assert.equal(await again.update(ref, orderCard('after restart')), undefined);
  assert.equal(rig.fake.card(ref.messageId)?.versions, 2);
  const code = rig.fake.issueClickCode(ref.messageId);
  await rig.wecom.post(rig.wecom.cardEventXml('bob', ref.messageId, renderedKey(rig.fake, ref.messageId, 'task.approve'), code));
  await rig.adapter.idle();
  now += 71 * 3600_000;
  skew = 2 * 3600_000;
  const fresh = await rig.adapter.update(ref, orderCard('late'));
  assert.ok(fresh && fresh.messageId !== ref.messageId, 'refused code → fresh card');
  assert.equal(rig.fake.card(ref.messageId)?.versions, 2);
});

test('a retried click delivery brings its (spent) code back only once; codes of concurrent clicks all count', async (t) => {
  const rig = await startWeComRig(t);
  const ref = await rig.adapter.post('alice', orderCard('stuck'));
  const key = renderedKey(rig.fake, ref.messageId, 'task.approve');
  const click = await rig.wecom.post(rig.wecom.cardEventXml('alice', ref.messageId, key, rig.fake.issueClickCode(ref.messageId)));
  await rig.adapter.idle();
  assert.equal(await rig.adapter.update(ref, orderCard('one')), undefined, 'the click\'s code');
  await click.replay();
  await rig.adapter.idle();
  assert.equal(rig.events.length, 2, 'the adapter hands both on; the hub dedupes by key');
  assert.equal(rig.events[0]?.dedupeKey, rig.events[1]?.dedupeKey, 'the same key for the same delivery');
  assert.equal(await rig.adapter.update(ref, orderCard('two')), undefined, 'message/send\'s code, still unused');
  const fresh = await rig.adapter.update(ref, orderCard('three'));
  assert.ok(fresh, 'the replayed code was spent: fresh card, no refused call');
  assert.equal(rig.fake.callsTo('/cgi-bin/message/update_template_card').length, 2);
  assert.ok(rig.fake.callsTo('/cgi-bin/message/update_template_card').every((c) => c.answer.errcode === 0));
  // Three clicks at once leave three codes: three updates in place.
  const other = await rig.adapter.post('bob', orderCard('stuck'));
  const k2 = renderedKey(rig.fake, other.messageId, 'task.approve');
  await rig.adapter.update(other, orderCard('spend the send code'));
  await Promise.all(['u1', 'u2', 'u3'].map((u) => rig.wecom.post(rig.wecom.cardEventXml(u, other.messageId, k2, rig.fake.issueClickCode(other.messageId)))));
  await rig.adapter.idle();
  const results = await Promise.all([1, 2, 3].map((n) => rig.adapter.update(other, orderCard(`click ${n}`))));
  assert.deepEqual(results, [undefined, undefined, undefined]);
  assert.equal(rig.fake.card(other.messageId)?.versions, 5);
});

test('a long button value round-trips through the stored key; a foreign key is ignored', async (t) => {
  const rig = await startWeComRig(t);
  const value = 'V'.repeat(1500);
  const ref = await rig.adapter.post('alice', card().header('Long').actions([{ actionId: 'order.note', label: 'Note', value }]).build());
  const key = ((rig.fake.card(ref.messageId)?.card?.button_list ?? []) as { key: string }[])[0]?.key ?? '';
  assert.ok(key.startsWith('#'));
  await rig.wecom.post(rig.wecom.cardEventXml('alice', ref.messageId, key, rig.fake.issueClickCode(ref.messageId)));
  await rig.wecom.post(rig.wecom.cardEventXml('alice', ref.messageId, 'key111', rig.fake.issueClickCode(ref.messageId)));
  await rig.adapter.idle();
  assert.equal(rig.events.length, 1);
  assert.equal((rig.events[0] as ActionEvent).value, value);
});

test('text → command ("/order A1" and "order A1"); text posts and bad channels', async (t) => {
  const rig = await startWeComRig(t);
  await rig.wecom.post(rig.wecom.textXml('zhangsan', '/order A1', '501'));
  await rig.wecom.post(rig.wecom.textXml('zhangsan', 'order  "A 2"', '502'));
  await rig.wecom.post(rig.wecom.textXml('zhangsan', '   ', '503'));
  await rig.adapter.idle();
  assert.deepEqual(rig.events.map((e) => (e.kind === 'command' ? [e.name, e.args, e.place.channelId, e.actor.userId] : e.kind)), [
    ['order', ['A1'], 'zhangsan', 'zhangsan'],
    ['order', ['A 2'], 'zhangsan', 'zhangsan'],
  ]);
  await rig.adapter.post('party:2|3,tag:4', 'hello **team**');
  assert.deepEqual(rig.fake.messages.at(-1)?.to, { toparty: '2|3', totag: '4' });
  assert.equal(rig.fake.messages.at(-1)?.text, 'hello team');
  await rig.adapter.post('@all', 'all');
  assert.equal(rig.fake.messages.at(-1)?.to.touser, '@all');
  await assert.rejects(rig.adapter.post('party:x', 'no'), /bad WeCom channel/);
});

test('responder: reply goes to the place, ephemeral to the member alone as a text message', async (t) => {
  const rig = await startWeComRig(t, {
    handler: async (e, respond) => {
      rig.events.push(e);
      await respond.reply(card().header(`Order ${e.kind === 'command' ? (e.args[0] ?? '') : ''}`).text('details').build());
      await respond.ephemeral('only for you');
    },
  });
  await rig.wecom.post(rig.wecom.textXml('lisi', 'order B7', '900'));
  await rig.adapter.idle();
  const [reply, notice] = rig.fake.messages;
  assert.equal(reply?.msgtype, 'template_card');
  assert.equal(reply?.to.touser, 'lisi');
  assert.equal(notice?.msgtype, 'text');
  assert.deepEqual([notice?.to.touser, notice?.text], ['lisi', 'only for you']);
});
