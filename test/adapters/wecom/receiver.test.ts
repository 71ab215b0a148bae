// The real GET/POST /wecom/callback route on our HttpServer, driven as WeCom drives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { decodeAesKey } from '../../../src/adapters/wecom/crypto.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import { RIG_AES_KEY, RIG_CORP, startWeComRig } from '../../fakes/wecom-harness.ts';

const V5 = {
  msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
};
const V6_ENCRYPT =
  'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';

function rawEncrypt(plain: Buffer): string {
  const key = decodeAesKey(RIG_AES_KEY);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

function layout(msg: string, receiveId: string, declared?: number): Buffer {
  const m = Buffer.from(msg);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(declared ?? m.length);
  return Buffer.concat([Buffer.alloc(16, 1), len, m, Buffer.from(receiveId)]);
}

const settle = () => new Promise((r) => setTimeout(r, 30));

test('vector 5 through the real GET route: exactly 1616140317555161061 as text/plain', async (t) => {
  const rig = await startWeComRig(t, { clock: new ManualClock(1409659589_000) });
  const answer = await rig.wecom.get(V5);
  assert.equal(answer.status, 200);
  assert.equal(answer.text, '1616140317555161061', 'no quotes, no BOM, no newline');
  // The percent-encoded URL WeCom really sends, and a raw "+" some proxies leave unencoded, both work.
  const raw = await fetch(`${rig.wecom.url}?msg_signature=${V5.msg_signature}&timestamp=${V5.timestamp}&nonce=${V5.nonce}&echostr=${V5.echostr}`);
  assert.equal(await raw.text(), '1616140317555161061');
  assert.match(raw.headers.get('content-type') ?? '', /^text\/plain/);
  assert.equal((await rig.wecom.get({ ...V5, msg_signature: '0'.repeat(40) })).status, 401);
});

test('URL verification with a fresh echostr answers its plaintext; a stale one is refused', async (t) => {
  const rig = await startWeComRig(t);
  const answer = await rig.wecom.verifyUrl('8754893214567812345');
  assert.equal(answer.status, 200);
  assert.equal(answer.text, '8754893214567812345');
  const late = await startWeComRig(t, { clock: new ManualClock(1409659589_000 + 301_000) });
  assert.equal((await late.wecom.get(V5)).status, 401, 'outside the 5-minute window');
});

test('vector 6 through the real POST route: 200, empty body, then the text "hello" from mycreate as a command', async (t) => {
  const rig = await startWeComRig(t, { clock: new ManualClock(1409659813_000) });
  const envelope = `<xml><ToUserName><![CDATA[${RIG_CORP}]]></ToUserName><Encrypt><![CDATA[${V6_ENCRYPT}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;
  const answer = await rig.wecom.raw({ msg_signature: '477715d11cdb4164915debcba66cb864d751f3e6', timestamp: '1409659813', nonce: '1372623149' }, envelope);
  assert.equal(answer.status, 200);
  assert.equal(answer.text, '');
  await rig.adapter.idle();
  assert.equal(rig.events.length, 1);
  const e = rig.events[0];
  assert.equal(e?.kind, 'command');
  assert.equal(e?.kind === 'command' && e.name, 'hello');
  assert.deepEqual(e?.actor, { platform: 'wecom', userId: 'mycreate' });
  assert.equal(e?.dedupeKey, 'msg:4561255354251345929');
});

test('bad signature, wrong receiveid, bad padding, bad length, stale timestamp, malformed XML: 4xx and nothing processed', async (t) => {
  const rig = await startWeComRig(t);
  const xml = rig.wecom.textXml('zhangsan', '/order A1', '1001');
  assert.equal((await rig.wecom.post(xml, { signature: 'f'.repeat(40) })).status, 401, 'bad signature');
  assert.equal((await rig.wecom.post(xml, { encrypt: rawEncrypt(pad(layout(xml, 'wwSOMEONEELSE'))) })).status, 400, 'wrong receiveid');
  const holed = pad(layout(xml, RIG_CORP));
  holed.writeUInt8(holed.readUInt8(holed.length - 3) ^ 0xff, holed.length - 3);
  assert.equal((await rig.wecom.post(xml, { encrypt: rawEncrypt(holed) })).status, 400, 'bad padding');
  assert.equal((await rig.wecom.post(xml, { encrypt: rawEncrypt(pad(layout(xml, RIG_CORP, 90_000))) })).status, 400, 'msg_len beyond the buffer');
  const stale = String(Math.floor(Date.now() / 1000) - 301);
  assert.equal((await rig.wecom.post(xml, { timestamp: stale })).status, 401, 'stale timestamp');
  assert.equal((await rig.wecom.post('<xml><MsgType>text</MsgType></xml>')).status, 400, 'decrypted but malformed');
  assert.equal((await rig.wecom.raw({ msg_signature: 'a'.repeat(40), timestamp: 'abc', nonce: '1' }, '<xml/>')).status, 400, 'malformed timestamp');
  assert.equal((await rig.wecom.raw({ msg_signature: 'a'.repeat(40), timestamp: String(Math.floor(Date.now() / 1000)), nonce: '1' }, 'not xml')).status, 400);
  await settle();
  await rig.adapter.idle();
  assert.deepEqual(rig.events, []);
  // The same delivery, correct, is processed.
  assert.equal((await rig.wecom.post(xml)).status, 200);
  await rig.adapter.idle();
  assert.equal(rig.events.length, 1);
});

function pad(b: Buffer): Buffer {
  const n = 32 - (b.length % 32);
  return Buffer.concat([b, Buffer.alloc(n, n)]);
}

test('before start the route answers 503 (WeCom retries), nothing reaches a handler', async (t) => {
  const rig = await startWeComRig(t, { noStart: true });
  assert.equal((await rig.wecom.post(rig.wecom.textXml('zhangsan', 'order A1', '77'))).status, 503);
  assert.deepEqual(rig.events, []);
});
