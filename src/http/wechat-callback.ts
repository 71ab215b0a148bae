// WeChat Official Account server URL: GET echo for the URL check, POST pushes (TEMPLATESENDJOBFINISH delivery reports).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdapterStateRepo } from '../store/adapter-state.ts';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { maskId } from '../notify/channels/mask.ts';
import { parseWeChatXml } from '../notify/channels/wechat-xml.ts';
import { HttpError, readBody, type HttpServer } from './server.ts';

/** What became of one template message, from WeChat's TEMPLATESENDJOBFINISH push. */
export interface WeChatDeliveryReport {
  msgId: string;
  openid: string;
  /** `success` → delivered, `failed:user block` → blocked, `failed: system failed` (or any other failure) → failed. */
  status: 'delivered' | 'blocked' | 'failed';
  /** Every field of the pushed XML, as received. */
  raw: Record<string, string>;
}

/** Options for `registerWeChatCallback`. */
export interface WeChatCallbackOptions {
  /** The Token configured on the Official Account's server settings page (not the app secret). */
  token: string;
  /** Should be quick (WeChat gives up after 5 s); a rejection answers 500 so WeChat redelivers. */
  onDeliveryReport: (report: WeChatDeliveryReport) => Promise<void> | void;
  log: Logger;
  clock: Clock;
  /** Path of the route (default `/wechat/callback`). */
  path?: string;
  /** Answer `success` after this long even if the handler is still running (default 4000 ms). */
  answerWithinMs?: number;
  /** How long a delivered push is remembered for dedupe (default 30 minutes). */
  dedupeTtlMs?: number;
  /** Where the (timestamp, nonce) pairs already used are kept for the window (SQLite), so a signed URL works once. */
  replay: AdapterStateRepo;
}

/** How far a signed call's timestamp may be from our clock, seconds (as Slack and Feishu do). */
export const WECHAT_TIMESTAMP_WINDOW_S = 5 * 60;
const REPLAY_SCOPE = 'wechat.callback';

