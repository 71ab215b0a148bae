// A task end to end on Slack through the fake Web API: the real app (demo shop, sync, detector, task service,
// hub, real Bolt adapter in HTTP mode) posts the task card with chat.postMessage; signed block_actions clicks come
// back in on /slack/events; refusals go to the clicker only; a decision updates the message with chat.update;
// 100 concurrent Approve clicks run the executor exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskCardKey } from '../../cards/task.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { createApp, type App } from '../../src/main.ts';
import type { Task } from '../../src/tasks/types.ts';
import { FakeSlackApi, type FakeCall } from '../fakes/slack-api.ts';
import { SLACK_TEST_SECRET } from '../fakes/slack-harness.ts';
import { SlackRequester } from '../fakes/slack-requests.ts';
import { tempDir } from '../helpers/temp.ts';
import { breakOrder, demoErpStatus, eventually, historyOf, writeSettings } from './world.ts';

const CHANNEL = 'C0OPS0001';
const APPROVERS = ['UAPPROVER', 'UAPPROVER2', 'UAPPROVER3', 'UADMIN'];

interface Button {
  action_id: string;
  value?: string;
  text: { text: string };
}

function buttonsOf(blocks: unknown[]): Button[] {
  return blocks.flatMap((b) => ((b as { type?: string }).type === 'actions' ? ((b as { elements: Button[] }).elements ?? []) : []));
}

function blocksOf(call: FakeCall): unknown[] {
  const b = call.args.blocks;
  return (typeof b === 'string' ? JSON.parse(b) : b) as unknown[];
}

let clickSeq = 0;

/** A block_actions payload as Slack sends it for a click on a button of our message. */
function click(fake: FakeSlackApi, user: string, ts: string, button: Button): unknown {
  clickSeq += 1;
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: fake.teamId },
    api_app_id: 'A0FAKE01',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: CHANNEL, is_ephemeral: false },
    trigger_id: `${2000 + clickSeq}.1.trigger`,
    team: { id: fake.teamId, domain: 'fake' },
    channel: { id: CHANNEL, name: 'ops' },
    message: { type: 'message', ts, user: fake.botUserId, bot_id: fake.botId, text: 'task' },
    response_url: fake.responseUrl({ channel: CHANNEL, user, messageTs: ts }),
    actions: [{ action_id: button.action_id, block_id: 'b1', text: { type: 'plain_text', text: button.text.text }, value: button.value, type: 'button', action_ts: `${1_760_000_000 + clickSeq}.${String(clickSeq).padStart(6, '0')}` }],
  };
}

/** The Slack copy of a task card: where it was posted and the postMessage call that did it. */
async function slackCopy(app: App, fake: FakeSlackApi, task: Task): Promise<{ ts: string; post: FakeCall }> {
  const copies = await app.store.posted.copies(taskCardKey(task.id));
  const copy = copies.find((c) => c.platform === 'slack');
  assert.ok(copy, `task ${task.id} has a Slack copy: ${JSON.stringify(copies)}`);
  assert.equal(copy.channelId, CHANNEL);
  const post = fake.callsTo('chat.postMessage').find((c) => (c.response as { ts?: string }).ts === copy.messageId);
  assert.ok(post, 'the fake received the chat.postMessage of the card');
  return { ts: copy.messageId, post };
}

const updatesOf = (fake: FakeSlackApi, ts: string): FakeCall[] => fake.callsTo('chat.update').filter((c) => c.args.ts === ts && c.args.channel === CHANNEL);

