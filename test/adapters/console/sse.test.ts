import { test } from 'node:test';
import assert from 'node:assert/strict';
import { card } from '../../../src/core/card.ts';
import { PermanentError } from '../../../src/core/errors.ts';
import type { ConsoleInboxItem, ConsoleMessage } from '../../../src/adapters/console/index.ts';
import { MESSAGES_PER_CHANNEL } from '../../../src/adapters/console/limits.ts';
import { ECHO_AGAIN, startConsole, XSS_TEXT } from './harness.ts';
import { clientId, postConsole, sendCommand } from './http-helpers.ts';
import { openSse, type SseEvent } from './sse-client.ts';

const msgOf = (e: SseEvent): ConsoleMessage => (e.data as { message: ConsoleMessage }).message;
const isBot = (e: SseEvent): boolean => (e.event === 'message' || e.event === 'ephemeral') && msgOf(e).author.kind === 'bot';

test('reply, update and adapter posts reach every open page; ephemeral only the actor', async (t) => {
  const { adapter, base } = await startConsole(t);
  const alice = await openSse(t, `${base}/console/api/events?user=alice`);
  const wang = await openSse(t, `${base}/console/api/events?user=wang`);
  assert.deepEqual((await alice.next((e) => e.event === 'hello')).data, { user: 'alice' });
  await wang.next((e) => e.event === 'hello');

  await sendCommand(base, 'alice', 'ops', '/echo hi **there**');
  const typedForWang = msgOf(await wang.next((e) => e.event === 'message' && msgOf(e).author.kind === 'user'));
  assert.deepEqual(typedForWang.body, { kind: 'text', inlines: [{ kind: 'text', text: '/echo hi ' }, { kind: 'bold', text: 'there' }] });
  const replyForAlice = msgOf(await alice.next(isBot));
  const replyForWang = msgOf(await wang.next(isBot));
  assert.equal(replyForAlice.id, replyForWang.id);
  assert.equal(replyForAlice.body.kind, 'card');

  await postConsole(base, '/console/api/action', { user: 'wang', channel: 'ops', messageId: replyForAlice.id, actionId: ECHO_AGAIN, value: 'hi **there**', clickId: clientId() });
  const updated = msgOf(await alice.next((e) => e.event === 'message-updated'));
  assert.equal(updated.id, replyForAlice.id);
  assert.match(JSON.stringify(updated.body), /again, by 王经理 \(approver\)/);
  assert.ok(updated.updatedAt);

  await sendCommand(base, 'wang', 'ops', '/secret');
  const eph = msgOf(await wang.next((e) => e.event === 'ephemeral'));
  assert.equal(eph.visibleTo, 'wang');
  assert.deepEqual(eph.body, { kind: 'text', inlines: [{ kind: 'text', text: 'Only 王经理 (approver) sees this' }] });
  await adapter.idle();
  const ref = await adapter.post('ops', card().header('Sync summary', 'success').text('42 orders').build());
  assert.deepEqual([ref.platform, ref.channelId], ['console', 'ops']);
  const summary = msgOf(await alice.next((e) => e.event === 'message' && msgOf(e).id === ref.messageId));
  assert.equal(summary.body.kind === 'card' && summary.body.card.header?.severity, 'success');
  assert.ok(!alice.pending().some((e) => e.event === 'ephemeral'), 'alice never got wang’s ephemeral message');

  const aliceState = (await (await fetch(`${base}/console/api/state?user=alice`)).json()) as { messages: Record<string, ConsoleMessage[]> };
  const wangState = (await (await fetch(`${base}/console/api/state?user=wang`)).json()) as { messages: Record<string, ConsoleMessage[]> };
  assert.equal(wangState.messages.ops?.filter((m) => m.visibleTo).length, 1);
  assert.equal(aliceState.messages.ops?.filter((m) => m.visibleTo).length, 0);
});

test('the state snapshot: users with roles and names, ops + a DM each, strings of the asked language', async (t) => {
  const { base } = await startConsole(t);
  const state = (await (await fetch(`${base}/console/api/state?lang=zh-CN`)).json()) as {
    language: string;
    users: { id: string; role: string; name: string }[];
    channels: { id: string; kind: string }[];
    strings: { inbox: { title: string } };
    languages: string[];
  };
  assert.equal(state.language, 'zh-CN');
  assert.equal(state.strings.inbox.title, '客户消息');
  assert.deepEqual(state.languages, ['zh-CN', 'en', 'es']);
  assert.deepEqual(state.users.map((u) => `${u.id}:${u.role}`), ['alice:admin', 'wang:approver', 'lucia:agent', 'zhao:warehouse', 'guest:viewer']);
  assert.deepEqual(state.channels.map((c) => c.id), ['ops', 'dm:alice', 'dm:wang', 'dm:lucia', 'dm:zhao', 'dm:guest']);
  const es = (await (await fetch(`${base}/console/api/state`, { headers: { 'accept-language': 'es-MX,es;q=0.9' } })).json()) as { language: string };
  assert.equal(es.language, 'es');
});

