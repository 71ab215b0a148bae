import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WeComApi } from '../../../src/adapters/wecom/api.ts';
import { renderWeComCard } from '../../../src/adapters/wecom/render.ts';
import { card } from '../../../src/core/card.ts';
import { ManualClock, systemClock } from '../../../src/core/clock.ts';
import { PermanentError, RetryableError } from '../../../src/core/errors.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { FakeWeComApi } from '../../fakes/wecom-api.ts';

async function setup(t: import('node:test').TestContext): Promise<{ fake: FakeWeComApi; api: WeComApi }> {
  const fake = await FakeWeComApi.start();
  t.after(() => fake.close());
  const api = new WeComApi({ apiBase: fake.apiBase, corpId: fake.corpId, secret: fake.secret, agentId: 7, clock: systemClock, log: createSilentLogger(), retry: { retries: 3, baseMs: 5, maxMs: 20, maxRetryAfterMs: 1000 } });
  return { fake, api };
}

let seq = 0;
const aCard = () => renderWeComCard(card().header('Order A1').actions([{ actionId: 'a', label: 'Go', value: 'A1' }]).build(), { taskId: `t_${++seq}`, cardUrl: 'https://x.example' }).card;

test('the token is fetched once and cached across calls', async (t) => {
  const { fake, api } = await setup(t);
  await Promise.all([api.sendText({ touser: 'u1' }, 'a'), api.sendText({ touser: 'u1' }, 'b'), api.sendText({ touser: 'u1' }, 'c')]);
  assert.equal(fake.callsTo('/cgi-bin/gettoken').length, 1);
  assert.equal(fake.callsTo('/cgi-bin/message/send').length, 3);
  assert.ok(fake.calls.every((c) => !JSON.stringify(c.body ?? '').includes(fake.secret)), 'the secret only travels to gettoken');
});

test('40014 and 42001 refresh the token once and the call goes through', async (t) => {
  const { fake, api } = await setup(t);
  await api.sendText({ touser: 'u1' }, 'warm');
  fake.expireTokens();
  await api.sendText({ touser: 'u1' }, 'after 42001');
  assert.equal(fake.callsTo('/cgi-bin/gettoken').length, 2);
  fake.failNext('/cgi-bin/message/send', 40014);
  await api.sendText({ touser: 'u1' }, 'after 40014');
  assert.equal(fake.callsTo('/cgi-bin/gettoken').length, 3);
  assert.deepEqual(fake.messages.map((m) => m.text), ['warm', 'after 42001', 'after 40014']);
});

test('a token refused twice in a row is a PermanentError, not a loop', async (t) => {
  const { fake, api } = await setup(t);
  fake.failNext('/cgi-bin/message/send', 40014, 2);
  await assert.rejects(api.sendText({ touser: 'u1' }, 'x'), (err: unknown) => err instanceof PermanentError && err.code === 'wecom.40014');
  assert.equal(fake.callsTo('/cgi-bin/gettoken').length, 2);
});

test('45009 and 45033 back off and retry; -1 is retried; the retries are bounded', async (t) => {
  const { fake, api } = await setup(t);
  fake.failNext('/cgi-bin/message/send', 45009);
  fake.failNext('/cgi-bin/message/send', 45033);
  fake.failNext('/cgi-bin/message/send', -1);
  const r = await api.sendCard({ touser: 'u1' }, aCard());
  assert.match(r.responseCode ?? '', /^rc_/);
  assert.equal(fake.callsTo('/cgi-bin/message/send').length, 4);
  fake.failNext('/cgi-bin/message/send', 45009, 10);
  await assert.rejects(api.sendText({ touser: 'u1' }, 'x'), (err: unknown) => err instanceof RetryableError && err.code === 'wecom.45009');
  assert.equal(fake.callsTo('/cgi-bin/message/send').length, 8, '1 try + 3 retries');
  fake.failNext('/cgi-bin/gettoken', 45009);
  const fresh = new WeComApi({ apiBase: fake.apiBase, corpId: fake.corpId, secret: fake.secret, agentId: 7, clock: systemClock, log: createSilentLogger(), retry: { retries: 2, baseMs: 5, maxMs: 20, maxRetryAfterMs: 1000 } });
  assert.match(await fresh.accessToken(), /^tok_/, 'gettoken throttling is retried too');
});

