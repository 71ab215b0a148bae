// Messages and clicks through the real route and the real SDK dispatcher: commands in p2p and groups (mention
// placeholders stripped), the sender's locale, ignored bot / non-text messages, the vendors' own payload
// examples replayed, and retries processed once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ActionEvent, CommandEvent, MessageEvent } from '../../../src/core/chat.ts';
import { startFeishuHarness } from '../../fakes/feishu-harness.ts';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/platform-payloads/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

test('p2p "order A1", group "@bot order A1" and "/order A1" are the same command; the actor is the open_id', async (t) => {
  const h = await startFeishuHarness(t);
  const ua = 'Mozilla/5.0 Lark/7.1.0 LarkLocale/zh_CN ttnet';
  await h.feishu.send(h.feishu.message({ chatId: 'oc_dm', chatType: 'p2p', openId: 'ou_alice', text: 'order A1', userAgent: ua }));
  await h.feishu.send(h.feishu.message({ chatId: 'oc_ops', openId: 'ou_bob', text: 'order  A1', mention: true }));
  await h.feishu.send(h.feishu.message({ chatId: 'oc_ops', openId: 'ou_bob', text: '/order A1' }));
  await h.feishu.send(h.feishu.message({ chatId: 'oc_ops', openId: 'ou_bob', text: '/orderops order A1' }));
  await h.feishu.send(h.feishu.message({ chatId: 'oc_ops', openId: 'ou_bob', text: '', mention: true }));
  const events = (await h.waitForEvents(5)) as CommandEvent[];
  for (const e of events.slice(0, 4)) {
    assert.equal(e.kind, 'command');
    assert.equal(e.name, 'order');
    assert.deepEqual(e.args, ['A1']);
  }
  assert.deepEqual(events[0]?.actor, { platform: 'feishu', userId: 'ou_alice' });
  assert.equal(events[0]?.place.channelId, 'oc_dm');
  assert.equal(events[0]?.locale, 'zh-CN');
  assert.equal(events[1]?.locale, undefined);
  assert.equal(events[4]?.name, 'help', 'a bare mention asks for help');
});

test('a group line without a mention or a slash is a plain message; bot and non-text messages are acknowledged and ignored', async (t) => {
  const h = await startFeishuHarness(t);
  assert.equal((await h.feishu.send(h.feishu.message({ chatId: 'oc_ops', openId: 'ou_bob', senderType: 'app', text: '/order A1' }))).status, 200);
  assert.equal((await h.feishu.send(h.feishu.message({ chatId: 'oc_ops', openId: 'ou_bob', messageType: 'image', text: '/order A1' }))).status, 200);
  assert.equal((await h.feishu.send(h.feishu.message({ chatId: 'oc_ops', openId: 'ou_bob', text: 'good morning' }))).status, 200);
  const [e] = (await h.waitForEvents(1)) as MessageEvent[];
  assert.equal(e?.kind, 'message');
  assert.equal(e?.text, 'good morning');
  await h.adapter.idle();
  assert.equal(h.events.length, 1);
});

test('the docs example of im.message.receive_v1 replays through the route', async (t) => {
  const body = fixture('feishu-im-message-receive.json');
  const token = (body.header as { token: string }).token;
  const h = await startFeishuHarness(t, { adapter: { verificationToken: token } });
  const r = await h.feishu.send(body);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, {});
  const [e] = (await h.waitForEvents(1)) as CommandEvent[];
  assert.equal(e?.kind, 'command');
  assert.equal(e?.dedupeKey, '5e3702a84e847582be8db7fb73283c02');
  assert.equal(e?.name, 'hello', '"@_user_1 hello" addressed to the bot');
  assert.deepEqual(e?.actor, { platform: 'feishu', userId: 'ou_84aad35d084aa403a838cf73ee18467' });
  assert.equal(e?.place.channelId, 'oc_5ce6d572455d361153b7xx51da133945');
  assert.equal(e?.place.threadId, 'omt_d4be107c616');
  assert.equal(e?.locale, 'en-US');
});

test('the docs example of card.action.trigger replays through the route', async (t) => {
  const body = fixture('feishu-card-action-trigger.json');
  const token = (body.header as { token: string }).token;
  const h = await startFeishuHarness(t, { adapter: { verificationToken: token, clickBudgetMs: 200 } });
  const r = await h.feishu.send(body);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, {}, 'nothing to change, nothing to say');
  const [e] = (await h.waitForEvents(1)) as ActionEvent[];
  assert.equal(e?.kind, 'action');
  assert.equal(e?.dedupeKey, 'f7984f25108f8137722bb63c*****');
  assert.deepEqual(e?.actor, { platform: 'feishu', userId: 'ou_3c14f3a59eaf2825dbe25359f15*****' });
  assert.equal(e?.actionId, 'Button_lvkepfu3', 'a button we did not render: its name');
  assert.equal(e?.value, '{"key":"value"}');
  assert.deepEqual(e?.message, { platform: 'feishu', channelId: 'oc_e4d2605ca917e695f54f11aaf56*****', messageId: 'om_574d639e4a44e4dd646eaf628e2*****' });
});

test('a retried delivery (same event_id, re-signed) is acknowledged and processed once', async (t) => {
  const h = await startFeishuHarness(t, { encryptKey: 'retry-key', adapter: { clickBudgetMs: 200 } });
  const msg = h.feishu.message({ chatId: 'oc_ops', openId: 'ou_bob', text: '/order A1' });
  const click = h.feishu.click({ openId: 'ou_bob', chatId: 'oc_ops', messageId: 'om_1', value: { action: 'order.refresh', value: 'A1' } });
  for (let i = 0; i < 3; i++) {
    assert.equal((await h.feishu.send(msg)).status, 200);
    assert.equal((await h.feishu.send(click)).status, 200);
  }
  await h.adapter.idle();
  assert.deepEqual(h.events.map((e) => e.kind), ['command', 'action']);
  assert.equal((h.events[1] as ActionEvent).actionId, 'order.refresh');
  assert.equal((h.events[1] as ActionEvent).value, 'A1');
});
