// POST /feishu/events on the shared HttpServer. Every request is verified here before the SDK sees it: the
// signature over the raw bytes (when an encrypt key is set), the verification token, a 5-minute timestamp window
// (401 otherwise); malformed bodies get 400; url_verification is answered at once. Events are then handed to
// the SDK's EventDispatcher; a card click's answer (inline card, toast) is its HTTP body.
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { HttpError, readBody, sendJson, type RouteContext } from '../../http/server.ts';
import { decryptFeishu } from './crypto.ts';
import { CARD_ACTION_EVENT, encryptedField, FeishuBodyError, MESSAGE_EVENT, parseFeishuBody, parseJsonObject, toFeishuInbound, type FeishuDelivery, type FeishuInbound } from './inbound.ts';
import { FEISHU_SIGNATURE_WINDOW_S } from './limits.ts';
import { checkFeishuSignature, checkTimestampWindow, createTimeMs, tokenMatches, type FeishuAuthFailure } from './signature.ts';

/** What the receiver needs. */
export interface FeishuHttpReceiverOptions {
  verificationToken: string;
  encryptKey?: string | undefined;
  clock: Clock;
  log: Logger;
  maxBodyBytes: number;
  mainCommand: string;
  /** Hands a verified plaintext envelope (and its parsed event) to the SDK; resolves with the answer body, if any. */
  dispatch(body: Record<string, unknown>, inbound: FeishuInbound): Promise<unknown>;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function refuse(log: Logger, failure: FeishuAuthFailure): never {
  log.warn({ failure }, 'feishu request refused');
  throw new HttpError(401, 'unauthorized', `request refused (${failure})`);
}

function badBody(err: unknown): never {
  if (err instanceof FeishuBodyError) throw new HttpError(400, 'bad_body', err.message);
  throw err;
}

/** The Feishu HTTP route. */
export class FeishuHttpReceiver {
  private running = false;

  constructor(private readonly opts: FeishuHttpReceiverOptions) {}

  /** Starts accepting deliveries (the route exists from construction; before start it answers 503). */
  start(): void {
    this.running = true;
  }

  /** Stops accepting deliveries. */
  stop(): void {
    this.running = false;
  }

  private decode(raw: Buffer): Record<string, unknown> {
    const outer = parseJsonObject(raw.toString('utf8'), 'body');
    const encrypt = encryptedField(outer);
    if (encrypt === undefined) return outer;
    const key = this.opts.encryptKey;
    if (!key) throw new FeishuBodyError('the body is encrypted but no encrypt key is configured');
    let plain: string;
    try {
      plain = decryptFeishu(key, encrypt);
    } catch {
      throw new FeishuBodyError('the encrypted body does not decrypt with the configured key');
    }
    return parseJsonObject(plain, 'decrypted body');
  }

  private checkFresh(timestamp: string | undefined, delivery: FeishuDelivery): FeishuAuthFailure | undefined {
    const now = this.opts.clock.now();
    if (timestamp !== undefined) return checkTimestampWindow(timestamp, now);
    const at = delivery.kind === 'event' ? createTimeMs(delivery.envelope.header.create_time) : undefined;
    if (at === undefined) return 'missing_headers';
    return Math.abs(now - at) > FEISHU_SIGNATURE_WINDOW_S * 1000 ? 'stale_timestamp' : undefined;
  }

  /** The route handler. */
  readonly handle = async ({ req, res }: RouteContext): Promise<void> => {
    const { log, encryptKey, verificationToken } = this.opts;
    const raw = await readBody(req, this.opts.maxBodyBytes);
    const timestamp = header(req, 'x-lark-request-timestamp');
    const signature = header(req, 'x-lark-signature');
    const signed = signature !== undefined;
    if (encryptKey && signed) {
      const failure = checkFeishuSignature({ encryptKey, rawBody: raw, signature, timestamp, nonce: header(req, 'x-lark-request-nonce'), nowMs: this.opts.clock.now() });
      if (failure) refuse(log, failure);
    }
    let delivery: FeishuDelivery;
    try {
      delivery = parseFeishuBody(this.decode(raw));
    } catch (err) {
      badBody(err);
    }
    if (delivery.kind === 'url_verification') {
      // The handshake is proven by the token (and, when encrypted, by our key); it need not be signed.
      if (!tokenMatches(verificationToken, delivery.token)) refuse(log, 'bad_token');
      return sendJson(res, 200, { challenge: delivery.challenge });
    }
    if (encryptKey && !signed) refuse(log, 'missing_headers');
    const token = delivery.kind === 'v1' ? delivery.token : delivery.envelope.header.token;
    if (!tokenMatches(verificationToken, token)) refuse(log, 'bad_token');
    const stale = this.checkFresh(timestamp, delivery);
    if (stale) refuse(log, stale);
    if (delivery.kind === 'v1') return sendJson(res, 200, {});
    const type = delivery.envelope.header.event_type;
    if (type !== MESSAGE_EVENT && type !== CARD_ACTION_EVENT) return sendJson(res, 200, {});
    let inbound: FeishuInbound | undefined;
    try {
      inbound = toFeishuInbound(delivery.body, this.opts.mainCommand);
    } catch (err) {
      badBody(err);
    }
    if (!this.running) throw new HttpError(503, 'not_ready', 'the Feishu adapter is not started', { 'retry-after': '5' });
    // Bot messages, non-text messages: acknowledged, nothing to hand on.
    if (!inbound) return sendJson(res, 200, {});
    const answer = await this.opts.dispatch(delivery.body, inbound);
    sendJson(res, 200, typeof answer === 'object' && answer !== null ? answer : {});
  };
}
