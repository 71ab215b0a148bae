// What happens to one claimed message: opt-out, quiet hours, then down the customer's channel chain.
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { describeError, OrderOpsError, PermanentError, RetryableError, UserError } from '../core/errors.ts';
import type { CustomerChannel, CustomerChannelName, CustomerMessage } from '../core/notify.ts';
import { computeBackoff } from '../core/retry.ts';
import { maskContacts } from './channels/mask.ts';
import type { ChannelRateLimiter } from './dispatcher-rate-limit.ts';
import type { ChannelFailure, OutboxRow } from './outbox.ts';
import type { AttemptEntry, RowOutcome } from './outbox-repo.ts';
import type { CustomerProfile } from './prefs.ts';
import { quietHoursAt } from './quiet-hours.ts';
import type { NotifySettings } from './settings.ts';

/** A message no channel could deliver: the staff task the tasks work opens is keyed by `key`. */
export interface Undeliverable {
  orderId: string;
  customerId: string;
  key: string;
  template: string;
  /** Per channel, in chain order: the error code, a short message (contacts masked) and the provider's code when known. */
  reasons: UndeliverableReason[];
}

/** Why one channel could not deliver. */
export interface UndeliverableReason {
  channel: CustomerChannelName;
  /** Our error code (`recipient.unreachable`, `channel.auth_failed`, `not_reachable` …). */
  error: string;
  message?: string | undefined;
  /** The provider's own code (WeChat errcode, SMTP reply, SMS gateway error). */
  provider?: string | undefined;
}

/** What `sendRow` needs. */
export interface SendContext {
  channels: ReadonlyMap<CustomerChannelName, CustomerChannel>;
  settings: NotifySettings;
  clock: Clock;
  random: () => number;
  limiter: ChannelRateLimiter;
  /** Persists a step between two channels (the row stays leased), so a crash resumes on the next channel. */
  checkpoint: (outcome: RowOutcome) => Promise<void>;
}

/** Where the row ends up, and the undeliverable report when every channel failed. */
export interface SendResult {
  outcome: RowOutcome;
  undeliverable?: Undeliverable | undefined;
}

const Vars = z.record(z.string(), z.string());
const Failures = z.array(z.tuple([z.string(), z.string()]).rest(z.string()));

function parseJson<T>(text: string, schema: z.ZodType<T>, fallback: T): T {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    // Written only by this module; unreadable means "none", never a crash of the send loop.
    return fallback;
  }
}

/** The message a channel gets for a row: the outbox key is the idempotency key on every channel. */
export function messageOf(row: OutboxRow, profile: CustomerProfile): CustomerMessage {
  if (!row.key) throw new PermanentError('notify.no_key', 'refusing to send a message without an idempotency key');
  return { key: row.key, recipient: profile.recipient, orderId: row.order_id, template: row.template, vars: parseJson(row.vars, Vars, {}), urgent: row.urgent === 1 };
}

function errorText(err: unknown): string {
  return describeError(err).slice(0, 300);
}

function errorCode(err: unknown): string {
  return err instanceof OrderOpsError ? err.code : 'error';
}

// Channels put the provider's code in their error details under one of these names.
const PROVIDER_CODE_FIELDS = ['errcode', 'error', 'smtpCode', 'status'] as const;

/** The failure record of a channel given up on: code, short masked message, provider code when there is one. */
function failureOf(name: CustomerChannelName, err: unknown): ChannelFailure {
  const message = maskContacts(err instanceof Error ? err.message : String(err)).slice(0, 160);
  const details = err instanceof OrderOpsError ? err.details : {};
  const provider = PROVIDER_CODE_FIELDS.map((f) => details[f]).find((v): v is string | number => typeof v === 'string' || typeof v === 'number');
  return provider === undefined ? [name, errorCode(err), message] : [name, errorCode(err), message, String(provider)];
}

/** The undeliverable report's reasons from a row's failure records. */
export function reasonsOf(failures: readonly ChannelFailure[]): UndeliverableReason[] {
  return failures.map(([channel, error, message, provider]) => ({ channel, error, ...(message ? { message } : {}), ...(provider ? { provider } : {}) }));
}

