import { z } from 'zod';
import schedule from 'node-schedule';
import { CANONICAL_STATUSES } from '../core/status.ts';
import { SUPPORTED_LANGUAGES } from '../core/i18n.ts';
import { ROLES } from '../core/command.ts';
import { DEFAULT_NOTIFY_SETTINGS, notifySettingsSchema } from '../notify/settings.ts';
import { WeChatTemplatesSchema } from '../notify/channels/wechat-template-data.ts';

/** Source kinds that have an implementation under src/sync/sources/. */
export const SOURCE_KINDS = ['http-json', 'shopify', 'csv-drop', 'sql', 'webhook'] as const;

/** True when node-schedule accepts `spec` (5 or 6 fields; seconds allowed). */
export function isValidCron(spec: string): boolean {
  const job = schedule.scheduleJob(spec, () => undefined);
  if (!job) return false;
  job.cancel();
  return true;
}

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, - and _ only');

/** One configured source. `options` is validated by the source kind's own schema at boot. */
export const sourceSettingsSchema = z.object({
  name,
  kind: z.enum(SOURCE_KINDS),
  enabled: z.boolean().default(true),
  /** Cron spec (node-schedule, seconds allowed). No schedule: only webhooks and `orderops sync`. */
  schedule: z.string().refine(isValidCron, 'not a valid cron expression').optional(),
  /** Cron time zone, e.g. Asia/Shanghai. */
  tz: z.string().optional(),
  /** Source to pull instead when this one stays down. */
  fallback: name.optional(),
  /** Mapping sets (keys of `mappings`) applied in order: the first hit wins. */
  mapping: z.array(z.string()).min(1),
  /** The system name events are recorded under (defaults to the source name). A fallback shares it. */
  system: name.optional(),
  options: z.record(z.string(), z.unknown()).default({}),
});

/** Settings of one source. */
export type SourceSettings = z.infer<typeof sourceSettingsSchema>;

const canonical = z.enum(CANONICAL_STATUSES);