test('Slack through its fake: task card posted, a refused click changes nothing, an approval updates the message, 100 concurrent approvals execute once', { timeout: 60_000 }, async (t) => {
  const fake = await FakeSlackApi.start();
  const dataDir = tempDir(t);
  writeSettings(dataDir, (s) => ({
    ...s,
    language: 'en',
    chat: {
      ...s.chat,
      users: {
        ...s.chat.users,
        'slack:UAPPROVER': { role: 'approver', name: 'Ana Approver', language: 'en' },
        'slack:UAPPROVER2': { role: 'approver', name: 'Bo Approver', language: 'en' },
        'slack:UAPPROVER3': { role: 'approver', name: 'Cy Approver', language: 'en' },
        'slack:UADMIN': { role: 'admin', name: 'Di Admin', language: 'en' },
        'slack:UWAREHOUSE': { role: 'warehouse', name: 'Wu Warehouse', language: 'en' },
      },
      routes: { ...s.chat.routes, tasks: ['console:ops', `slack:${CHANNEL}`] },
    },
  }));
  const app = await createApp({
    dataDir,
    env: { SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: SLACK_TEST_SECRET, SLACK_API_URL: fake.apiUrl },
    port: 0,
    host: '127.0.0.1',
    log: createSilentLogger(),
    demo: 'on',
  });
  // One hook, in dependency order: the app (waits for running handlers), then the fake it talks to.
  t.after(async () => {
    await app.stop();
    await fake.close();
  });
  const { url } = await app.start();
  assert.equal(fake.callsTo('auth.test').length, 1, 'Bolt checked the token against the fake');
  const slack = new SlackRequester(`${url}/slack/events`, SLACK_TEST_SECRET, systemClock);

  // 1. A real task: its card goes to the Slack channel (and the console) with the decision buttons.
  const a = await breakOrder(app);
  const { ts, post } = await slackCopy(app, fake, a.task);
  assert.equal(post.args.channel, CHANNEL);
  const blocks = blocksOf(post);
  assert.match(JSON.stringify(blocks), new RegExp(`T${a.task.id} · Systems disagree on order ${a.orderId}`));
  const buttons = buttonsOf(blocks);
  const approve = buttons.find((b) => b.action_id.replace(/#\d+$/, '') === 'task.approve');
  assert.ok(approve, JSON.stringify(buttons));
  assert.equal(approve.value, String(a.task.id));
  assert.deepEqual(
    buttons.filter((b) => b.action_id.startsWith('task.choose')).map((b) => b.value),
    a.task.choices.filter((c) => c !== a.task.suggested).map((c) => `${a.task.id}:${c}`),
  );
  assert.ok((await app.store.posted.copies(taskCardKey(a.task.id))).some((c) => c.platform === 'console'), 'the console got its copy too');

  // 2. A warehouse user and an unknown (viewer) user click Approve: refused, told privately, nothing changes.
  for (const user of ['UWAREHOUSE', 'UNOBODY']) {
    const answer = await slack.blockActions(click(fake, user, ts, approve));
    assert.equal(answer.status, 200);
    const told = await eventually(`the refusal to ${user}`, () => fake.ephemerals.find((e) => e.user === user));
    assert.equal(told.via, 'response_url');
    assert.match(told.text ?? '', /Tasks like this are decided by Approver, Admin; your role is (Warehouse|Viewer)\. Nothing was changed\./);
  }
  assert.equal(updatesOf(fake, ts).length, 0, 'no chat.update after refused clicks');
  assert.equal(fake.message(CHANNEL, ts)?.edits, 0);
  assert.equal((await app.domain.tasks.get(a.task.id))?.state, 'open');
  const denied = await app.store.db.all<{ actor: string }>("SELECT actor FROM audit WHERE type = 'denied' AND subject = ?", [`task:${a.task.id}`]);
  assert.deepEqual(denied.map((d) => d.actor), ['slack:UWAREHOUSE', 'slack:UNOBODY']);

  // 3. The approver (named on cards by the name Slack sends, user.name) clicks Approve: the suggestion is a system that
  // saw the order shipped, not the ERP's cancellation (pushing cancelled onto a fulfilled Shopify order is refused). The
  // same Slack message is updated to show who approved what, and the outcome.
  const choiceA = a.task.suggested;
  assert.notEqual(choiceA, 'trust:erp', 'the ERP cancelled a shipped order: its view is not the suggestion');
  assert.ok(['shipped', 'in_transit', 'out_for_delivery', 'delivered', 'completed'].includes((a.task.details as { views: { system: string; status: string }[] }).views.find((v) => `trust:${v.system}` === choiceA)?.status ?? ''), 'a shipped-or-later view is suggested');
  assert.equal((await slack.blockActions(click(fake, 'UAPPROVER', ts, approve))).status, 200);
  const done = await eventually('task A done', async () => {
    const x = await app.domain.tasks.get(a.task.id);
    return x?.state === 'done' || x?.state === 'failed' ? x : undefined;
  });
  assert.equal(done.state, 'done', done.error ?? '');
  assert.equal(done.choice, choiceA);
  const label = `Trust ${choiceA.slice('trust:'.length)} and resync`;
  const final = await eventually('the chat.update showing the decision', () => {
    const last = updatesOf(fake, ts).at(-1);
    const text = last ? JSON.stringify(blocksOf(last)) : '';
    return text.includes(`Done: “${label}”`) && text.includes(`Ana Approver approved “${label}”`) ? text : undefined;
  });
  assert.match(final, /task\.undo/, 'the updated message offers Undo');
  assert.doesNotMatch(final, /task\.approve|task\.choose/, 'and no decision buttons any more');
  assert.deepEqual(fake.message(CHANNEL, ts)?.blocks, blocksOf(updatesOf(fake, ts).at(-1) as FakeCall), 'the fake holds the updated message');
  const okTold = await eventually('the approver told', () => fake.ephemerals.find((e) => e.user === 'UAPPROVER'));
  assert.match(okTold.text ?? '', new RegExp(`T${a.task.id} approved and done`));
  assert.equal(demoErpStatus(app, a.orderId), (await app.store.queries.order(a.orderId))?.snapshots.find((x) => x.system === choiceA.slice('trust:'.length))?.status);

  // 4. A second task; 100 signed Approve clicks from four approvers at once: one approval, one execution.
  const b = await breakOrder(app, [a.orderId]);
  const copyB = await slackCopy(app, fake, b.task);
  // Every click is Approve, i.e. the suggested choice (a shipped-or-later view, see 3).
  const approveB = buttonsOf(blocksOf(copyB.post)).find((x) => x.action_id.replace(/#\d+$/, '') === 'task.approve');
  assert.ok(approveB?.value);
  const choiceB = b.task.suggested;
  assert.notEqual(choiceB, 'trust:erp');
  const erpPushes = (): number => (app.demo?.requestLog.entries('erp') ?? []).filter((e) => e.method === 'POST' && e.path.endsWith(`/orders/${b.orderId}/status`)).length;
  const pushesBefore = erpPushes();
  const runsBefore = (await app.store.db.get<{ n: number }>("SELECT count(*) AS n FROM runs WHERE trigger = 'task'"))?.n ?? 0;
  const ephemeralsBefore = fake.ephemerals.length;
  const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => slack.blockActions(click(fake, APPROVERS[i % APPROVERS.length] as string, copyB.ts, approveB))));
  assert.deepEqual([...new Set(answers.map((r) => r.status))], [200]);
  const replies = await eventually('an answer to each of the 100 clicks', () => (fake.ephemerals.length - ephemeralsBefore >= 100 ? fake.ephemerals.slice(ephemeralsBefore) : undefined), 30_000);
  assert.equal(replies.length, 100);
  const doneB = await eventually('task B done', async () => {
    const x = await app.domain.tasks.get(b.task.id);
    return x?.state === 'done' ? x : undefined;
  });
  const history = (await historyOf(app, b.task.id)).map((h) => h.action);
  assert.deepEqual(history.filter((h) => h !== 'created'), ['approved', 'executing', 'done'], 'one approval, one execution');
  assert.equal(replies.filter((r) => /approved and done/.test(r.text ?? '')).length, 1, 'exactly one click won');
  assert.ok(replies.every((r) => /approved and done|Nothing changed: this task is already|is changing right now/.test(r.text ?? '')), JSON.stringify(replies.map((r) => r.text)));
  assert.equal(doneB.choice, choiceB);
  // The executor's effects, once: one status push to the demo ERP, one resync per system involved.
  assert.equal(erpPushes() - pushesBefore, 1, 'the ERP got exactly one status push');
  const views = (doneB.details as { views: { system: string; status: string }[] }).views;
  const trustedB = views.find((v) => v.system === choiceB.slice('trust:'.length));
  assert.ok(trustedB);
  const involved = new Set([trustedB.system, ...views.filter((v) => v.status !== trustedB.status).map((v) => v.system)]);
  const runsAfter = (await app.store.db.get<{ n: number }>("SELECT count(*) AS n FROM runs WHERE trigger = 'task'"))?.n ?? 0;
  assert.equal(runsAfter - runsBefore, involved.size);
  // Every click is audited.
  const clicks = await app.store.db.get<{ n: number }>("SELECT count(*) AS n FROM audit WHERE type = 'click' AND subject = 'task.approve' AND json_extract(data, '$.value') = ?", [approveB.value]);
  assert.equal(clicks?.n, 100);
  const lastB = await eventually('the chat.update of task B showing Done', () => {
    const last = updatesOf(fake, copyB.ts).at(-1);
    const text = last ? JSON.stringify(blocksOf(last)) : '';
    return text.includes(`Done: “Trust ${trustedB.system} and resync”`) ? text : undefined;
  });
  assert.doesNotMatch(lastB, /task\.approve|task\.choose/);
});
