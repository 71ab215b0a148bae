import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionEvent, CommandEvent, MessageEvent } from '../../../src/core/chat.ts';
import type { ConsoleMessage } from '../../../src/adapters/console/index.ts';
import { splitCommandWords } from '../../../src/adapters/console/inbound.ts';
import { ORDER_REFRESH, startConsole } from './harness.ts';
import { clientId, postConsole, sendCommand } from './http-helpers.ts';
import { openSse } from './sse-client.ts';

test('a /command becomes a CommandEvent: name, args, rest text, actor from settings, place, locale, dedupe key', async (t) => {
  const { adapter, base, seen } = await startConsole(t);
  const id = clientId();
  const res = await sendCommand(base, 'wang', 'ops', '/Order A1 "two words"', id);
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { accepted: true, duplicate: false });
  await adapter.idle();
  const ev = seen[0] as CommandEvent;
  assert.equal(ev.kind, 'command');
  assert.equal(ev.name, 'order');
  assert.deepEqual(ev.args, ['A1', 'two words']);
  assert.equal(ev.text, 'A1 "two words"');
  assert.deepEqual(ev.actor, { platform: 'console', userId: 'wang', name: '王经理 (approver)' });
  assert.deepEqual(ev.place, { platform: 'console', channelId: 'ops' });
  assert.equal(ev.locale, 'en');
  assert.equal(ev.dedupeKey, `command:${id}`);
  assert.deepEqual(splitCommandWords('a  "b c" d'), ['a', 'b c', 'd']);
});

test('plain text becomes a MessageEvent; the typed line shows in the channel as the user', async (t) => {
  const { adapter, base, seen } = await startConsole(t);
  assert.equal((await sendCommand(base, 'alice', 'dm:alice', 'hello there')).status, 202);
  await adapter.idle();
  const ev = seen[0] as MessageEvent;
  assert.deepEqual([ev.kind, ev.text, ev.place.channelId], ['message', 'hello there', 'dm:alice']);
  const [shown] = adapter.messages('dm:alice');
  assert.deepEqual(shown?.author, { kind: 'user', userId: 'alice', name: 'Alice (admin)' });
});

test('a click becomes an ActionEvent with the message ref; the handler updates the card in place', async (t) => {
  const { adapter, base, seen } = await startConsole(t);
  const sse = await openSse(t, `${base}/console/api/events?user=lucia`);
  await sse.next((e) => e.event === 'hello');
  await sendCommand(base, 'lucia', 'ops', '/order B7');
  const posted = (await sse.next((e) => e.event === 'message' && (e.data as { message: ConsoleMessage }).message.author.kind === 'bot')).data as { message: ConsoleMessage };
  const clickId = clientId();
  const res = await postConsole(base, '/console/api/action', { user: 'lucia', channel: 'ops', messageId: posted.message.id, actionId: ORDER_REFRESH, value: 'B7|0', clickId });
  assert.equal(res.status, 202);
  const updated = (await sse.next((e) => e.event === 'message-updated')).data as { message: ConsoleMessage };
  await adapter.idle();
  const ev = seen.find((e): e is ActionEvent => e.kind === 'action');
  assert.ok(ev);
  assert.deepEqual([ev.actionId, ev.value, ev.dedupeKey], [ORDER_REFRESH, 'B7|0', `click:${clickId}`]);
  assert.deepEqual(ev.message, { platform: 'console', channelId: 'ops', messageId: posted.message.id });
  assert.deepEqual(ev.actor, { platform: 'console', userId: 'lucia', name: 'Lucía (agent)' });
  assert.equal(updated.message.id, posted.message.id);
  assert.equal(updated.message.version, 2);
  assert.match(JSON.stringify(updated.message.body), /Refreshed by Lucía \(agent\) \(1\)/);
});

test('a double-submitted command or click is processed once', async (t) => {
  const { adapter, base, seen } = await startConsole(t);
  const id = clientId();
  const [a, b] = await Promise.all([sendCommand(base, 'alice', 'ops', '/order C3', id), sendCommand(base, 'alice', 'ops', '/order C3', id)]);
  assert.deepEqual([a.status, b.status], [202, 202]);
  const bodies = [(await a.json()) as { duplicate: boolean }, (await b.json()) as { duplicate: boolean }];
  assert.deepEqual(bodies.map((x) => x.duplicate).sort(), [false, true]);
  await adapter.idle();
  assert.equal(seen.length, 1);
  assert.equal(adapter.messages('ops').length, 2, 'the typed line and one reply');
  const cardMsg = adapter.messages('ops')[1];
  assert.ok(cardMsg);
  const click = { user: 'alice', channel: 'ops', messageId: cardMsg.id, actionId: ORDER_REFRESH, value: 'C3|0', clickId: clientId() };
  await postConsole(base, '/console/api/action', click);
  await postConsole(base, '/console/api/action', click);
  await adapter.idle();
  assert.equal(seen.filter((e) => e.kind === 'action').length, 1);
  assert.equal(adapter.messages('ops')[1]?.version, 2);
});

test('bad JSON, bad shapes, unknown users, channels, messages and buttons are 400 with a reason', async (t) => {
  const { adapter, base, seen } = await startConsole(t);
  const bad = await postConsole(base, '/console/api/command', '{"user": "alice",');
  assert.equal(bad.status, 400);
  const badBody = (await bad.json()) as { error: string; message: string };
  assert.equal(badBody.error, 'bad_json');
  assert.match(badBody.message, /not JSON/);
  const shape = await postConsole(base, '/console/api/command', { user: 'alice', channel: 'ops', text: '', id: 'short' });
  assert.equal(shape.status, 400);
  assert.match(((await shape.json()) as { message: string }).message, /text.*id|id.*text/s);
  const who = await sendCommand(base, 'mallory', 'ops', '/order A1');
  assert.equal(who.status, 400);
  assert.equal(((await who.json()) as { error: string }).error, 'unknown_user');
  assert.equal(((await (await sendCommand(base, 'alice', 'nowhere', '/x')).json()) as { error: string }).error, 'unknown_channel');
  assert.equal(((await (await sendCommand(base, 'alice', 'dm:wang', '/x')).json()) as { error: string }).error, 'not_your_dm');
  await sendCommand(base, 'alice', 'ops', '/order D4');
  await adapter.idle();
  const msg = adapter.messages('ops')[1];
  assert.ok(msg);
  const click = (over: Record<string, string>) => postConsole(base, '/console/api/action', { user: 'alice', channel: 'ops', messageId: msg.id, actionId: ORDER_REFRESH, value: 'D4|0', clickId: clientId(), ...over });
  assert.equal(((await (await click({ messageId: 'm-nope' })).json()) as { error: string }).error, 'unknown_message');
  assert.equal(((await (await click({ actionId: 'admin.drop_tables' })).json()) as { error: string }).error, 'unknown_action');
  assert.equal(((await (await click({ value: 'Z9|0' })).json()) as { error: string }).error, 'unknown_action', 'a forged value is refused');
  assert.equal(((await (await click({ user: 'nobody' })).json()) as { error: string }).error, 'unknown_user');
  assert.equal(seen.length, 1, 'only the valid /order reached the handler');
});

test('before start the console answers 503 instead of dropping the command', async (t) => {
  const { base } = await startConsole(t, { noStart: true });
  const res = await sendCommand(base, 'alice', 'ops', '/order A1');
  assert.equal(res.status, 503);
});
