// The HTTP route's checks, before the SDK sees anything: signature over the raw bytes, verification token,
// 5-minute window (401), malformed bodies (400), encrypted bodies, url_verification plain and encrypted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decryptFeishu, encryptFeishu } from '../../../src/adapters/feishu/crypto.ts';
import { checkFeishuSignature, computeFeishuSignature, createTimeMs } from '../../../src/adapters/feishu/signature.ts';
import { FEISHU_TEST_TOKEN, startFeishuHarness } from '../../fakes/feishu-harness.ts';

const KEY = 'orderops-encrypt-key';

test('the official decryption vector: encrypt_key "test key" opens to "hello world"', () => {
  assert.equal(decryptFeishu('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk='), 'hello world');
  assert.throws(() => decryptFeishu('wrong key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk='));
  assert.equal(decryptFeishu(KEY, encryptFeishu(KEY, '{"a":"é中"}')), '{"a":"é中"}');
});

test('the signature covers the raw bytes: a re-serialized body does not verify', () => {
  const raw = Buffer.from('{\n  "schema": "2.0"\n}');
  const now = 1_700_000_000_000;
  const ts = String(now / 1000);
  const signature = computeFeishuSignature(KEY, ts, 'n1', raw);
  assert.equal(checkFeishuSignature({ encryptKey: KEY, rawBody: raw, signature, timestamp: ts, nonce: 'n1', nowMs: now }), undefined);
  const compact = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
  assert.equal(checkFeishuSignature({ encryptKey: KEY, rawBody: compact, signature, timestamp: ts, nonce: 'n1', nowMs: now }), 'bad_signature');
  assert.equal(checkFeishuSignature({ encryptKey: KEY, rawBody: raw, signature, timestamp: ts, nonce: 'n1', nowMs: now + 301_000 }), 'stale_timestamp');
  assert.equal(checkFeishuSignature({ encryptKey: KEY, rawBody: raw, signature: undefined, timestamp: ts, nonce: 'n1', nowMs: now }), 'missing_headers');
  assert.equal(createTimeMs('1603977298000000'), 1603977298000);
  assert.equal(createTimeMs('1608725989000'), 1608725989000);
});

test('url_verification: plain and encrypted answer the challenge at once; a wrong token is 401', async (t) => {
  const plain = await startFeishuHarness(t);
  const a = await plain.feishu.send({ challenge: 'ch-plain', token: FEISHU_TEST_TOKEN, type: 'url_verification' }, { unsigned: true });
  assert.equal(a.status, 200);
  assert.deepEqual(a.json, { challenge: 'ch-plain' });
  const wrong = await plain.feishu.send({ challenge: 'x', token: 'nope', type: 'url_verification' });
  assert.equal(wrong.status, 401);

  const enc = await startFeishuHarness(t, { encryptKey: KEY });
  const b = await enc.feishu.send({ challenge: 'ch-encrypted', token: FEISHU_TEST_TOKEN, type: 'url_verification' }, { unsigned: true });
  assert.equal(b.status, 200);
  assert.deepEqual(b.json, { challenge: 'ch-encrypted' });
  assert.ok(!b.text.includes(FEISHU_TEST_TOKEN));
});

test('with an encrypt key: signed and encrypted deliveries pass; bad signature, stale or missing headers are 401', async (t) => {
  const h = await startFeishuHarness(t, { encryptKey: KEY });
  const msg = () => h.feishu.message({ chatId: 'oc_sig', openId: 'ou_alice', chatType: 'p2p', text: 'order A1' });
  assert.equal((await h.feishu.send(msg())).status, 200);
  await h.waitForEvents(1);
  assert.equal((await h.feishu.send(msg(), { signKey: 'another key' })).status, 401);
  assert.equal((await h.feishu.send(msg(), { unsigned: true })).status, 401);
  const stale = String(Math.floor(h.clock.now() / 1000) - 301);
  assert.equal((await h.feishu.send(msg(), { timestamp: stale })).status, 401);
  // Tampering with the encrypted bytes after signing: the signature no longer matches.
  const { raw, headers } = h.feishu.prepare(msg());
  const tampered = raw.replace(/"encrypt": "(.)/, (_m, c: string) => `"encrypt": "${c === 'A' ? 'B' : 'A'}`);
  const res = await fetch(h.feishu.url, { method: 'POST', headers, body: tampered });
  assert.equal(res.status, 401);
  assert.equal(h.events.length, 1, 'nothing refused reached the handler');
});

test('without an encrypt key: the verification token and the window decide (v2 header.token, v1 token)', async (t) => {
  const h = await startFeishuHarness(t);
  const good = h.feishu.message({ chatId: 'oc_tok', openId: 'ou_alice', chatType: 'p2p', text: 'order A1' });
  assert.equal((await h.feishu.send(good)).status, 200);
  const forged = structuredClone(good) as { header: { token: string; event_id: string } };
  forged.header.token = 'not-the-token';
  forged.header.event_id = 'forged-1';
  assert.equal((await h.feishu.send(forged)).status, 401);
  const stale = String(Math.floor(h.clock.now() / 1000) - 400);
  assert.equal((await h.feishu.send(h.feishu.message({ chatId: 'oc_tok', openId: 'ou_alice', text: 'x' }), { timestamp: stale })).status, 401);
  // No timestamp header: the envelope's create_time counts (here two hours old).
  const old = h.feishu.message({ chatId: 'oc_tok', openId: 'ou_alice', text: 'x' }) as { header: { create_time: string } };
  old.header.create_time = String(h.clock.now() - 2 * 3600_000);
  assert.equal((await h.feishu.send(old, { unsigned: true })).status, 401);
  const v1 = { uuid: 'u1', token: FEISHU_TEST_TOKEN, ts: '1', type: 'event_callback', event: { type: 'message' } };
  assert.equal((await h.feishu.send(v1)).status, 200);
  assert.equal((await h.feishu.send({ ...v1, token: 'bad' })).status, 401);
  await h.waitForEvents(1);
  assert.equal(h.events.length, 1);
});

test('malformed bodies are 400 and reach nothing', async (t) => {
  const h = await startFeishuHarness(t, { encryptKey: KEY });
  const cases: string[] = ['not json', '[1,2]', JSON.stringify({ schema: '2.0', header: { token: FEISHU_TEST_TOKEN } })];
  for (const raw of cases) assert.equal((await h.feishu.send(undefined, { raw })).status, 400, raw);
  // Encrypted and signed, authentic, but the click lacks its context.
  const click = h.feishu.click({ openId: 'ou_a', chatId: 'oc_x', messageId: 'om_x', value: { action: 'a', value: 'v' } }) as { event: Record<string, unknown> };
  delete click.event.context;
  assert.equal((await h.feishu.send(click)).status, 400);
  // Encrypted with another key: it does not decrypt (signed correctly over what was sent).
  const alien = JSON.stringify({ encrypt: encryptFeishu('other key', '{"schema":"2.0"}') });
  const { headers } = h.feishu.prepare(undefined, { raw: alien, encrypt: false });
  assert.equal((await fetch(h.feishu.url, { method: 'POST', headers, body: alien })).status, 400);
  assert.equal(h.events.length, 0);
});
