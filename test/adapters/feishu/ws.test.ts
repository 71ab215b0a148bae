// FEISHU_MODE=ws end to end: the real SDK WSClient asks the fake for the endpoint, connects to its WebSocket on
// 127.0.0.1, and events and card clicks arrive as the SDK's protobuf frames; a click's answer (inline card, toast)
// goes back in the answer frame. No HTTP route is involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFeishuAdapter } from '../../../src/adapters/feishu/index.ts';
import { card } from '../../../src/core/card.ts';
import type { ActionEvent, CommandEvent, InboundEvent } from '../../../src/core/chat.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { FakeFeishuApi } from '../../fakes/feishu-api.ts';
import { validateFeishuCard } from '../../fakes/feishu-card.ts';
import { FeishuRequester } from '../../fakes/feishu-requests.ts';
import { freshAppId } from '../../fakes/feishu-harness.ts';
import { SkippingClock } from '../../fakes/slack-clock.ts';

test('long connection: a command and a click through the local WebSocket, answered like over HTTP', async (t) => {
  const appId = freshAppId();
  const fake = await FakeFeishuApi.start({ appId });
  const clock = new SkippingClock(Date.now());
  const adapter = createFeishuAdapter({ appId, appSecret: fake.appSecret, apiBase: fake.url, mode: 'ws', clock, log: createSilentLogger(), ws: { autoReconnect: false } });
  t.after(async () => {
    await adapter.stop();
    await fake.close();
  });
  const events: InboundEvent[] = [];
  await adapter.start(async (event, respond) => {
    events.push(event);
    if (event.kind === 'command') {
      await respond.reply(card().header(`Order ${event.args[0] ?? ''}`, 'info').actions([{ actionId: 'ack', label: 'Ack', value: event.args[0] ?? '' }]).build());
    }
    if (event.kind === 'action' && event.message) {
      await adapter.update(event.message, card().header(`Handled by ${event.actor.userId}`, 'success').build());
      await respond.ephemeral(`Acknowledged ${event.value}`);
    }
  });
  assert.equal(fake.callsTo('ws_endpoint').length, 1, 'the SDK asked the fake for the socket');
  const session = await fake.ws.session();
  const feishu = new FeishuRequester('unused', { appId, verificationToken: 'unused', clock });

  // Split in two fragments, as Feishu may: the SDK reassembles them.
  const cmd = await session.push(feishu.message({ chatId: 'oc_ws', openId: 'ou_alice', text: '/order A9', mention: true }), { chunks: 2 });
  assert.equal(cmd.code, 200);
  await adapter.idle();
  const [command] = events as CommandEvent[];
  assert.equal(command?.name, 'order');
  assert.deepEqual(command?.args, ['A9']);
  const posted = fake.messagesIn('oc_ws');
  assert.equal(posted.length, 1);

  const click = feishu.click({ openId: 'ou_alice', chatId: 'oc_ws', messageId: posted[0]?.messageId ?? '', value: { action: 'ack', value: 'A9' } });
  const answer = await session.push(click);
  assert.equal(answer.code, 200);
  const body = answer.body as { toast?: { content: string }; card?: { type: string; data: unknown } };
  assert.equal(body.toast?.content, 'Acknowledged A9');
  assert.equal(body.card?.type, 'raw');
  assert.ok(validateFeishuCard(body.card?.data).ok);
  assert.match(JSON.stringify(body.card?.data), /Handled by ou_alice/);
  assert.equal((events[1] as ActionEvent).actionId, 'ack');
  assert.equal(fake.callsTo('patch').length, 0);

  // The same click pushed again (a redelivery) is answered and not run twice.
  const again = await session.push(click);
  assert.equal(again.code, 200);
  await adapter.idle();
  assert.equal(events.length, 2);
});
