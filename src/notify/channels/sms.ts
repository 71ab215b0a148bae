// SMS through an HTTP gateway with our own small JSON contract (put a thin adapter in front of the vendor).
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { CustomerChannel, CustomerMessage, Recipient, SendReceipt } from '../../core/notify.ts';
import { parseRetryAfter } from '../../core/retry.ts';
import { requestTextOnce, type TextResponse } from '../../sync/http-client.ts';
import { renderCustomerText } from '../texts.ts';
import { maskPhone } from './mask.ts';
import { stableMessageId } from './message-key.ts';

/** Options for `createSmsChannel`. */
export interface SmsChannelOptions {
  /** Gateway root, e.g. `https://sms-gateway.internal`. */
  baseUrl: string;
  /** Bearer key for the gateway (never logged). */
  apiKey: string;
  /** Shop signature put in the text (`【{{shop}}】`) unless the message's vars carry `shop`; also sent as `sender`. */
  sender?: string;
  clock: Clock;
  log: Logger;
  timeoutMs?: number;
}

/**
 * The SMS gateway contract:
 *
 * ```
 * POST {baseUrl}/v1/messages
 * Authorization: Bearer <apiKey>
 * Content-Type: application/json
 * Idempotency-Key: <same as idempotency_key>
 * { "to": "+8613800000000", "text": "…", "idempotency_key": "…", "sender"?: "Shop" }
 *
 * 200 | 201  { "id": "…" }      sent, or already sent under this idempotency_key (same id, nothing resent; keys kept ≥ 24 h)
 * 400 | 422  { "error": "invalid_number" | "unreachable" | "opted_out" }  → PermanentError recipient.unreachable
 * 400 | 422  { "error": <other> }                                         → PermanentError sms.rejected
 * 401 | 403                                                               → PermanentError channel.auth_failed
 * 429        Retry-After: <seconds | HTTP date>                           → RetryableError sms.rate_limited (retryAfterMs)
 * 5xx, timeout, connection error                                          → RetryableError sms.unavailable / sms.network
 * ```
 */
export const SMS_GATEWAY_PATH = '/v1/messages';

const Accepted = z.object({ id: z.union([z.string().min(1), z.number()]) });
const Rejected = z.object({ error: z.string(), message: z.string().optional() });
const UNREACHABLE_ERRORS = new Set(['invalid_number', 'unreachable', 'opted_out']);

/** Normalises a phone number for sending (`+86 138-0000-0000` → `+8613800000000`); undefined when it is not one. */
export function normalizePhone(phone: string | undefined): string | undefined {
  const p = phone?.replace(/[\s\-().]/g, '');
  return p && /^\+?\d{6,15}$/.test(p) ? p : undefined;
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Creates the SMS channel. */
export function createSmsChannel(opts: SmsChannelOptions): CustomerChannel {
  const endpoint = `${opts.baseUrl.replace(/\/+$/, '')}${SMS_GATEWAY_PATH}`;
  return {
    name: 'sms',
    canReach: (recipient: Recipient) => normalizePhone(recipient.phone) !== undefined,
    async send(message: CustomerMessage): Promise<SendReceipt> {
      const to = normalizePhone(message.recipient.phone);
      if (!to) throw new PermanentError('recipient.unreachable', 'recipient has no usable phone number');
      const vars = { orderId: message.orderId, ...(opts.sender ? { shop: opts.sender } : {}), ...message.vars };
      const { text } = renderCustomerText(message.template, 'sms', message.recipient.language, vars);
      const idempotencyKey = stableMessageId(message.key, 128);
      const body = JSON.stringify({ to, text, idempotency_key: idempotencyKey, ...(opts.sender ? { sender: opts.sender } : {}) });
      let res: TextResponse;
      try {
        res = await requestTextOnce(endpoint, {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body,
          timeoutMs: opts.timeoutMs ?? 15_000,
        });
      } catch (err) {
        throw new RetryableError('sms.network', `SMS gateway unreachable: ${(err as Error).message}`, { cause: err });
      }
      const payload = parseJsonOrUndefined(res.text);
      const masked = maskPhone(to);
      if (res.status >= 200 && res.status < 300) {
        const ok = Accepted.safeParse(payload);
        // The gateway may have sent it: retrying under the same key is safe, failing over to another channel is not.
        if (!ok.success) throw new RetryableError('sms.bad_reply', `SMS gateway answered ${res.status} without an id`);
        opts.log.info({ channel: 'sms', template: message.template, key: message.key, to: masked, id: String(ok.data.id) }, 'sms sent');
        return { channel: 'sms', providerId: String(ok.data.id) };
      }
      if (res.status === 429) {
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), opts.clock.now());
        throw new RetryableError('sms.rate_limited', 'SMS gateway rate limit', { ...(retryAfterMs === undefined ? {} : { retryAfterMs }), details: { status: 429 } });
      }
      if (res.status >= 500) throw new RetryableError('sms.unavailable', `SMS gateway answered ${res.status}`, { details: { status: res.status } });
      if (res.status === 401 || res.status === 403) throw new PermanentError('channel.auth_failed', `SMS gateway refused the API key (${res.status})`, { status: res.status });
      const rejected = Rejected.safeParse(payload);
      const code = rejected.success ? rejected.data.error.slice(0, 40) : 'unknown';
      opts.log.warn({ channel: 'sms', key: message.key, to: masked, status: res.status, error: code }, 'sms rejected');
      if (UNREACHABLE_ERRORS.has(code)) throw new PermanentError('recipient.unreachable', `SMS gateway cannot reach ${masked} (${code})`, { status: res.status, error: code });
      throw new PermanentError('sms.rejected', `SMS gateway rejected the message (${res.status} ${code})`, { status: res.status, error: code });
    },
  };
}
