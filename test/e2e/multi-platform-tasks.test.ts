// One task on Slack, Feishu and WeCom at once, through the real app (demo shop, detector, task service, hub) with each
// platform's real adapter pointed at its local fake: every copy is posted in its channel's language; a refused click
// on Feishu changes nothing; an approval on Feishu is answered inline and changes every copy in place, each in its
// language; a command typed in WeCom is answered there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskCardKey } from '../../cards/task.ts';
import { renderedButtons, type FeishuCard } from '../../src/adapters/feishu/render.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { createApp } from '../../src/main.ts';
import { FakeFeishuApi } from '../fakes/feishu-api.ts';
import { freshAppId } from '../fakes/feishu-harness.ts';
import { FeishuRequester } from '../fakes/feishu-requests.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { SLACK_TEST_SECRET } from '../fakes/slack-harness.ts';
import { FakeWeComApi } from '../fakes/wecom-api.ts';
import { RIG_AES_KEY, RIG_AGENT, RIG_CORP, RIG_TOKEN } from '../fakes/wecom-harness.ts';
import { WeComRequester } from '../fakes/wecom-requests.ts';
import { tempDir } from '../helpers/temp.ts';
import { breakOrder, eventually, writeSettings } from './world.ts';

const FEISHU_CHAT = 'oc_ops_e2e';
const FEISHU_TOKEN = 'vt-e2e-token';
const FEISHU_KEY = 'e2e-encrypt-key';
const SLACK_CHANNEL = 'C0OPS0001';

