import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import * as wecomCrypto from '@wecom/crypto';
import { computeWeComSignature, decodeAesKey, WeComCrypto, WeComCryptoError } from '../../../src/adapters/wecom/crypto.ts';

// PLATFORMS.md "Official test vectors" 5 and 6.
const TOKEN = 'QDG6eK';
const KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'wx5823bf96d3bd56c7';
const ECHOSTR = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
const V6_ENCRYPT =
  'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';
const V6_PLAIN =
  '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>';

const crypto = new WeComCrypto({ token: TOKEN, encodingAesKey: KEY, receiveId: CORP });

/** Encrypts raw plaintext bytes with no padding of ours (to build broken ciphertexts). */
function rawEncrypt(plain: Buffer): string {
  const key = decodeAesKey(KEY);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

function layout(msg: string, receiveId: string, declaredLen?: number): Buffer {
  const m = Buffer.from(msg);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(declaredLen ?? m.length);
  return Buffer.concat([Buffer.alloc(16, 7), len, m, Buffer.from(receiveId)]);
}

function pad32(b: Buffer): Buffer {
  const n = 32 - (b.length % 32);
  return Buffer.concat([b, Buffer.alloc(n, n)]);
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WeComCryptoError) return err.reason;
    throw err;
  }
  return 'accepted';
}

test('vector 5: URL verification signature matches and echostr decrypts to 1616140317555161061', () => {
  assert.equal(computeWeComSignature(TOKEN, '1409659589', '263014780', ECHOSTR), '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3');
  assert.ok(crypto.verify('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', '1409659589', '263014780', ECHOSTR));
  assert.equal(crypto.decrypt(ECHOSTR), '1616140317555161061');
});

test('vector 6: message signature matches and the XML decrypts exactly (pad 30 accepted)', () => {
  assert.equal(crypto.sign('1409659813', '1372623149', V6_ENCRYPT), '477715d11cdb4164915debcba66cb864d751f3e6');
  assert.ok(crypto.verify('477715D11CDB4164915DEBCBA66CB864D751F3E6', '1409659813', '1372623149', V6_ENCRYPT), 'hex case does not matter');
  assert.equal(crypto.decrypt(V6_ENCRYPT), V6_PLAIN);
  const padded = layout(V6_PLAIN, CORP);
  assert.equal(32 - (padded.length % 32), 30);
});

test('@wecom/crypto cross-check: both directions round-trip', () => {
  const msg = '<xml><Content><![CDATA[订单 A1 已发货 ✓]]></Content></xml>';
  assert.equal(crypto.decrypt(wecomCrypto.encrypt(KEY, msg, CORP)), msg);
  const ours = crypto.encrypt(msg);
  const theirs = wecomCrypto.decrypt(KEY, ours);
  assert.equal(theirs.message, msg);
  assert.equal(theirs.id, CORP);
  assert.equal(wecomCrypto.getSignature(TOKEN, '1', '2', ours), crypto.sign('1', '2', ours));
  const random = Buffer.alloc(16, 3);
  assert.equal(crypto.encrypt(msg, random), wecomCrypto.encrypt(KEY, msg, CORP, random), 'same random → same ciphertext');
  for (let n = 0; n < 70; n++) assert.equal(crypto.decrypt(crypto.encrypt('x'.repeat(n))), 'x'.repeat(n), `length ${n}`);
});

test('a wrong signature is refused', () => {
  assert.equal(crypto.verify('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd4', '1409659589', '263014780', ECHOSTR), false);
  assert.equal(crypto.verify('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', '1409659590', '263014780', ECHOSTR), false);
  assert.equal(crypto.verify('', '1409659589', '263014780', ECHOSTR), false);
  assert.equal(crypto.verify('zz', '1409659589', '263014780', ECHOSTR), false);
});

test('another receiveid is refused (where @wecom/crypto accepts it)', () => {
  const other = wecomCrypto.encrypt(KEY, 'hi', 'wwOTHERCORP');
  assert.equal(wecomCrypto.decrypt(KEY, other).id, 'wwOTHERCORP', 'the package decrypts it without a word');
  assert.equal(reasonOf(() => crypto.decrypt(other)), 'bad_receiveid');
  assert.equal(reasonOf(() => crypto.decrypt(wecomCrypto.encrypt(KEY, 'hi', ''))), 'bad_receiveid');
});

test('bad padding is refused: pad 0, pad > 32, and any inconsistent pad byte', () => {
  const body = layout('hello', CORP);
  const fill = 32 - (body.length % 32);
  const zero = Buffer.concat([body, Buffer.alloc(fill - 1, 1), Buffer.from([0])]);
  assert.equal(reasonOf(() => crypto.decrypt(rawEncrypt(zero))), 'bad_padding');
  const big = Buffer.concat([body, Buffer.alloc(fill, 33)]);
  assert.equal(reasonOf(() => crypto.decrypt(rawEncrypt(big))), 'bad_padding');
  const holed = pad32(body);
  holed[holed.length - 2] = 0x41;
  assert.equal(reasonOf(() => crypto.decrypt(rawEncrypt(holed))), 'bad_padding');
  // @wecom/crypto strips whatever the last byte says.
  assert.doesNotThrow(() => wecomCrypto.decrypt(KEY, rawEncrypt(holed)));
});

test('bad lengths are refused: msg_len beyond the buffer, too short, not whole blocks, not base64', () => {
  assert.equal(reasonOf(() => crypto.decrypt(rawEncrypt(pad32(layout('hello', CORP, 5000))))), 'bad_length');
  assert.equal(reasonOf(() => crypto.decrypt(rawEncrypt(pad32(Buffer.alloc(10, 1))))), 'bad_length');
  assert.equal(reasonOf(() => crypto.decrypt(ECHOSTR.slice(0, 24))), 'bad_block');
  assert.equal(reasonOf(() => crypto.decrypt('not base64!')), 'bad_base64');
  assert.equal(reasonOf(() => crypto.decrypt('')), 'bad_base64');
});

test('an EncodingAESKey that is not 43 base64 characters is refused', () => {
  assert.throws(() => new WeComCrypto({ token: TOKEN, encodingAesKey: KEY.slice(1), receiveId: CORP }), WeComCryptoError);
});