/** Sends one claimed row; never throws for a channel's failure (only for a failed checkpoint write). */
export async function sendRow(row: OutboxRow, profile: CustomerProfile, ctx: SendContext): Promise<SendResult> {
  const s = ctx.settings;
  const now = ctx.clock.now();
  const log = (channel: CustomerChannelName | null, result: AttemptEntry['result'], error: string | null): AttemptEntry => ({ channel, at: ctx.clock.now(), result, error });
  let out: RowOutcome = {
    id: row.id,
    state: 'sending',
    channel: row.channel,
    chainPos: row.chain_pos,
    channelAttempts: row.channel_attempts,
    attempts: row.attempts,
    failures: parseJson(row.failures, Failures, []) as ChannelFailure[],
    nextAt: now,
    lastError: row.last_error,
    providerId: null,
    sentAt: null,
    log: [],
  };
  if (profile.optedOut) return { outcome: { ...out, state: 'cancelled', lastError: 'opted_out', log: [log(null, 'cancelled', 'opted_out')] } };
  if (!(row.urgent === 1 && s.quietHours.urgentBypass)) {
    const quiet = quietHoursAt(now, profile.recipient.timeZone ?? s.timeZone, s.quietHours);
    if (quiet.quiet) return { outcome: { ...out, state: 'pending', nextAt: quiet.until, log: [log(null, 'deferred', 'quiet_hours')] } };
  }
  const message = messageOf(row, profile);
  const chain = profile.chain.filter((c) => ctx.channels.has(c));
  const exhausted = new Set(out.failures.map((f) => f[0]));
  for (;;) {
    const skipped: ChannelFailure[] = [];
    let pick: { channel: CustomerChannel; pos: number } | undefined;
    for (const [pos, name] of chain.entries()) {
      if (exhausted.has(name)) continue;
      const channel = ctx.channels.get(name);
      // canReach is false when the recipient lacks what the channel needs, or the channel is paused (WeChat quota).
      if (channel?.canReach(message.recipient)) {
        pick = { channel, pos };
        break;
      }
      skipped.push([name, 'not_reachable']);
    }
    if (!pick) {
      const reasons = reasonsOf([...out.failures, ...skipped]);
      const summary = reasons.length > 0 ? reasons.map((r) => `${r.channel}: ${r.error}`).join('; ') : 'no channel configured for this customer';
      const outcome: RowOutcome = { ...out, state: 'failed', lastError: summary.slice(0, 500), log: [...out.log, log(null, 'undeliverable', summary.slice(0, 500))] };
      return { outcome, undeliverable: { orderId: row.order_id, customerId: row.customer_id, key: row.key, template: row.template, reasons } };
    }
    const name = pick.channel.name;
    if (name !== out.channel) out = { ...out, channel: name, channelAttempts: 0 };
    out = { ...out, chainPos: pick.pos };
    // A message never waits for its turn longer than a quarter of its lease: past that it goes back to the queue.
    const holdMs = (s.leaseSeconds * 1000) / 4;
    if (!(await ctx.limiter.acquire(name, holdMs))) return { outcome: { ...out, state: 'pending', nextAt: ctx.clock.now() + holdMs, log: [...out.log] } };
    try {
      const receipt = await pick.channel.send(message);
      const at = ctx.clock.now();
      const outcome: RowOutcome = { ...out, state: 'sent', attempts: out.attempts + 1, channelAttempts: out.channelAttempts + 1, providerId: receipt.providerId ?? null, sentAt: at, nextAt: at, lastError: null, log: [...out.log, log(name, 'sent', null)] };
      return { outcome };
    } catch (err) {
      const text = errorText(err);
      out = { ...out, attempts: out.attempts + 1, channelAttempts: out.channelAttempts + 1, lastError: text };
      // Anything not known to be permanent is worth another try (bounded), including errors we did not foresee.
      const retryable = !(err instanceof PermanentError) && !(err instanceof UserError);
      const retryAfter = err instanceof RetryableError ? err.retryAfterMs : undefined;
      if (retryable && out.channelAttempts < s.maxAttemptsPerChannel && (retryAfter ?? 0) <= s.backoff.maxMs) {
        const delay = Math.max(computeBackoff(out.channelAttempts - 1, s.backoff, ctx.random()), retryAfter ?? 0);
        return { outcome: { ...out, state: 'pending', nextAt: ctx.clock.now() + delay, log: [...out.log, log(name, 'retry', text)] } };
      }
      exhausted.add(name);
      out = { ...out, failures: [...out.failures, failureOf(name, err)], log: [...out.log, log(name, 'failed', text)] };
      await ctx.checkpoint(out);
      out = { ...out, log: [] };
    }
  }
}