/** The whole settings document (data/settings.json). */
export const settingsSchema = z
  .object({
    version: z.literal(1),
    /** Language of CLI output and staff messages when a person has not chosen one. */
    language: z.enum(SUPPORTED_LANGUAGES).default('zh-CN'),
    sources: z.array(sourceSettingsSchema).default([]),
    /** Raw status → canonical status, per named set. Keys may use * as a wildcard; matching ignores case. */
    mappings: z.record(z.string(), z.record(z.string(), canonical)),
    /** Which systems are authoritative for which stage (payment, fulfilment, delivery, after_sales). */
    authority: z
      .object({
        payment: z.array(z.string()).default([]),
        fulfilment: z.array(z.string()).default([]),
        delivery: z.array(z.string()).default([]),
        after_sales: z.array(z.string()).default([]),
      })
      .default({ payment: [], fulfilment: [], delivery: [], after_sales: [] }),
    sync: z
      .object({
        /** Records per committed batch. */
        batchSize: z.number().int().min(1).max(10_000).default(1000),
        /** Consecutive failed runs after which a source is reported down. */
        sourceDownAfterFailures: z.number().int().min(1).default(1),
        /** Largest webhook body accepted, bytes. */
        webhookMaxBytes: z.number().int().min(1024).default(1_048_576),
      })
      .default({ batchSize: 1000, sourceDownAfterFailures: 1, webhookMaxBytes: 1_048_576 }),
    chat: z
      .object({
        /** Role of a person the settings do not name. */
        defaultRole: z.enum(ROLES).default('viewer'),
        /** People by `platform:userId` (e.g. `slack:U123`, `console:alice`): role, language, display name. */
        users: z
          .record(
            z.string().regex(/^[a-z]+:.+$/, 'keys are platform:userId'),
            z.object({
              role: z.enum(ROLES).optional(),
              language: z.enum(SUPPORTED_LANGUAGES).optional(),
              name: z.string().optional(),
              /** The person's console password (`orderops user set-password <id>`), scrypt; never the password itself. */
              passwordHash: z.string().regex(/^scrypt\$/, 'made by orderops user set-password').optional(),
            }),
          )
          .default({}),
        /** Which channels each kind of card goes to: kind → [`platform:channelId`]. */
        routes: z.record(z.string(), z.array(z.string().regex(/^[a-z]+:.+$/, 'channels are platform:channelId'))).default({}),
        /**
         * Per channel (`platform:channelId`): the language of the cards the bot posts there on its own, and a
         * secondary channel that gets them while this one's platform is down or rate-limited.
         */
        channels: z
          .record(
            z.string().regex(/^[a-z]+:.+$/, 'keys are platform:channelId'),
            z.object({ language: z.enum(SUPPORTED_LANGUAGES).optional(), secondary: z.string().regex(/^[a-z]+:.+$/, 'secondary is platform:channelId').optional() }),
          )
          .default({}),
      })
      .default({ defaultRole: 'viewer', users: {}, routes: {}, channels: {} }),
    /** How long an order may stay in a canonical status before it counts as stuck, in hours. */
    dwellHours: z.partialRecord(z.enum(CANONICAL_STATUSES), z.number().positive()).default({}),
    detect: z
      .object({
        /** Seconds between detector scans. */
        scanEverySeconds: z.number().int().min(1).default(60),
        /** Dwell limits count only business hours when set (weekdays 1=Mon..7=Sun, HH:MM in `tz`). */
        businessHours: z
          .object({ tz: z.string(), days: z.array(z.number().int().min(1).max(7)).min(1), start: z.string().regex(/^\d\d:\d\d$/), end: z.string().regex(/^\d\d:\d\d$/) })
          .nullable()
          .default(null),
        /** Systems may disagree this long (minutes) before it is a mismatch. */
        mismatchGraceMinutes: z.number().min(0).default(30),
        /** Amounts may differ between systems (or from the items' sum) by this much, in percent. */
        priceTolerancePercent: z.number().min(0).default(1),
        /** Raw statuses a WMS uses for "not enough stock". */
        stockRawStatuses: z.array(z.string()).default(['STOCK_SHORT', 'OUT_OF_STOCK', '缺货']),
      })
      .default({ scanEverySeconds: 60, businessHours: null, mismatchGraceMinutes: 30, priceTolerancePercent: 1, stockRawStatuses: ['STOCK_SHORT', 'OUT_OF_STOCK', '缺货'] }),
    /** Alert pipeline timings (Alertmanager semantics) and noise control. */
    alerts: z
      .object({
        groupBy: z.array(z.enum(['kind', 'source', 'shop'])).default(['kind', 'source', 'shop']),
        groupWaitSeconds: z.number().min(0).default(30),
        groupIntervalSeconds: z.number().min(1).default(300),
        repeatIntervalSeconds: z.number().min(1).default(14_400),
        /** Cards per channel per hour before the channel gets digest cards instead. */
        noiseBudgetPerHour: z.number().int().min(1).default(20),
        /** A firing `source` alert suppresses `target` alerts that share the `equal` labels. */
        inhibit: z
          .array(z.object({ source: z.string(), target: z.string(), equal: z.array(z.enum(['kind', 'source', 'shop', 'orderId'])) }))
          .default([{ source: 'source_down', target: 'stale', equal: ['source'] }]),
      })
      .default({ groupBy: ['kind', 'source', 'shop'], groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds: 14_400, noiseBudgetPerHour: 20, inhibit: [{ source: 'source_down', target: 'stale', equal: ['source'] }] }),
    /** Active silences: alerts matching every given label are not posted until `until`. */
    silences: z
      .array(
        z.object({
          id: z.string(),
          matchers: z.object({ kind: z.string().optional(), source: z.string().optional(), shop: z.string().optional(), orderId: z.string().optional() }),
          until: z.string().datetime(),
          createdBy: z.string(),
          comment: z.string().default(''),
        }),
      )
      .default([]),
    /** Human-intervention tasks: who may act on what, four-eyes, SLAs, undo. */
    tasks: z
      .object({
        /** Roles allowed to decide each task kind (admin always may). */
        roles: z.record(z.string(), z.array(z.enum(ROLES))).default({}),
        /** Orders at or above this amount need two different approvers. */
        fourEyesAmount: z.number().min(0).default(5000),
        /** Minutes a task may wait before escalation, per kind (`default` for the rest). */
        slaMinutes: z.record(z.string(), z.number().positive()).default({ default: 60 }),
        /** Minutes an executed decision can be undone. */
        undoMinutes: z.number().min(0).default(10),
        /** Who is on duty to approve (`platform:userId`), notified first on escalation. */
        onDuty: z.array(z.string()).default([]),
        /** Channel escalations go to after the on-duty approver (`platform:channelId`). */
        adminChannel: z.string().optional(),
        executorRetries: z.number().int().min(0).default(3),
      })
      .default({ roles: {}, fourEyesAmount: 5000, slaMinutes: { default: 60 }, undoMinutes: 10, onDuty: [], executorRetries: 3 }),
    /** Customer notifications: channel chain, quiet hours, retries, rate limits. */
    notify: notifySettingsSchema.default(DEFAULT_NOTIFY_SETTINGS),
    /** WeChat template messages: our template → WeChat template id and keyword mapping; the language of the texts. */
    wechat: z
      .object({ templates: WeChatTemplatesSchema.default({}), language: z.enum(SUPPORTED_LANGUAGES).default('zh-CN') })
      .default({ templates: {}, language: 'zh-CN' }),
    /** The local web console. */
    console: z
      .object({
        /**
         * Let whoever opens the console on loopback act as any configured person (the "acting as" switch). On by
         * itself with the demo shop; otherwise each person signs in with their own password.
         */
        actAs: z.boolean().default(false),
      })
      .default({ actAs: false }),
    demo: z
      .object({
        /** auto: run the demo shop when no source is configured. */
        mode: z.enum(['auto', 'on', 'off']).default('auto'),
        /** Simulated minutes of order life per real second. */
        speed: z.number().positive().default(60),
        orders: z.number().int().min(1).max(100_000).default(60),
        /** Seconds between demo syncs. */
        syncEverySeconds: z.number().int().min(1).max(3600).default(10),
      })
      .default({ mode: 'auto', speed: 60, orders: 60, syncEverySeconds: 10 }),
  })
  .superRefine((doc, ctx) => {
    const names = new Set<string>();
    doc.sources.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `duplicate source name "${s.name}"` });
      names.add(s.name);
      s.mapping.forEach((m, j) => {
        if (!(m in doc.mappings)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'mapping', j], message: `no mapping set "${m}"` });
      });
    });
    doc.sources.forEach((s, i) => {
      if (s.fallback !== undefined && !names.has(s.fallback)) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'fallback'], message: `no source "${s.fallback}"` });
      }
      if (s.fallback === s.name) ctx.addIssue({ code: 'custom', path: ['sources', i, 'fallback'], message: 'a source cannot fall back to itself' });
    });
  });

/** The validated settings document. */
export type Settings = z.infer<typeof settingsSchema>;

/** Renders zod issues as `path.to[0].field: message` lines, for people. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
      return `${path || '(document)'}: ${issue.message}`;
    })
    .join('\n');
}