test('the customer inbox: push broadcasts an inbox event and the snapshot keeps it', async (t) => {
  const { adapter, base } = await startConsole(t);
  const sse = await openSse(t, `${base}/console/api/events?user=guest`);
  await sse.next((e) => e.event === 'hello');
  adapter.inbox.push({ customer: 'Li Na', channel: 'wechat', text: 'Your order A1 has shipped.', at: new Date(Date.UTC(2026, 5, 1)) });
  const item = (await sse.next((e) => e.event === 'inbox')).data as { item: ConsoleInboxItem };
  assert.deepEqual({ ...item.item, id: 'x' }, { id: 'x', customer: 'Li Na', channel: 'wechat', text: 'Your order A1 has shipped.', at: Date.UTC(2026, 5, 1) });
  const state = (await (await fetch(`${base}/console/api/state`)).json()) as { inbox: ConsoleInboxItem[] };
  assert.equal(state.inbox.length, 1);
});

test('a failing handler shows the actor an error toast (and nobody else)', async (t) => {
  const { adapter, base } = await startConsole(t);
  const zhao = await openSse(t, `${base}/console/api/events?user=zhao`);
  const guest = await openSse(t, `${base}/console/api/events?user=guest`);
  await zhao.next((e) => e.event === 'hello');
  await guest.next((e) => e.event === 'hello');
  await sendCommand(base, 'zhao', 'ops', '/boom');
  const toast = await zhao.next((e) => e.event === 'toast');
  assert.deepEqual({ ...(toast.data as object), id: 'x' }, { id: 'x', level: 'error', key: 'toast.handlerFailed' });
  // Anything sent to guest before this marker has arrived once the marker has.
  const marker = await adapter.post('ops', 'marker');
  await guest.next((e) => e.event === 'message' && msgOf(e).id === marker.messageId);
  assert.ok(!guest.pending().some((e) => e.event === 'toast'));
});

test('a card full of <script> and <img onerror> travels as text runs, never as markup', async (t) => {
  const { base } = await startConsole(t);
  const sse = await openSse(t, `${base}/console/api/events?user=alice`);
  await sse.next((e) => e.event === 'hello');
  await sendCommand(base, 'alice', 'ops', '/xss');
  const msg = msgOf(await sse.next(isBot));
  assert.ok(msg.body.kind === 'card');
  assert.equal(msg.body.card.header?.title, XSS_TEXT);
  const text = msg.body.card.blocks[0];
  assert.ok(text?.type === 'text');
  assert.ok(text.inlines.every((r) => r.kind !== 'link'), 'javascript: link is not a link');
  assert.deepEqual(text.inlines[0], { kind: 'text', text: `${XSS_TEXT} and [bad](javascript:alert(1)) and ` });
  const html = await (await fetch(`${base}/`)).text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.ok(scripts.length > 0 && scripts.every((tag) => /\bsrc="\/console\/assets\//.test(tag)), 'the page has no inline script');
  for (const file of ['app.js', 'card.js', 'view.js', 'dom.js', 'net.js']) {
    const js = await (await fetch(`${base}/console/assets/${file}`)).text();
    assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/, `${file} never parses strings as HTML or code`);
  }
});

test('each channel keeps a bounded ring; updating a message that left it is a PermanentError', async (t) => {
  const { adapter } = await startConsole(t);
  const first = await adapter.post('busy', 'first');
  for (let i = 0; i < MESSAGES_PER_CHANNEL; i++) await adapter.post('busy', `m${i}`);
  assert.equal(adapter.messages('busy').length, MESSAGES_PER_CHANNEL);
  await assert.rejects(adapter.update(first, card().text('late').build()), (err: unknown) => err instanceof PermanentError && err.code === 'console.message_not_found');
  await assert.rejects(adapter.update({ ...first, messageId: 'nope' }, card().text('x').build()), PermanentError);
});
