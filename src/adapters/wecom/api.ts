// The WeCom server API as the adapter uses it: one access token per app (cached, refreshed once on 40014/42001),
// message/send, message/update_template_card and the group robot webhook. -1, 45009 and 45033 are retried with
// bounded backoff; every other errcode is a PermanentError carrying it (wecom.81013, wecom.93000, …).
import type { Clock } from '../../core/clock.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { withRetry } from '../../core/retry.ts';
import { redactUrl, requestTextOnce } from '../../sync/http-client.ts';
import type { WeComRecipients } from './channel.ts';
import { errorForErrcode, errorForHttp, errorForNetwork, TOKEN_CODES } from './errors.ts';
import type { WeComTemplateCard } from './render.ts';

/** How hard we retry (45009 blocks for up to 60 s, so the ceiling is high). */
export interface WeComRetryPolicy {
  retries: number;
  baseMs: number;
  maxMs: number;
  maxRetryAfterMs: number;
}

/** Default: up to 3 retries, 1 s → 16 s backoff. */
export const DEFAULT_WECOM_RETRY: WeComRetryPolicy = { retries: 3, baseMs: 1000, maxMs: 16_000, maxRetryAfterMs: 60_000 };

/** What the API wrapper needs. */
export interface WeComApiDeps {
  apiBase: string;
  corpId: string;
  secret: string;
  agentId: number;
  clock: Clock;
  log: Logger;
  retry: WeComRetryPolicy;
}

type Json = Record<string, unknown>;

function parse(text: string, status: number, what: string): Json {
  if (status !== 200) throw errorForHttp(status, what);
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Json;
  } catch {
    // fall through
  }
  throw new PermanentError('wecom.bad_answer', `${what}: answer is not a JSON object`);
}

function errcode(body: Json): number {
  return typeof body.errcode === 'number' ? body.errcode : 0;
}

/** The WeCom API for one app. */
export class WeComApi {
  private token: { value: string; expiresAt: number } | undefined;
  private fetching: Promise<string> | undefined;

  constructor(private readonly deps: WeComApiDeps) {}

  private async request(url: string, body: Json | undefined, what: string): Promise<Json> {
    let res;
    try {
      res = await requestTextOnce(url, {
        method: body ? 'POST' : 'GET',
        ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json; charset=utf-8' } } : {}),
        timeoutMs: 10_000,
        maxResponseBytes: 1024 * 1024,
      });
    } catch (err) {
      throw err instanceof RetryableError ? errorForNetwork(err, `${what} ${redactUrl(url)}`) : err;
    }
    return parse(res.text, res.status, what);
  }

  /** The app's access token (cached until 5 minutes before it expires; one fetch at a time). */
  async accessToken(): Promise<string> {
    const now = this.deps.clock.now();
    if (this.token && this.token.expiresAt > now) return this.token.value;
    this.fetching ??= this.fetchToken().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetchToken(): Promise<string> {
    const { apiBase, corpId, secret, clock } = this.deps;
    const url = `${apiBase}/cgi-bin/gettoken?corpid=${encodeURIComponent(corpId)}&corpsecret=${encodeURIComponent(secret)}`;
    const body = await this.withRetries('gettoken', () => this.request(url, undefined, 'gettoken'));
    if (typeof body.access_token !== 'string' || body.access_token === '') throw new PermanentError('wecom.no_token', 'gettoken returned no access_token');
    const ttl = typeof body.expires_in === 'number' ? body.expires_in : 7200;
    this.token = { value: body.access_token, expiresAt: clock.now() + Math.max(60, ttl - 300) * 1000 };
    this.deps.log.info({ expiresIn: ttl }, 'wecom access token fetched');
    return body.access_token;
  }

  private async withRetries<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const { clock, log, retry } = this.deps;
    return withRetry(
      async () => {
        const r = await fn();
        const code = errcode(r as Json);
        if (code !== 0) throw errorForErrcode(code, String((r as Json).errmsg ?? ''), what);
        return r;
      },
      { ...retry, clock, onRetry: (err, attempt, delayMs) => log.warn({ what, code: err.code, attempt, delayMs }, 'wecom call failed; retrying') },
    );
  }

  /** POSTs `body` to an API path with the token; a token WeCom calls invalid or expired is refetched once. */
  async call(path: string, body: Json): Promise<Json> {
    return this.withRetries(path, async () => {
      for (let refreshed = false; ; refreshed = true) {
        const token = await this.accessToken();
        const r = await this.request(`${this.deps.apiBase}${path}?access_token=${encodeURIComponent(token)}`, body, path);
        if (!TOKEN_CODES.has(errcode(r)) || refreshed) return r;
        this.deps.log.info({ path, errcode: errcode(r) }, 'wecom token refused; fetching a new one');
        if (this.token?.value === token) this.token = undefined;
      }
    });
  }

  /** message/send of a template_card; resolves with msgid and the response_code (callback cards only). */
  async sendCard(to: WeComRecipients, card: WeComTemplateCard): Promise<{ msgid: string; responseCode?: string }> {
    const r = await this.call('/cgi-bin/message/send', { ...to, msgtype: 'template_card', agentid: this.deps.agentId, template_card: card });
    this.warnInvalid(r);
    return { msgid: String(r.msgid ?? ''), ...(typeof r.response_code === 'string' && r.response_code ? { responseCode: r.response_code } : {}) };
  }

  /** message/send of a text message. */
  async sendText(to: WeComRecipients, content: string): Promise<{ msgid: string }> {
    const r = await this.call('/cgi-bin/message/send', { ...to, msgtype: 'text', agentid: this.deps.agentId, text: { content } });
    this.warnInvalid(r);
    return { msgid: String(r.msgid ?? '') };
  }

  /** update_template_card for every recipient of the card (atall), consuming `responseCode`. */
  async updateCard(responseCode: string, card: WeComTemplateCard): Promise<void> {
    await this.call('/cgi-bin/message/update_template_card', { atall: 1, agentid: this.deps.agentId, response_code: responseCode, template_card: card });
  }

  /** The group robot: a markdown message (no token; the key is the credential). */
  async robotSend(key: string, markdown: string): Promise<void> {
    const url = `${this.deps.apiBase}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
    await this.withRetries('webhook/send', () => this.request(url, { msgtype: 'markdown', markdown: { content: markdown } }, 'webhook/send'));
  }

  private warnInvalid(r: Json): void {
    const invalid = ['invaliduser', 'invalidparty', 'invalidtag', 'unlicenseduser'].filter((k) => typeof r[k] === 'string' && r[k] !== '');
    if (invalid.length > 0) this.deps.log.warn({ invalid: Object.fromEntries(invalid.map((k) => [k, r[k]])) }, 'wecom: some recipients were not reached');
  }
}