test('81013, 42014 and a wrong secret are PermanentErrors carrying the errcode; nothing leaks the secret', async (t) => {
  const { fake, api } = await setup(t);
  await assert.rejects(api.sendText({}, 'x'), (err: unknown) => err instanceof PermanentError && err.code === 'wecom.81013');
  const c = aCard();
  await api.sendCard({ touser: 'u1' }, c);
  await assert.rejects(api.sendCard({ touser: 'u1' }, c), (err: unknown) => err instanceof PermanentError && err.code === 'wecom.42014', 'a task_id is unique per app');
  const bad = new WeComApi({ apiBase: fake.apiBase, corpId: fake.corpId, secret: 'wrong-secret-value', agentId: 7, clock: systemClock, log: createSilentLogger(), retry: { retries: 0, baseMs: 1, maxMs: 1, maxRetryAfterMs: 1 } });
  await assert.rejects(bad.accessToken(), (err: unknown) => err instanceof PermanentError && err.code === 'wecom.40001' && !err.message.includes('wrong-secret-value'));
});

test('update_template_card consumes a response code once (atall); a reused code is refused', async (t) => {
  const { fake, api } = await setup(t);
  const c = aCard();
  const r = await api.sendCard({ touser: 'u1|u2' }, c);
  const { task_id: _t, ...body } = c;
  await api.updateCard(r.responseCode ?? '', { ...body, main_title: { title: 'Done' } });
  const call = fake.callsTo('/cgi-bin/message/update_template_card')[0]?.body as Record<string, unknown>;
  assert.equal(call.atall, 1);
  assert.equal(call.response_code, r.responseCode);
  assert.equal(fake.card(c.task_id ?? '')?.versions, 2);
  await assert.rejects(api.updateCard(r.responseCode ?? '', body), (err: unknown) => err instanceof PermanentError);
});

test('the robot webhook: markdown sent, 93000 for a bad key is permanent', async (t) => {
  const { fake, api } = await setup(t);
  await api.robotSend(fake.webhookKey, '**hi**');
  assert.deepEqual(fake.robotMessages.map((m) => m.content), ['**hi**']);
  await assert.rejects(api.robotSend('nope', 'x'), (err: unknown) => err instanceof PermanentError && err.code === 'wecom.93000');
  assert.ok(fake.callsTo('/cgi-bin/webhook/send').every((c) => c.query.key !== undefined));
});

test('45009 waits out a backoff on the injected clock before the retry', async (t) => {
  const fake = await FakeWeComApi.start();
  t.after(() => fake.close());
  const clock = new ManualClock();
  const api = new WeComApi({ apiBase: fake.apiBase, corpId: fake.corpId, secret: fake.secret, agentId: 7, clock, log: createSilentLogger(), retry: { retries: 3, baseMs: 1000, maxMs: 8000, maxRetryAfterMs: 60_000 } });
  await api.accessToken();
  fake.failNext('/cgi-bin/message/send', 45009);
  const sending = api.sendText({ touser: 'u1' }, 'later');
  for (let i = 0; i < 500 && clock.pendingSleeps() === 0; i++) await new Promise((r) => setTimeout(r, 2));
  assert.equal(clock.pendingSleeps(), 1, 'backing off');
  assert.equal(fake.callsTo('/cgi-bin/message/send').length, 1);
  clock.advance(499);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(fake.callsTo('/cgi-bin/message/send').length, 1, 'not before half the first ceiling');
  clock.advance(600);
  await sending;
  assert.equal(fake.callsTo('/cgi-bin/message/send').length, 2);
});
