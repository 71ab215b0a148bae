// The callback URL on our shared HTTP server. GET: URL verification (answer the decrypted echostr as plain text,
// nothing else). POST: check msg_signature over Encrypt, the timestamp window, decrypt strictly and parse; any
// failure is a 4xx and reaches nothing. A good delivery is answered 200 with an empty body at once and handed on.
import type { ServerResponse } from 'node:http';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { HttpError, readBody, type HttpServer, type RouteContext } from '../../http/server.ts';
import { WeComCryptoError, type WeComCrypto } from './crypto.ts';
import { WECOM_MAX_BODY_BYTES, WECOM_TIMESTAMP_WINDOW_S } from './limits.ts';
import { parseWeComEnvelope, parseWeComMessage, WeComBodyError, type WeComMessage } from './payloads.ts';

/** What the receiver needs. */
export interface WeComReceiverOptions {
  crypto: WeComCrypto;
  clock: Clock;
  log: Logger;
  /** Called after the 200 went out; must not throw (the adapter catches and logs). */
  onMessage(message: WeComMessage): void;
  /** False before start(): deliveries are answered 503 so WeCom retries. */
  running(): boolean;
  maxBodyBytes?: number;
}

function answer(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

interface Signed {
  signature: string | null;
  timestamp: string;
  nonce: string;
}

/** Registers GET and POST `path` (default /wecom/callback). */
export function registerWeComReceiver(server: HttpServer, opts: WeComReceiverOptions, path = '/wecom/callback'): void {
  const { crypto, clock, log } = opts;

  const signedParams = (url: URL): Signed => {
    const q = url.searchParams;
    const timestamp = q.get('timestamp') ?? '';
    const nonce = q.get('nonce') ?? '';
    if (!/^\d{1,12}$/.test(timestamp) || nonce === '' || nonce.length > 64) throw new HttpError(400, 'wecom.bad_query', 'timestamp or nonce missing or malformed');
    if (Math.abs(clock.now() / 1000 - Number(timestamp)) > WECOM_TIMESTAMP_WINDOW_S) {
      log.warn({ timestamp }, 'wecom callback refused: stale timestamp');
      throw new HttpError(401, 'wecom.stale', 'timestamp outside the 5-minute window');
    }
    return { signature: q.get('msg_signature'), timestamp, nonce };
  };

  const verify = (s: Signed, encrypt: string): void => {
    if (!crypto.verify(s.signature, s.timestamp, s.nonce, encrypt)) {
      log.warn('wecom callback refused: bad msg_signature');
      throw new HttpError(401, 'wecom.bad_signature', 'msg_signature does not match');
    }
  };

  const decrypt = (encrypt: string): string => {
    try {
      return crypto.decrypt(encrypt);
    } catch (err) {
      if (!(err instanceof WeComCryptoError)) throw err;
      log.warn({ reason: err.reason }, 'wecom callback refused: ciphertext');
      throw new HttpError(400, `wecom.${err.reason}`, 'the encrypted payload was refused');
    }
  };

  server.route('GET', path, ({ url, res }: RouteContext) => {
    const s = signedParams(url);
    // URLSearchParams reads a raw "+" as a space; base64 has no spaces, so a space can only have been a "+".
    const echostr = (url.searchParams.get('echostr') ?? '').replace(/ /g, '+');
    if (echostr === '') throw new HttpError(400, 'wecom.no_echostr', 'echostr missing');
    verify(s, echostr);
    // The plain text, exactly: no quotes, no BOM, no newline (WeCom compares it byte for byte).
    answer(res, decrypt(echostr));
  });

  server.route('POST', path, async ({ req, res, url }: RouteContext) => {
    const s = signedParams(url);
    const raw = (await readBody(req, opts.maxBodyBytes ?? WECOM_MAX_BODY_BYTES)).toString('utf8');
    let message: WeComMessage;
    try {
      const envelope = parseWeComEnvelope(raw);
      verify(s, envelope.Encrypt);
      message = parseWeComMessage(decrypt(envelope.Encrypt));
    } catch (err) {
      if (err instanceof WeComBodyError) throw new HttpError(400, 'wecom.bad_body', err.message);
      throw err;
    }
    if (!opts.running()) throw new HttpError(503, 'wecom.not_ready', 'the WeCom adapter is not started', { 'retry-after': '5' });
    answer(res, '');
    opts.onMessage(message);
  });
}
