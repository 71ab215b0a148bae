import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { encodeActionId } from '../../../src/adapters/slack/action-id.ts';
import type { ActionEvent, CommandEvent } from '../../../src/core/chat.ts';
import { startSlackHarness } from '../../fakes/slack-harness.ts';

const FIXTURES = new URL('../../fixtures/platform-payloads/', import.meta.url);
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;

test('/order A1 and /orderops order A1 both become the command "order" with args [A1]', async (t) => {
  const h = await startSlackHarness(t);
  assert.equal((await h.slack.slash('/order', 'A1')).status, 200);
  assert.equal((await h.slack.slash('/orderops', 'order  A1')).status, 200);
  assert.equal((await h.slack.slash('/orderops', '')).status, 200);
  assert.equal((await h.slack.slash('/frobnicate', 'x "two words"')).status, 200);
  const events = (await h.waitForEvents(4)) as CommandEvent[];
  const byKey = events.map((e) => [e.kind, e.name, e.args, e.text]);
  assert.deepEqual(byKey, [
    ['command', 'order', ['A1'], 'A1'],
    ['command', 'order', ['A1'], 'A1'],
    ['command', 'help', [], ''],
    ['command', 'frobnicate', ['x', 'two words'], 'x "two words"'],
  ]);
  const first = events[0];
  assert.deepEqual(first?.actor, { platform: 'slack', userId: 'U0ALICE01', name: 'alice' });
  assert.deepEqual(first?.place, { platform: 'slack', channelId: 'C0OPS0001' });
  assert.equal(first?.dedupeKey, '1001.1.trigger1');
  assert.equal(first?.locale, undefined);
});

test('the ack arrives while a slow handler is still running; the work happens after it', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let finished = false;
  const h = await startSlackHarness(t, {
    handler: async () => {
      await gate;
      finished = true;
    },
  });
  const answer = await h.slack.slash('/sync', '');
  assert.equal(answer.status, 200);
  assert.equal(answer.text, '');
  await h.waitForEvents(1);
  assert.equal(finished, false, 'the HTTP answer came before the handler finished');
  assert.ok(answer.ms < 1000, `ack took ${answer.ms} ms`);
  release();
  await h.adapter.idle();
  assert.equal(finished, true);
});

test('the official block_actions payload replays to an ActionEvent with value and message ref; ephemeral goes to response_url', async (t) => {
  const h = await startSlackHarness(t, {
    handler: async (_e, respond) => {
      await respond.ephemeral('Refreshing **A1**');
    },
  });
  const payload = fixture('slack-block-actions.json');
  const actions = payload.actions as Record<string, unknown>[];
  // Only what must change: the action_id becomes one of ours, the response_url points at the fake.
  actions[0] = { ...actions[0], action_id: encodeActionId('order.refresh', 3) };
  payload.response_url = h.fake.responseUrl({ channel: 'CBR2V3XEX', user: 'UA8RXUSPL', messageTs: '1548261231.000200' });
  assert.equal((await h.slack.blockActions(payload)).status, 200);
  const [event] = (await h.waitForEvents(1)) as ActionEvent[];
  assert.equal(event?.kind, 'action');
  assert.equal(event?.actionId, 'order.refresh');
  assert.equal(event?.value, 'click_me_123');
  assert.deepEqual(event?.message, { platform: 'slack', channelId: 'CBR2V3XEX', messageId: '1548261231.000200' });
  assert.deepEqual(event?.actor, { platform: 'slack', userId: 'UA8RXUSPL', name: 'jtorrance' });
  assert.equal(event?.dedupeKey, '1548426417.840180:UA8RXUSPL');
  await h.adapter.idle();
  assert.deepEqual(h.fake.ephemerals.map((e) => [e.via, e.user, e.text]), [['response_url', 'UA8RXUSPL', 'Refreshing *A1*']]);
});

test('a Home tab click (view container) has no message ref and answers in the user DM', async (t) => {
  const h = await startSlackHarness(t);
  assert.equal((await h.slack.blockActions(fixture('slack-block-actions-home-tab.json'))).status, 200);
  const [event] = (await h.waitForEvents(1)) as ActionEvent[];
  assert.equal(event?.actionId, 'XRX');
  assert.equal(event?.value, '');
  assert.equal(event?.message, undefined);
  assert.equal(event?.place.channelId, 'UA8RXUSPL');
});

