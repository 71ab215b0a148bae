// The fake must behave like the documented Slack API, or tests against it prove nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeSlackApi } from '../../fakes/slack-api.ts';

async function started(t: import('node:test').TestContext): Promise<FakeSlackApi> {
  const fake = await FakeSlackApi.start();
  t.after(() => fake.close());
  return fake;
}

async function call(fake: FakeSlackApi, method: string, body: Record<string, unknown>, opts: { token?: string | null; json?: boolean } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? fake.botToken}`;
  let payload: string;
  if (opts.json) {
    headers['content-type'] = 'application/json; charset=utf-8';
    payload = JSON.stringify(body);
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, typeof v === "string" ? v : JSON.stringify(v)])).toString();
  }
  const res = await fetch(`${fake.apiUrl}${method}`, { method: 'POST', headers, body: payload });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as { ok: boolean; error?: string; errors?: string[]; ts?: string } };
}

const button = (id: string, extra: Record<string, unknown> = {}) => ({ type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: id, ...extra });

test('auth: no token is not_authed, a wrong one invalid_auth; form and JSON bodies both work', async (t) => {
  const fake = await started(t);
  assert.deepEqual((await call(fake, 'auth.test', {}, { token: null })).json, { ok: false, error: 'not_authed' });
  assert.equal((await call(fake, 'auth.test', {}, { token: 'xoxb-nope' })).json.error, 'invalid_auth');
  assert.equal((await call(fake, 'auth.test', {})).json.ok, true);
  const posted = await call(fake, 'chat.postMessage', { channel: 'C1234', text: 'hi', blocks: [{ type: 'divider' }] }, { json: true });
  assert.equal(posted.json.ok, true);
  assert.deepEqual(fake.message('C1234', posted.json.ts ?? '')?.blocks, [{ type: 'divider' }]);
  assert.equal((await call(fake, 'chat.nope', {})).status, 404);
});

test('Block Kit limits are enforced like Slack: invalid_blocks with json-pointer reasons, msg_too_long, no_text', async (t) => {
  const fake = await started(t);
  const invalid = async (blocks: unknown[]) => {
    const r = await call(fake, 'chat.postMessage', { channel: 'C1234', text: 'x', blocks });
    assert.equal(r.json.error, 'invalid_blocks', JSON.stringify(blocks).slice(0, 80));
    return r.json.errors?.join('\n') ?? '';
  };
  assert.match(await invalid([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }]), /less than 151 characters \[json-pointer:\/blocks\/0\/text\/text\]/);
  assert.match(await invalid([{ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } }]), /3001/);
  assert.match(await invalid([{ type: 'section' }]), /either text or fields/);
  assert.match(await invalid([{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }]), /no more than 10/);
  assert.match(await invalid([{ type: 'actions', elements: Array.from({ length: 26 }, (_v, i) => button(`a${i}`)) }]), /no more than 25 items allowed \[json-pointer:\/blocks\/0\/elements\]/);
  assert.match(await invalid([{ type: 'actions', elements: [button('same'), button('same')] }]), /action_id must be unique/);
  assert.match(await invalid([{ type: 'actions', elements: [button('a', { value: 'v'.repeat(2001) })] }]), /value/);
  assert.match(await invalid([{ type: 'actions', elements: [button('a', { confirm: { text: { type: 'plain_text', text: 'c'.repeat(301) } } })] }]), /confirm\/text/);
  assert.match(await invalid(Array.from({ length: 51 }, () => ({ type: 'divider' }))), /no more than 50/);
  assert.match(await invalid([{ type: 'table' }]), /unsupported/);
  const bigText = Array.from({ length: 5 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(2900) } }));
  assert.equal((await call(fake, 'chat.postMessage', { channel: 'C1234', text: 'x', blocks: bigText })).json.error, 'msg_blocks_too_long');
  assert.equal((await call(fake, 'chat.postMessage', { channel: 'C1234', text: 't'.repeat(40_001) })).json.error, 'msg_too_long');
  assert.equal((await call(fake, 'chat.postMessage', { channel: 'C1234' })).json.error, 'no_text');
  assert.equal((await call(fake, 'chat.postMessage', { channel: 'C1234', text: 'x', blocks: '[not json' })).json.error, 'invalid_blocks_format');
  assert.equal((await call(fake, 'chat.postMessage', { channel: '#general', text: 'x' })).json.error, 'channel_not_found');
});

test('chat.update: message_not_found for unknown ts, omitted blocks are kept, [] clears them', async (t) => {
  const fake = await started(t);
  const posted = await call(fake, 'chat.postMessage', { channel: 'C1234', text: 'v1', blocks: [{ type: 'divider' }] });
  const ts = posted.json.ts ?? '';
  assert.equal((await call(fake, 'chat.update', { channel: 'C1234', ts: '1.2', text: 'x' })).json.error, 'message_not_found');
  await call(fake, 'chat.update', { channel: 'C1234', ts, text: 'v2' });
  assert.deepEqual([fake.message('C1234', ts)?.text, fake.message('C1234', ts)?.blocks.length], ['v2', 1]);
  await call(fake, 'chat.update', { channel: 'C1234', ts, text: 'v3', blocks: [] });
  assert.deepEqual([fake.message('C1234', ts)?.text, fake.message('C1234', ts)?.blocks.length, fake.message('C1234', ts)?.edits], ['v3', 0, 2]);
});

test('scripted rate limits: 429 + Retry-After with ratelimited, and the rate_limited variant', async (t) => {
  const fake = await started(t);
  fake.failNext('chat.postMessage', { error: 'ratelimited', retryAfter: 1 });
  fake.failNext('chat.postMessage', { error: 'rate_limited', retryAfter: 2, status: 200 });
  const first = await call(fake, 'chat.postMessage', { channel: 'C1234', text: 'x' });
  assert.deepEqual([first.status, first.retryAfter, first.json], [429, '1', { ok: false, error: 'ratelimited' }]);
  const second = await call(fake, 'chat.postMessage', { channel: 'C1234', text: 'x' });
  assert.deepEqual([second.status, second.retryAfter, second.json.error], [200, '2', 'rate_limited']);
  assert.equal((await call(fake, 'chat.postMessage', { channel: 'C1234', text: 'x' })).json.ok, true);
});

test('response_url: 5 uses, replace_original edits the source message, unknown urls are 404', async (t) => {
  const fake = await started(t);
  const posted = await call(fake, 'chat.postMessage', { channel: 'C1234', text: 'card' });
  const url = fake.responseUrl({ channel: 'C1234', user: 'U1', messageTs: posted.json.ts ?? '' });
  const post = (body: unknown, to = url) => fetch(to, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await post({ text: 'replaced', replace_original: true })).status, 200);
  assert.equal(fake.message('C1234', posted.json.ts ?? '')?.text, 'replaced');
  for (let i = 0; i < 4; i++) assert.equal((await post({ text: `e${i}` })).status, 200);
  assert.equal((await post({ text: 'sixth' })).status, 404);
  assert.equal(fake.ephemerals.length, 4);
  assert.equal((await post({ text: 'x' }, `${fake.url}/hooks/unknown`)).status, 404);
});
