import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSlackSignature, computeSlackSignature } from '../../../src/adapters/slack/inbound.ts';
import { SLACK_TEST_SECRET, startSlackHarness } from '../../fakes/slack-harness.ts';
import { signSlackBody } from '../../fakes/slack-requests.ts';

// The official worked example (PLATFORMS.md, test vector 1).
const VECTOR = {
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const NEAR = 1531420618_000 + 42_000;

test('the official vector: computed signature matches, and it is accepted inside the window', () => {
  assert.equal(computeSlackSignature(SLACK_TEST_SECRET, VECTOR.timestamp, VECTOR.body), VECTOR.signature);
  const input = { signingSecret: SLACK_TEST_SECRET, rawBody: Buffer.from(VECTOR.body), signature: VECTOR.signature, timestamp: VECTOR.timestamp };
  assert.equal(checkSlackSignature({ ...input, nowMs: NEAR }), undefined);
  assert.equal(checkSlackSignature({ ...input, nowMs: 1531420618_000 + 301_000 }), 'stale_timestamp');
  assert.equal(checkSlackSignature({ ...input, nowMs: 1531420618_000 - 301_000 }), 'stale_timestamp');
  assert.equal(checkSlackSignature({ ...input, rawBody: Buffer.from(VECTOR.body.replace('text=', 'text=x')), nowMs: NEAR }), 'bad_signature');
  assert.equal(checkSlackSignature({ ...input, timestamp: '1531420619', nowMs: NEAR }), 'bad_signature');
  assert.equal(checkSlackSignature({ ...input, signature: undefined, nowMs: NEAR }), 'missing_headers');
  assert.equal(checkSlackSignature({ ...input, timestamp: '15314e8', nowMs: NEAR }), 'bad_timestamp');
  assert.equal(checkSlackSignature({ ...input, signature: 'v0=short', nowMs: NEAR }), 'bad_signature');
});

test('through the route: the vector request is a CommandEvent; altered body, timestamp or signature are 401', async (t) => {
  const h = await startSlackHarness(t, { now: NEAR });
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': VECTOR.timestamp, 'x-slack-signature': VECTOR.signature };
  const good = await h.slack.raw(VECTOR.body, headers);
  assert.equal(good.status, 200);
  const [event] = await h.waitForEvents(1);
  assert.equal(event?.kind, 'command');
  assert.equal(event?.kind === 'command' ? event.name : '', 'webhook-collect');
  assert.equal(event?.dedupeKey, '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c');

  const tampered = await h.slack.raw(VECTOR.body.replace('user_id=U2CERLKJA', 'user_id=U0ATTACKER'), headers);
  assert.equal(tampered.status, 401);
  assert.equal((JSON.parse(tampered.text) as { error: string }).error, 'bad_signature');
  assert.equal((await h.slack.raw(VECTOR.body, { ...headers, 'x-slack-request-timestamp': '1531420619' })).status, 401);
  assert.equal((await h.slack.raw(VECTOR.body, { 'content-type': headers['content-type'], 'x-slack-request-timestamp': VECTOR.timestamp })).status, 401);
  assert.equal((await h.slack.raw(VECTOR.body, { ...headers, 'x-slack-signature': signSlackBody('another-secret', VECTOR.timestamp, VECTOR.body) })).status, 401);
  await h.adapter.idle();
  assert.equal(h.events.length, 1);
});

test('a correctly signed but stale (or future) request is 401, never 200', async (t) => {
  const h = await startSlackHarness(t, { now: 1531420618_000 + 5 * 60_000 + 1000 });
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': VECTOR.timestamp, 'x-slack-signature': VECTOR.signature };
  assert.equal((await h.slack.raw(VECTOR.body, headers)).status, 401);
  h.clock.set(1531420618_000 - 5 * 60_000 - 1000);
  assert.equal((await h.slack.raw(VECTOR.body, headers)).status, 401);
  // A fresh signature over the same body at the clock's time is fine again.
  h.clock.set(1531420618_000);
  const fresh = await h.slack.signed(VECTOR.body, 'application/x-www-form-urlencoded');
  assert.equal(fresh.status, 200);
  await h.waitForEvents(1);
  assert.equal(h.events.length, 1);
});