test('a delivery already acknowledged is not processed again when Slack retries it', async (t) => {
  const h = await startSlackHarness(t);
  const payload = fixture('slack-block-actions.json');
  payload.response_url = h.fake.responseUrl({ channel: 'CBR2V3XEX', user: 'UA8RXUSPL' });
  assert.equal((await h.slack.blockActions(payload)).status, 200);
  assert.equal((await h.slack.blockActions(payload, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status, 200);
  const mention = {
    type: 'event_callback',
    team_id: 'T0FAKE01',
    event_id: 'Ev0MENTION1',
    event: { type: 'app_mention', user: 'U0ALICE01', text: '<@UBOT0001> order A&amp;B', channel: 'C0OPS0001', ts: '1700000000.000100' },
  };
  assert.equal((await h.slack.event(mention)).status, 200);
  assert.equal((await h.slack.event(mention, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status, 200);
  assert.equal((await h.slack.event(mention, { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' })).status, 200);
  await h.waitForEvents(2);
  await h.adapter.idle();
  assert.equal(h.events.length, 2);
  const cmd = h.events[1] as CommandEvent;
  assert.deepEqual([cmd.kind, cmd.name, cmd.args, cmd.dedupeKey], ['command', 'order', ['A&B'], 'Ev0MENTION1']);
});

test('malformed bodies are 400 (block_actions without user too), never 500, and reach no handler', async (t) => {
  const h = await startSlackHarness(t);
  const noUser = fixture('slack-block-actions.json');
  delete noUser.user;
  const r1 = await h.slack.blockActions(noUser);
  assert.equal(r1.status, 400);
  assert.match((JSON.parse(r1.text) as { message: string }).message, /user/);
  assert.equal((await h.slack.signed('payload=%7Bnot-json', 'application/x-www-form-urlencoded')).status, 400);
  assert.equal((await h.slack.signed('[1,2]', 'application/json')).status, 400);
  assert.equal((await h.slack.signed('<xml/>', 'text/xml')).status, 400);
  assert.equal((await h.slack.signed('command=%2Forder&text=A1&user_id=U1&channel_id=C1', 'application/x-www-form-urlencoded')).status, 400);
  const noActions = { ...fixture('slack-block-actions.json'), actions: [] };
  assert.equal((await h.slack.blockActions(noActions)).status, 400);
  await h.adapter.idle();
  assert.equal(h.events.length, 0);
});

test('ssl_check, url_verification, unhandled payload types and requests before start', async (t) => {
  const h = await startSlackHarness(t);
  assert.equal((await h.slack.raw('ssl_check=1&token=abc', { 'content-type': 'application/x-www-form-urlencoded' })).status, 200);
  const challenge = await h.slack.event({ token: 't', challenge: 'c-123', type: 'url_verification' });
  assert.equal(challenge.status, 200);
  assert.deepEqual(JSON.parse(challenge.text), { challenge: 'c-123' });
  assert.equal((await h.slack.raw(JSON.stringify({ token: 't', challenge: 'c', type: 'url_verification' }), { 'content-type': 'application/json' })).status, 401);
  assert.equal((await h.slack.blockActions({ type: 'view_submission', user: { id: 'U1' } })).status, 200);
  await h.adapter.stop();
  assert.equal((await h.slack.slash('/order', 'A1')).status, 503);
  assert.equal(h.events.length, 0);
});

test('reply posts in the channel and returns its ts; without channel access it falls back to response_url', async (t) => {
  const refs: unknown[] = [];
  const h = await startSlackHarness(t, {
    handler: async (_e, respond) => {
      refs.push(await respond.reply('Order **A1** is `shipped`'));
    },
  });
  await h.slack.slash('/order', 'A1');
  await h.waitForEvents(1);
  await h.adapter.idle();
  const [ref] = refs as { platform: string; channelId: string; messageId: string }[];
  assert.equal(ref?.channelId, 'C0OPS0001');
  assert.equal(h.fake.message('C0OPS0001', ref?.messageId ?? '')?.text, 'Order *A1* is `shipped`');

  h.fake.removeChannel('C0PRIVATE');
  await h.slack.slash('/order', 'A2', { channel_id: 'C0PRIVATE', response_url: h.fake.responseUrl({ channel: 'C0PRIVATE', user: 'U0ALICE01' }) });
  await h.waitForEvents(2);
  await h.adapter.idle();
  assert.equal(refs[1], undefined);
  const viaHook = [...h.fake.messages.values()].find((m) => m.channel === 'C0PRIVATE');
  assert.equal(viaHook?.text, 'Order *A1* is `shipped`');
});

test('ephemeral falls back to chat.postEphemeral when the response_url is used up', async (t) => {
  const h = await startSlackHarness(t, {
    handler: async (_e, respond) => {
      for (let i = 0; i < 6; i++) await respond.ephemeral(`note ${i}`);
    },
  });
  await h.slack.slash('/status', '', { response_url: h.fake.responseUrl({ channel: 'C0OPS0001', user: 'U0ALICE01' }) });
  await h.waitForEvents(1);
  await h.adapter.idle();
  assert.deepEqual(h.fake.ephemerals.map((e) => e.via), ['response_url', 'response_url', 'response_url', 'response_url', 'response_url', 'chat.postEphemeral']);
  assert.equal(h.fake.ephemerals[5]?.user, 'U0ALICE01');
});
