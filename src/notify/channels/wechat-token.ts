// WeChat access token via /cgi-bin/stable_token: cached, one request in flight, forced refresh only when rejected.
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { requestJsonOnce } from '../../sync/http-client.ts';

/** Options for `createStableTokenSource`. */
export interface StableTokenOptions {
  appId: string;
  appSecret: string;
  /** `https://api.weixin.qq.com` in production; a fake in tests. */
  apiBase: string;
  clock: Clock;
  log: Logger;
  /** Called when WeChat refuses the credentials (wrong appid/secret, IP not whitelisted). */
  onAuthFailure?: (errcode: number, errmsg: string) => void;
  timeoutMs?: number;
}

/** A shared access token. */
export interface StableTokenSource {
  /** The cached token, fetching one when there is none or it is within 5 minutes of expiry. */
  get(): Promise<string>;
  /** After WeChat rejected `rejected`: a newer token if someone already got one, else a forced refresh. */
  replace(rejected: string): Promise<string>;
}

const TokenReply = z.union([
  z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() }),
  z.object({ errcode: z.number().int(), errmsg: z.string().optional() }),
]);

// stable_token renews 5 minutes before expiry; force_refresh is limited (20/day, 30 s apart).
const EARLY_MS = 5 * 60_000;
const FORCE_SPACING_MS = 30_000;
const AUTH_ERRORS = new Set([40001, 40002, 40013, 40125, 40164, 41002, 41004, 61004]);

/** Creates the token source shared by every sender of one WeChat account. */
export function createStableTokenSource(opts: StableTokenOptions): StableTokenSource {
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  let lastForcedAt = -Infinity;

  const fetchToken = async (force: boolean): Promise<string> => {
    const body = JSON.stringify({ grant_type: 'client_credential', appid: opts.appId, secret: opts.appSecret, ...(force ? { force_refresh: true } : {}) });
    const res = await requestJsonOnce(`${opts.apiBase}/cgi-bin/stable_token`, {
      clock: opts.clock,
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      timeoutMs: opts.timeoutMs ?? 10_000,
    });
    const parsed = TokenReply.safeParse(res.body);
    if (!parsed.success) throw new RetryableError('wechat.token_bad_reply', 'stable_token answered with an unexpected body');
    const reply = parsed.data;
    if ('errcode' in reply) {
      const errmsg = scrub(reply.errmsg ?? '', opts.appSecret);
      if (AUTH_ERRORS.has(reply.errcode)) {
        opts.onAuthFailure?.(reply.errcode, errmsg);
        throw new PermanentError('channel.auth_failed', `WeChat refused the app credentials (${reply.errcode} ${errmsg})`, { errcode: reply.errcode });
      }
      throw new RetryableError('wechat.token_unavailable', `stable_token failed (${reply.errcode} ${errmsg})`, { details: { errcode: reply.errcode } });
    }
    const now = opts.clock.now();
    const ttlMs = reply.expires_in * 1000;
    cached = { token: reply.access_token, refreshAt: now + Math.max(ttlMs - EARLY_MS, ttlMs / 2) };
    opts.log.info({ channel: 'wechat_template', force, expiresIn: reply.expires_in }, 'wechat access token refreshed');
    return reply.access_token;
  };

  const share = (force: boolean): Promise<string> => {
    if (inflight) return inflight;
    const p = fetchToken(force).finally(() => {
      if (inflight === p) inflight = undefined;
    });
    inflight = p;
    return p;
  };

  return {
    get() {
      if (cached && opts.clock.now() < cached.refreshAt) return Promise.resolve(cached.token);
      return share(false);
    },
    replace(rejected) {
      if (inflight) return inflight;
      if (cached && cached.token !== rejected && opts.clock.now() < cached.refreshAt) return Promise.resolve(cached.token);
      cached = undefined;
      const now = opts.clock.now();
      const force = now - lastForcedAt >= FORCE_SPACING_MS;
      if (force) lastForcedAt = now;
      return share(force);
    },
  };
}

// WeChat does not echo secrets, but a proxy in between might: never let one reach a message.
function scrub(text: string, secret: string): string {
  return (secret.length >= 4 ? text.split(secret).join('***') : text).slice(0, 200);
}
