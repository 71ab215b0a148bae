// The Feishu open API as the adapter uses it: send, PATCH and ephemeral cards through the SDK Client (tokens from
// its token manager), every answer's `code` checked, bounded retries honouring x-ogw-ratelimit-reset, one forced
// token refresh on 99991663.
import { randomUUID } from 'node:crypto';
import { CTenantAccessToken, type Client, type DefaultCache } from '@larksuiteoapi/node-sdk';
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { PermanentError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { withRetry } from '../../core/retry.ts';
import { feishuCodeOf, mapFeishuCode, mapFeishuError, TOKEN_INVALID_CODE } from './errors.ts';
import type { FeishuCard } from './render.ts';

/** How hard we retry a failed call. */
export interface FeishuRetryPolicy {
  retries: number;
  baseMs: number;
  maxMs: number;
  /** A reset later than this is not waited out here: the error goes to the caller. */
  maxRetryAfterMs: number;
}

/** Default policy: up to 3 retries, 0.5 s → 8 s backoff, x-ogw-ratelimit-reset honoured up to 30 s. */
export const DEFAULT_FEISHU_RETRY: FeishuRetryPolicy = { retries: 3, baseMs: 500, maxMs: 8000, maxRetryAfterMs: 30_000 };

/** What the API wrapper needs. */
export interface FeishuApiDeps {
  client: Client;
  /** The client's token cache (its own, not the SDK's process-wide one). */
  cache: DefaultCache;
  appId: string;
  clock: Clock;
  log: Logger;
  retry: FeishuRetryPolicy;
}

const answerSchema = z.object({ code: z.number(), msg: z.string().optional(), data: z.unknown().optional() });
const messageDataSchema = z.object({ message_id: z.string().min(1), chat_id: z.string().optional() });

/** The Feishu API wrapper. */
export class FeishuApi {
  constructor(private readonly deps: FeishuApiDeps) {}

  // Makes the token manager fetch a new tenant_access_token on its next call: it reads this cache entry first.
  private async forgetToken(): Promise<void> {
    await this.deps.cache.set(CTenantAccessToken, '', 1, { namespace: this.deps.appId });
  }

  private async call(method: string, fn: () => Promise<unknown>): Promise<unknown> {
    const { clock, log, retry } = this.deps;
    let refreshed = false;
    return withRetry(
      async () => {
        for (;;) {
          try {
            const answer = answerSchema.safeParse(await fn());
            if (!answer.success) throw new PermanentError('feishu.bad_answer', `${method}: the answer has no numeric code`);
            if (answer.data.code !== 0) throw mapFeishuCode(answer.data.code, answer.data.msg ?? '', 200, undefined, method);
            return answer.data.data;
          } catch (err) {
            const mapped = mapFeishuError(err, method);
            if (feishuCodeOf(mapped) === TOKEN_INVALID_CODE && !refreshed) {
              refreshed = true;
              log.warn({ method }, 'feishu token refused; fetching a new one and trying once more');
              await this.forgetToken();
              continue;
            }
            throw mapped;
          }
        }
      },
      { ...retry, clock, onRetry: (err, attempt, delayMs) => log.warn({ method, code: err.code, attempt, delayMs }, 'feishu call failed; retrying') },
    );
  }

  /**
   * Sends a card to a chat (im.v1.message.create, receive_id_type=chat_id). One uuid for every retry: Feishu
   * takes a uuid at most once per hour, so a resend after a lost answer cannot post twice.
   */
  async post(chatId: string, card: FeishuCard, uuid: string = randomUUID()): Promise<{ messageId: string; chatId: string }> {
    const content = JSON.stringify(card);
    const data = await this.call('im.v1.message.create', () =>
      this.deps.client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content, uuid } }),
    );
    const r = messageDataSchema.safeParse(data);
    if (!r.success) throw new PermanentError('feishu.no_message_id', 'im.v1.message.create returned no message_id');
    return { messageId: r.data.message_id, chatId: r.data.chat_id ?? chatId };
  }

  /** Replaces a sent card (PATCH /im/v1/messages/:id); old and new card both have update_multi. */
  async patch(messageId: string, card: FeishuCard): Promise<void> {
    const content = JSON.stringify(card);
    await this.call('im.v1.message.patch', () => this.deps.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } }));
  }

  /** A card only `openId` sees, in a group chat (POST /open-apis/ephemeral/v1/send). */
  async ephemeral(chatId: string, openId: string, card: FeishuCard): Promise<void> {
    await this.call('ephemeral.v1.send', () =>
      this.deps.client.request({ method: 'POST', url: '/open-apis/ephemeral/v1/send', data: { chat_id: chatId, open_id: openId, msg_type: 'interactive', card } }),
    );
  }
}