/** True when `signature` is the SHA-1 of the sorted [token, timestamp, nonce], as WeChat signs server-URL calls. */
export function verifyWeChatSignature(token: string, signature: string | null, timestamp: string | null, nonce: string | null): boolean {
  if (!signature || !timestamp || !nonce) return false;
  const expected = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
  const given = Buffer.from(signature.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
}

/** Maps WeChat's exact Status strings (`success`, `failed:user block`, `failed: system failed`) to ours. */
export function mapTemplateSendStatus(status: string): WeChatDeliveryReport['status'] {
  const s = status.replace(/\s+/g, '').toLowerCase();
  if (s === 'success') return 'delivered';
  return s === 'failed:userblock' ? 'blocked' : 'failed';
}

const Envelope = z.object({
  ToUserName: z.string().min(1),
  FromUserName: z.string().min(1),
  CreateTime: z.string().regex(/^\d+$/),
  MsgType: z.string().min(1),
  Event: z.string().optional(),
});
const JobFinish = z.object({ MsgID: z.string().regex(/^\d+$/), Status: z.string().min(1) });
const KNOWN_STATUSES = new Set(['success', 'failed:user block', 'failed: system failed']);

/** Registers GET and POST `/wechat/callback` on the server. */
export function registerWeChatCallback(server: HttpServer, opts: WeChatCallbackOptions): void {
  const path = opts.path ?? '/wechat/callback';
  const ttl = opts.dedupeTtlMs ?? 30 * 60_000;
  const seen = new Map<string, number>();
  const verify = (url: URL): void => {
    const q = url.searchParams;
    if (!verifyWeChatSignature(opts.token, q.get('signature'), q.get('timestamp'), q.get('nonce'))) {
      throw new HttpError(401, 'wechat.bad_signature', 'missing or wrong signature');
    }
    // The signature covers only token, timestamp and nonce: an old signed URL must not work again.
    const ts = Number(q.get('timestamp'));
    if (!Number.isSafeInteger(ts) || Math.abs(opts.clock.now() / 1000 - ts) > WECHAT_TIMESTAMP_WINDOW_S) {
      throw new HttpError(401, 'wechat.stale_timestamp', `timestamp more than ${WECHAT_TIMESTAMP_WINDOW_S / 60} minutes off`);
    }
  };
  /** True when this signed URL was used before with the same body (a redelivery); a different body under it is a replay: 401. */
  const seenBefore = async (url: URL, body: Buffer): Promise<boolean> => {
    const now = opts.clock.now();
    const pair = `${url.searchParams.get('timestamp') ?? ''}:${url.searchParams.get('nonce') ?? ''}`;
    const digest = createHash('sha256').update(body).digest('hex');
    const prev = await opts.replay.get<string>(REPLAY_SCOPE, pair, now);
    if (prev !== undefined && prev !== digest) throw new HttpError(401, 'wechat.replayed', 'this signed URL was already used');
    if (prev !== undefined) return true;
    await opts.replay.put(REPLAY_SCOPE, pair, digest, now, now + 2 * WECHAT_TIMESTAMP_WINDOW_S * 1000);
    return false;
  };

  server.route('GET', path, ({ url, res }) => {
    verify(url);
    const echostr = url.searchParams.get('echostr');
    if (!echostr) throw new HttpError(400, 'wechat.no_echostr', 'echostr missing');
    sendText(res, 200, echostr);
  });

  server.route('POST', path, async ({ req, res, url }) => {
    verify(url);
    if (url.searchParams.get('encrypt_type') === 'aes') {
      throw new HttpError(400, 'wechat.encrypted', 'safe mode is not supported: set the account to plaintext or compatible mode');
    }
    const body = await readBody(req, 64 * 1024);
    if (await seenBefore(url, body)) return sendText(res, 200, 'success');
    const text = body.toString('utf8');
    let fields: Record<string, string>;
    try {
      fields = parseWeChatXml(text);
    } catch (err) {
      throw new HttpError(400, 'wechat.malformed', `not a WeChat XML push: ${describeError(err)}`);
    }
    const env = Envelope.safeParse(fields);
    if (!env.success) throw new HttpError(400, 'wechat.malformed', 'push lacks ToUserName/FromUserName/CreateTime/MsgType');
    if (env.data.MsgType !== 'event' || env.data.Event !== 'TEMPLATESENDJOBFINISH') {
      opts.log.debug({ msgType: env.data.MsgType, event: env.data.Event }, 'wechat push ignored');
      return sendText(res, 200, 'success');
    }
    const job = JobFinish.safeParse({ MsgID: fields.MsgID ?? fields.MsgId, Status: fields.Status });
    if (!job.success) throw new HttpError(400, 'wechat.malformed', 'TEMPLATESENDJOBFINISH lacks MsgID or Status');

    // WeChat redelivers when we are slow; the doc suggests FromUserName + CreateTime, MsgID keeps two reports of one second apart.
    const now = opts.clock.now();
    for (const [k, exp] of seen) if (exp <= now) seen.delete(k);
    const key = `${env.data.FromUserName}|${env.data.CreateTime}|${job.data.MsgID}`;
    if (seen.has(key)) return sendText(res, 200, 'success');
    seen.set(key, now + ttl);

    if (!KNOWN_STATUSES.has(job.data.Status)) opts.log.warn({ status: job.data.Status.slice(0, 40) }, 'unknown TEMPLATESENDJOBFINISH status, counted as failed');
    const report: WeChatDeliveryReport = { msgId: job.data.MsgID, openid: env.data.FromUserName, status: mapTemplateSendStatus(job.data.Status), raw: fields };
    const work = Promise.resolve().then(() => opts.onDeliveryReport(report));
    const stop = new AbortController();
    const late = opts.clock.sleep(opts.answerWithinMs ?? 4000, stop.signal).then(
      () => 'late' as const,
      () => 'cancelled' as const,
    );
    try {
      const outcome = await Promise.race([work.then(() => 'done' as const), late]);
      if (outcome === 'late') {
        work.catch((err: unknown) => opts.log.error({ err: describeError(err), msgId: report.msgId }, 'late delivery report handler failed'));
      }
    } catch (err) {
      seen.delete(key);
      opts.log.error({ err: describeError(err), msgId: report.msgId, openid: maskId(report.openid) }, 'delivery report handler failed');
      throw new HttpError(500, 'wechat.handler_failed', 'delivery report not stored');
    } finally {
      stop.abort();
    }
    opts.log.info({ msgId: report.msgId, openid: maskId(report.openid), status: report.status }, 'wechat delivery report');
    sendText(res, 200, 'success');
  });
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
