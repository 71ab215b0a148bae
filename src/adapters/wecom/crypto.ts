// WXBizMsgCrypt (PLATFORMS.md 3.2), written once and strict: AES-256-CBC with IV = key[0:16], PKCS#7 padding to
// 32-byte blocks (every pad byte checked), random(16) + msg_len(4, big-endian) + msg + receiveid (length bounds
// and receiveid checked), and msg_signature = sha1(sorted [token, timestamp, nonce, encrypt]) compared in constant
// time. Anything off throws WeComCryptoError; nothing half-decrypted ever comes out.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Why a ciphertext or signature was refused. */
export type WeComCryptoFailure = 'bad_key' | 'bad_base64' | 'bad_block' | 'bad_padding' | 'bad_length' | 'bad_receiveid' | 'bad_utf8';

/** A refused ciphertext (the caller answers 4xx; the reason is for logs). */
export class WeComCryptoError extends Error {
  constructor(readonly reason: WeComCryptoFailure) {
    super(`wecom crypto: ${reason}`);
  }
}

/** The three values of the app's "receive messages" page, plus who the messages are for. */
export interface WeComCryptoKeys {
  token: string;
  encodingAesKey: string;
  /** The corp id for a self-built app (the suite id for third-party callbacks). */
  receiveId: string;
}

const BLOCK = 32;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The msg_signature of an encrypted payload. */
export function computeWeComSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

/** AESKey = base64decode(EncodingAESKey + "="), 32 bytes. */
export function decodeAesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new WeComCryptoError('bad_key');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WeComCryptoError('bad_key');
  return key;
}

/** Encrypts, decrypts and signs for one app. */
export class WeComCrypto {
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly receiveId: Buffer;

  constructor(private readonly keys: WeComCryptoKeys) {
    this.key = decodeAesKey(keys.encodingAesKey);
    this.iv = this.key.subarray(0, 16);
    this.receiveId = Buffer.from(keys.receiveId, 'utf8');
  }

  /** msg_signature for these values. */
  sign(timestamp: string, nonce: string, encrypt: string): string {
    return computeWeComSignature(this.keys.token, timestamp, nonce, encrypt);
  }

  /** True when `signature` is the msg_signature of (timestamp, nonce, encrypt); constant-time. */
  verify(signature: string | null | undefined, timestamp: string, nonce: string, encrypt: string): boolean {
    if (!signature || !/^[0-9a-fA-F]{40}$/.test(signature)) return false;
    const expected = Buffer.from(this.sign(timestamp, nonce, encrypt), 'utf8');
    return timingSafeEqual(Buffer.from(signature.toLowerCase(), 'utf8'), expected);
  }

  /** The message inside `encrypt` (base64); throws WeComCryptoError unless every check passes. */
  decrypt(encrypt: string): string {
    if (encrypt.length === 0 || !BASE64.test(encrypt)) throw new WeComCryptoError('bad_base64');
    const cipher = Buffer.from(encrypt, 'base64');
    if (cipher.length === 0 || cipher.length % BLOCK !== 0) throw new WeComCryptoError('bad_block');
    const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(cipher), decipher.final()]);
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK) throw new WeComCryptoError('bad_padding');
    for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new WeComCryptoError('bad_padding');
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < 20) throw new WeComCryptoError('bad_length');
    const msgLen = content.readUInt32BE(16);
    if (msgLen > content.length - 20) throw new WeComCryptoError('bad_length');
    const receiveId = content.subarray(20 + msgLen);
    if (receiveId.length !== this.receiveId.length || !timingSafeEqual(receiveId, this.receiveId)) throw new WeComCryptoError('bad_receiveid');
    try {
      return utf8.decode(content.subarray(20, 20 + msgLen));
    } catch {
      throw new WeComCryptoError('bad_utf8');
    }
  }

  /** Encrypts `message` as WeCom does (random 16 bytes unless given). */
  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    if (random.length !== 16) throw new RangeError('random must be 16 bytes');
    const msg = Buffer.from(message, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length, 0);
    const body = Buffer.concat([random, len, msg, this.receiveId]);
    const pad = BLOCK - (body.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }
}
