// Settings of customer notifications (the lead adds them to the settings document under `notify`).
import { z } from 'zod';
import { SUPPORTED_LANGUAGES } from '../core/i18n.ts';
import { CUSTOMER_CHANNELS } from '../core/notify.ts';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');
const channel = z.enum(CUSTOMER_CHANNELS);

/** A token bucket: `perSecond` sustained, up to `burst` at once. */
export const rateLimitSchema = z.object({ perSecond: z.number().positive(), burst: z.number().int().min(1) });

/** Quiet hours in each customer's own time zone: messages are delayed (never dropped) until `end`. */
export const quietHoursSchema = z.object({
  enabled: z.boolean().default(true),
  /** Local time quiet hours begin (inclusive). */
  start: clockTime.default('21:00'),
  /** Local time they end (exclusive); may be earlier than `start` (the window spans midnight). */
  end: clockTime.default('08:00'),
  /** Urgent templates (see `urgentTemplates`) are sent during quiet hours. */
  urgentBypass: z.boolean().default(true),
});

/** The `notify` settings. */
export const notifySettingsSchema = z.object({
  /** Channel order when a customer has no preference; only channels that are configured are used. */
  defaultChain: z.array(channel).min(1).default([...CUSTOMER_CHANNELS]),
  /** Customers' language when neither their preferences nor the source data name one (the shop's language). */
  language: z.enum(SUPPORTED_LANGUAGES).default('zh-CN'),
  /** Customers' time zone when nothing names one. */
  timeZone: z.string().min(1).default('Asia/Shanghai'),
  quietHours: quietHoursSchema.default({ enabled: true, start: '21:00', end: '08:00', urgentBypass: true }),
  /** Templates that may bypass quiet hours. */
  urgentTemplates: z.array(z.string().min(1)).default(['out_for_delivery', 'exception']),
  /** Status changes older than this (by the source's time) are not announced: an import of old orders stays silent. */
  maxAgeMinutes: z.number().positive().default(1440),
  /** Messages being sent at once. */
  concurrency: z.number().int().min(1).max(1000).default(16),
  /** Per-channel token buckets; a channel without an entry is not limited. */
  rateLimits: z.partialRecord(channel, rateLimitSchema).default({ wechat_template: { perSecond: 20, burst: 40 }, sms: { perSecond: 10, burst: 20 }, email: { perSecond: 5, burst: 10 }, wechaty: { perSecond: 1, burst: 3 } }),
  /** Tries on one channel (the first included) before moving to the next for retryable errors. */
  maxAttemptsPerChannel: z.number().int().min(1).max(20).default(4),
  /** Retry delay = computeBackoff(attempt, backoff); a Retry-After above `maxMs` moves on to the next channel. */
  backoff: z.object({ baseMs: z.number().int().min(1).default(5_000), maxMs: z.number().int().min(1).default(600_000) }).default({ baseMs: 5_000, maxMs: 600_000 }),
  /** How long a claimed message is reserved for its sender; after that another sender (or a restart) takes it over. */
  leaseSeconds: z.number().positive().default(120),
  /** Longest idle wait between looks at the outbox (new messages from this process wake the sender at once). */
  pollSeconds: z.number().positive().default(2),
});

/** Parsed notify settings. */
export type NotifySettings = z.infer<typeof notifySettingsSchema>;
/** Quiet hours settings. */
export type QuietHours = z.infer<typeof quietHoursSchema>;
/** One token bucket's settings. */
export type RateLimit = z.infer<typeof rateLimitSchema>;

/** The defaults (what an empty `notify` object parses to). */
export const DEFAULT_NOTIFY_SETTINGS: NotifySettings = notifySettingsSchema.parse({});

/** Parses notify settings, filling defaults (throws a ZodError naming the bad path). */
export function parseNotifySettings(input: unknown): NotifySettings {
  return notifySettingsSchema.parse(input ?? {});
}