test('a task on Feishu, WeCom and Slack at once: each copy in its channel language, approved from Feishu, every copy changes', { timeout: 90_000 }, async (t) => {
  const appId = freshAppId();
  const feishuFake = await FakeFeishuApi.start({ appId });
  const wecomFake = await FakeWeComApi.start({ corpId: RIG_CORP });
  const slackFake = await FakeSlackApi.start();
  const dataDir = tempDir(t);
  writeSettings(dataDir, (s) => ({
    ...s,
    language: 'en',
    chat: {
      ...s.chat,
      users: {
        ...s.chat.users,
        'feishu:ou_wang': { role: 'approver', name: '王经理', language: 'zh-CN' },
        'feishu:ou_guest': { role: 'viewer' },
        'wecom:lisi': { role: 'agent', name: 'Li Si', language: 'es' },
      },
      routes: { ...s.chat.routes, tasks: ['console:ops', `feishu:${FEISHU_CHAT}`, 'wecom:lisi', `slack:${SLACK_CHANNEL}`] },
      channels: { [`feishu:${FEISHU_CHAT}`]: { language: 'zh-CN' }, 'wecom:lisi': { language: 'es' } },
    },
  }));
  const env = {
    FEISHU_APP_ID: appId,
    FEISHU_APP_SECRET: feishuFake.appSecret,
    FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
    FEISHU_ENCRYPT_KEY: FEISHU_KEY,
    FEISHU_API_BASE: feishuFake.url,
    WECOM_CORP_ID: RIG_CORP,
    WECOM_AGENT_ID: String(RIG_AGENT),
    WECOM_SECRET: wecomFake.secret,
    WECOM_TOKEN: RIG_TOKEN,
    WECOM_ENCODING_AES_KEY: RIG_AES_KEY,
    WECOM_API_BASE: wecomFake.apiBase,
    SLACK_BOT_TOKEN: slackFake.botToken,
    SLACK_SIGNING_SECRET: SLACK_TEST_SECRET,
    SLACK_API_URL: slackFake.apiUrl,
  };
  const app = await createApp({ dataDir, env, port: 0, host: '127.0.0.1', log: createSilentLogger(), demo: 'on' });
  t.after(async () => {
    await app.stop();
    await Promise.all([feishuFake.close(), wecomFake.close(), slackFake.close()]);
  });
  const { url } = await app.start();
  assert.deepEqual(app.hub.platforms().sort(), ['console', 'feishu', 'slack', 'wecom']);
  const feishu = new FeishuRequester(`${url}/feishu/events`, { appId, verificationToken: FEISHU_TOKEN, encryptKey: FEISHU_KEY, clock: systemClock });
  const wecom = new WeComRequester(`${url}/wecom/callback`, { token: RIG_TOKEN, encodingAesKey: RIG_AES_KEY, receiveId: RIG_CORP }, systemClock);

  // 1. One real task, posted to every platform the route names, each copy in its channel's language.
  const broken = await breakOrder(app);
  const key = taskCardKey(broken.task.id);
  const copies = await eventually('four copies', async () => {
    const c = await app.store.posted.copies(key);
    return c.length === 4 ? c : undefined;
  });
  assert.deepEqual(copies.map((c) => `${c.platform}:${c.channelId}:${c.language}`).sort(), [
    'console:ops:en',
    `feishu:${FEISHU_CHAT}:zh-CN`,
    `slack:${SLACK_CHANNEL}:en`,
    'wecom:lisi:es',
  ]);
  const feishuRef = copies.find((c) => c.platform === 'feishu');
  const wecomRef = copies.find((c) => c.platform === 'wecom');
  const slackRef = copies.find((c) => c.platform === 'slack');
  assert.ok(feishuRef && wecomRef && slackRef);
  const feishuCard = (): string => feishuFake.messages.get(feishuRef.messageId)?.versions.at(-1) ?? '';
  assert.match(feishuCard(), new RegExp(`T${broken.task.id}`));
  assert.match(feishuCard(), /[\u4e00-\u9fff]/, 'the Feishu copy is in Chinese');
  const wecomCard = () => wecomFake.card(wecomRef.messageId);
  assert.equal(wecomCard()?.versions, 1);
  const slackMessage = () => slackFake.message(SLACK_CHANNEL, slackRef.messageId);
  assert.equal(slackMessage()?.edits, 0);

  const approve = renderedButtons(JSON.parse(feishuCard()) as FeishuCard).find((b) => b.value.action === 'task.approve');
  assert.ok(approve, 'the Feishu card has an Approve button');

  // 2. A viewer clicks Approve on Feishu: told why in a toast, nothing changes anywhere.
  const refused = await feishu.send(feishu.click({ openId: 'ou_guest', chatId: FEISHU_CHAT, messageId: feishuRef.messageId, value: approve.value }));
  assert.equal(refused.status, 200);
  assert.match(JSON.stringify(refused.json), /toast/);
  assert.equal((refused.json as { card?: unknown }).card, undefined, 'no new card for a refused click');
  assert.equal((await app.domain.tasks.get(broken.task.id))?.state, 'open');

  // 3. The approver clicks Approve on Feishu: the answer carries the decided card; WeCom and Slack copies change in place.
  const approved = await feishu.send(feishu.click({ openId: 'ou_wang', chatId: FEISHU_CHAT, messageId: feishuRef.messageId, value: approve.value }));
  assert.equal(approved.status, 200);
  // Feishu shows a card returned in the click's answer in place of the clicked one.
  const inline = approved.json as { card?: { type?: string; data?: unknown } };
  assert.equal(inline.card?.type, 'raw', `the click was answered with the changed card: ${approved.text.slice(0, 200)}`);
  feishuFake.applyCallbackCard(feishuRef.messageId, inline.card?.data);
  const done = await eventually('the task decided', async () => {
    const x = await app.domain.tasks.get(broken.task.id);
    return x?.state === 'done' || x?.state === 'failed' ? x : undefined;
  }, 30_000);
  assert.equal(done.state, 'done', done.error ?? '');
  await eventually('the WeCom copy updated in place', () => ((wecomCard()?.versions ?? 0) > 1 ? true : undefined));
  await eventually('the Slack copy updated in place', () => ((slackMessage()?.edits ?? 0) > 0 ? true : undefined));
  await eventually('the Feishu copy shows the decision', () => (/王经理/.test(feishuCard()) ? true : undefined));
  assert.match(JSON.stringify(wecomCard()?.card), /王经理/, 'the WeCom copy names who approved');
  assert.match(JSON.stringify(wecomCard()?.card), /王经理 aprobó/, 'in Spanish, the reader\'s language');
  assert.match(feishuCard(), /王经理/);
  assert.doesNotMatch(feishuCard(), /aprobó|approved/, 'the Feishu copy stays in Chinese');
  assert.match(JSON.stringify(slackMessage()?.blocks), /王经理/);

  // 4. A command typed to the orderops app in WeCom is answered there.
  const typed = await wecom.post(wecom.textXml('lisi', `/order ${broken.orderId}`, '88001'));
  assert.equal(typed.status, 200);
  await eventually('the /order card in WeCom', () => wecomFake.messages.find((m) => m.to.touser === 'lisi' && JSON.stringify(m.card ?? m.text ?? '').includes(broken.orderId) && m.taskId !== wecomRef.messageId));
});
