// The vendors' payload examples through the real inbound path, retries through a real ChatHub, and options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseWeComMessage } from '../../../src/adapters/wecom/payloads.ts';
import { wecomOptionsFromEnv } from '../../../src/adapters/wecom/options.ts';
import { ChatHub } from '../../../src/chat/hub.ts';
import { card } from '../../../src/core/card.ts';
import type { ActionEvent } from '../../../src/core/chat.ts';
import { systemClock } from '../../../src/core/clock.ts';
import type { CommandDefinition } from '../../../src/core/command.ts';
import { UserError } from '../../../src/core/errors.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { settingsWith, tempStore } from '../../helpers/temp.ts';
import { renderedKey, startWeComRig } from '../../fakes/wecom-harness.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/platform-payloads/${name}`, import.meta.url), 'utf8');

test('fixture: the docs\' text message, encrypted and posted, becomes a command from fromUser', async (t) => {
  const rig = await startWeComRig(t);
  const answer = await rig.wecom.post(fixture('wecom-text-message.xml'));
  assert.deepEqual([answer.status, answer.text], [200, '']);
  await rig.adapter.idle();
  const e = rig.events[0];
  assert.equal(e?.kind, 'command');
  assert.deepEqual(e?.kind === 'command' && [e.name, e.args, e.actor.userId, e.dedupeKey], ['this', ['is', 'a', 'test'], 'fromUser', 'msg:1234567890123456']);
});

test('fixtures: template_card_event in both spellings (OptionIds and SKIT\'s OpitonIds) parse alike', () => {
  const wx = parseWeComMessage(fixture('wecom-template-card-event.xml'));
  const skit = parseWeComMessage(fixture('wecom-template-card-event.skit-opitonids.xml'));
  assert.equal(wx.kind, 'card_event');
  assert.equal(skit.kind, 'card_event');
  if (wx.kind !== 'card_event' || skit.kind !== 'card_event') return;
  assert.deepEqual(wx.selected, [
    { questionKey: 'QuestionKey1', optionIds: ['OptionId1', 'OptionId2'] },
    { questionKey: 'QuestionKey2', optionIds: ['OptionId3', 'OptionId4'] },
  ]);
  assert.deepEqual(skit.selected, [
    { questionKey: 'QuestionKey1', optionIds: ['OpitonId1', 'OpitonId2'] },
    { questionKey: 'QuestionKey2', optionIds: ['OpitonId3', 'OpitonId4'] },
  ]);
  assert.deepEqual([wx.data.EventKey, wx.data.TaskId, wx.data.ResponseCode], ['key111', 'taskid111', 'ResponseCode']);
});

test('fixtures: both card events posted verbatim are acknowledged (key111 is not ours: no action); with our key and task they act', async (t) => {
  const rig = await startWeComRig(t);
  for (const name of ['wecom-template-card-event.xml', 'wecom-template-card-event.skit-opitonids.xml']) {
    const answer = await rig.wecom.post(fixture(name));
    assert.deepEqual([answer.status, answer.text], [200, ''], name);
  }
  await rig.adapter.idle();
  assert.equal(rig.events.length, 0);
  const ref = await rig.adapter.post('FromUser', card().header('Order A9').actions([{ actionId: 'task.approve', label: 'OK', value: 'T9' }]).build());
  for (const name of ['wecom-template-card-event.xml', 'wecom-template-card-event.skit-opitonids.xml']) {
    const xml = fixture(name).replace('key111', renderedKey(rig.fake, ref.messageId, 'task.approve')).replace('taskid111', ref.messageId);
    assert.equal((await rig.wecom.post(xml)).status, 200);
  }
  await rig.adapter.idle();
  assert.deepEqual(rig.events.map((e) => [(e as ActionEvent).actionId, (e as ActionEvent).value, e.actor.userId]), [['task.approve', 'T9', 'FromUser'], ['task.approve', 'T9', 'FromUser']]);
  assert.equal(rig.events[0]?.dedupeKey, rig.events[1]?.dedupeKey, 'the same click (same user, time, task, key) has one key');
});

test('retries: the exact same delivery three more times is processed once through the hub', async (t) => {
  const { store } = await tempStore(t);
  const rig = await startWeComRig(t, { store, noStart: true });
  const runs: string[] = [];
  const ORDER: CommandDefinition<object> = {
    name: 'order',
    helpKey: 'help.order',
    role: 'viewer',
    args: [{ name: 'id', required: true }],
    async handler(ctx) {
      runs.push(ctx.args.id ?? '');
      await ctx.reply(`Order ${ctx.args.id ?? ''}`);
    },
  };
  const hub = new ChatHub<object>({ settings: () => settingsWith([]), posted: store.posted, commands: [ORDER], actions: [], services: {}, clock: systemClock, log: createSilentLogger() });
  hub.register(rig.adapter);
  await hub.start();
  const first = await rig.wecom.post(rig.wecom.textXml('wangwu', '/order A77', '77001'));
  for (let i = 0; i < 3; i++) assert.equal((await first.replay()).status, 200);
  await rig.adapter.idle();
  assert.deepEqual(runs, ['A77']);
  assert.deepEqual(rig.fake.messages.map((m) => [m.to.touser, m.text]), [['wangwu', 'Order A77']]);
});

test('options: off when nothing is set, one clear line when partial, secrets never in the message', () => {
  assert.equal(wecomOptionsFromEnv({}), undefined);
  const full = { WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's3cr3t-value', WECOM_TOKEN: 'tok', WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' };
  assert.deepEqual(wecomOptionsFromEnv({ ...full, WECOM_API_BASE: 'http://127.0.0.1:9/', WECOM_WEBHOOK_KEY: 'k' }), {
    corpId: 'ww1', agentId: 1000002, secret: 's3cr3t-value', token: 'tok', encodingAesKey: full.WECOM_ENCODING_AES_KEY, apiBase: 'http://127.0.0.1:9', webhookKey: 'k', cardUrl: undefined,
  });
  assert.equal(wecomOptionsFromEnv({ ...full, WECOM_TOKEN: '', WECOM_ENCODING_AES_KEY: '' })?.token, undefined, 'outbound only is allowed');
  const refused = (env: Record<string, string>): string => {
    try {
      wecomOptionsFromEnv(env);
    } catch (err) {
      assert.ok(err instanceof UserError);
      assert.doesNotMatch(err.message, /s3cr3t|tok\b|jWmYm7/);
      assert.doesNotMatch(err.message, /\n/);
      return err.message;
    }
    return 'accepted';
  };
  assert.match(refused({ WECOM_CORP_ID: 'ww1', WECOM_SECRET: 's3cr3t-value' }), /WECOM_AGENT_ID missing/);
  assert.match(refused({ ...full, WECOM_ENCODING_AES_KEY: '' }), /need both WECOM_TOKEN and WECOM_ENCODING_AES_KEY/);
  assert.match(refused({ ...full, WECOM_AGENT_ID: 'abc' }), /numeric/);
  assert.match(refused({ ...full, WECOM_ENCODING_AES_KEY: 'short' }), /43 characters/);
});
