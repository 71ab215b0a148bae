// Slack Web API calls we make (post, update, ephemeral, response_url), with errors mapped and bounded retries.
import type { webApi } from '@slack/bolt';
import type { Clock } from '../../core/clock.ts';
import { OrderOpsError, PermanentError, RetryableError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { parseRetryAfter, withRetry } from '../../core/retry.ts';
import { errorForStatus, mapSlackError, NOT_TAKEN_CODES } from './errors.ts';
import type { SlackMessage } from './render.ts';

/** How hard we retry a failed call (WebClient's own retries are off, so every 429 reaches us). */
export interface SlackRetryPolicy {
  retries: number;
  baseMs: number;
  maxMs: number;
  /** A Retry-After longer than this is not waited out here: the error goes to the caller. */
  maxRetryAfterMs: number;
}

/** Default policy: up to 3 retries, 0.5 s → 8 s backoff, Retry-After honoured up to 30 s. */
export const DEFAULT_SLACK_RETRY: SlackRetryPolicy = { retries: 3, baseMs: 500, maxMs: 8000, maxRetryAfterMs: 30_000 };

/** What the API wrapper needs. */
export interface SlackApiDeps {
  client: webApi.WebClient;
  clock: Clock;
  log: Logger;
  retry: SlackRetryPolicy;
  fetch: typeof fetch;
  /** Origins a response_url may point at (hooks.slack.com, plus the fake in tests). */
  responseUrlOrigins: readonly string[];
}

/** A message sent to a response_url. */
export interface ResponseUrlBody extends Partial<SlackMessage> {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  delete_original?: boolean;
  thread_ts?: string;
}

// Thrown through withRetry to stop it retrying something that is retryable but unsafe to resend.
class DoNotResend extends Error {
  constructor(readonly inner: OrderOpsError) {
    super(inner.message);
  }
}

/** The Slack Web API as the adapter uses it. */
export class SlackApi {
  constructor(private readonly deps: SlackApiDeps) {}

  private async call<T>(method: string, fn: () => Promise<T>, resend: 'always' | 'when-not-taken'): Promise<T> {
    const { clock, log, retry } = this.deps;
    try {
      return await withRetry(
        async () => {
          try {
            return await fn();
          } catch (err) {
            const mapped = mapSlackError(err, method, clock.now());
            // A post that may have reached Slack is not resent: it could appear twice.
            if (mapped instanceof RetryableError && resend === 'when-not-taken' && !NOT_TAKEN_CODES.has(mapped.code)) throw new DoNotResend(mapped);
            throw mapped;
          }
        },
        { ...retry, clock, onRetry: (err, attempt, delayMs) => log.warn({ method, code: err.code, attempt, delayMs }, 'slack call failed; retrying') },
      );
    } catch (err) {
      throw err instanceof DoNotResend ? err.inner : err;
    }
  }

  /** Checks the bot token (auth.test); resolves with who we are. */
  async authTest(): Promise<{ userId?: string | undefined; botId?: string | undefined; teamId?: string | undefined }> {
    const r = await this.call('auth.test', () => this.deps.client.auth.test(), 'always');
    return { userId: r.user_id, botId: r.bot_id, teamId: r.team_id };
  }

  /** chat.postMessage; resolves with the channel id and the message ts. */
  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<{ channel: string; ts: string }> {
    const r = await this.call(
      'chat.postMessage',
      () =>
        this.deps.client.chat.postMessage({
          channel,
          text: message.text,
          ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
        }),
      'when-not-taken',
    );
    if (!r.ts) throw new PermanentError('slack.no_ts', 'chat.postMessage returned no ts');
    return { channel: r.channel ?? channel, ts: r.ts };
  }

  /** chat.update; always sends `blocks` so a card that lost its blocks is cleared, not kept. */
  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.call('chat.update', () => this.deps.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }), 'always');
  }

  /** chat.postEphemeral: only `user` sees it. */
  async postEphemeral(channel: string, user: string, message: SlackMessage, threadTs?: string): Promise<void> {
    await this.call(
      'chat.postEphemeral',
      () =>
        this.deps.client.chat.postEphemeral({
          channel,
          user,
          text: message.text,
          ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
        }),
      'always',
    );
  }

  /** True when we may POST to this response_url (it comes from a signed payload, still: no open relay). */
  allowsResponseUrl(url: string): boolean {
    try {
      const u = new URL(url);
      return this.deps.responseUrlOrigins.includes(u.origin);
    } catch {
      return false;
    }
  }

  /** POSTs a message to a response_url (usable 5 times in 30 minutes). */
  async respond(url: string, body: ResponseUrlBody): Promise<void> {
    if (!this.allowsResponseUrl(url)) throw new PermanentError('slack.response_url_refused', `response_url origin not allowed: ${url}`);
    await this.call('response_url', () => this.postResponseUrl(url, body), 'always');
  }

  private async postResponseUrl(url: string, body: ResponseUrlBody): Promise<void> {
    let res: Response;
    try {
      res = await this.deps.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new RetryableError('request_failed', `response_url: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const text = await res.text();
    let code: string | undefined;
    try {
      const json = JSON.parse(text) as { ok?: unknown; error?: unknown };
      if (typeof json.error === 'string') code = json.error;
      if (res.ok && json.ok === false) throw errorForStatus(400, code, undefined, 'response_url');
    } catch (err) {
      if (err instanceof OrderOpsError) throw err;
      if (!res.ok && text.trim() !== '') code = text.trim().slice(0, 64);
    }
    if (!res.ok) throw errorForStatus(res.status, code, parseRetryAfter(res.headers.get('retry-after'), this.deps.clock.now()), 'response_url');
  }
}
