// Feishu event encryption (PLATFORMS.md 2.6): key = SHA256(encrypt_key), body {encrypt: base64(iv ++ AES-256-CBC)}.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

function keyOf(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey, 'utf8').digest();
}

/** Decrypts an `encrypt` field; throws on a wrong key or damaged data. */
export function decryptFeishu(encryptKey: string, encrypt: string): string {
  const raw = Buffer.from(encrypt, 'base64');
  if (raw.length < 32 || raw.length % 16 !== 0) throw new Error('encrypted body has a bad length');
  const decipher = createDecipheriv('aes-256-cbc', keyOf(encryptKey), raw.subarray(0, 16));
  return Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8');
}

/** Encrypts like Feishu does (a random IV in front); for the fakes and tests. */
export function encryptFeishu(encryptKey: string, plaintext: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', keyOf(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
