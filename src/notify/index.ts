// Customer notifications assembled: outbox, dispatcher, preferences, opt-out, delivery reports, preview and resend.
//
// Wiring: `afterWrite` goes into `BatchInput.afterWrite` (outbox rows in the batch's own transaction; until that hook
// exists `syncListener` is the non-atomic stopgap); `start`/`stop` with the app; `onDeliveryReport` into the WeChat
// callback; `handleCustomerReply` first on every customer reply; `desk` as BotServices.notify; `notificationsFor` on
// the /order card. Exactly once = a unique key per (order, status, template) + the same key on every retry as the
// provider's idempotency key (client_msg_id, SMS Idempotency-Key, Message-ID) + leases for crashed senders.
import type { Clock } from '../core/clock.ts';
import { resolveLanguage, type Language } from '../core/i18n.ts';
import type { Logger } from '../core/logger.ts';
import type { CustomerChannel, CustomerChannelName, Recipient } from '../core/notify.ts';
import type { Db } from '../store/db.ts';
import type { BatchResult, CanonicalChange } from '../store/sync-store.ts';
import type { SyncListener } from '../sync/engine.ts';
import type { WeChatTemplates } from './channels/wechat-template-data.ts';
import { Dispatcher, type DispatchStats } from './dispatcher.ts';
import { previewNotification, type PreviewResult } from './dispatcher-preview.ts';
import type { Undeliverable } from './dispatcher-send.ts';
import { handleCustomerReply, type ReplyOutcome } from './opt-out.ts';
import { enqueueForChanges } from './outbox.ts';
import { applyDeliveryReport, type DeliveryReport, type ReportEffect } from './outbox-reports.ts';
import { resendLatest, type ResendResult, type ResendTarget } from './outbox-resend.ts';
import { notificationsFor, type NotificationView } from './outbox-timeline.ts';
import { PrefsRepo } from './prefs.ts';
import type { NotifySettings } from './settings.ts';

export type { DispatchStats } from './dispatcher.ts';
export type { ChannelPreview, NotifyPreview, PreviewResult } from './dispatcher-preview.ts';
export type { Undeliverable, UndeliverableReason } from './dispatcher-send.ts';
export type { ReplyOutcome } from './opt-out.ts';
export type { DeliveryReport, ReportEffect } from './outbox-reports.ts';
export type { ResendResult, ResendTarget } from './outbox-resend.ts';
export type { NotificationView } from './outbox-timeline.ts';
export { DEFAULT_NOTIFY_SETTINGS, notifySettingsSchema, parseNotifySettings, type NotifySettings } from './settings.ts';

/** An audit entry (the shape of the audit log's `AuditEntry`). */
export interface NotifyAuditEntry {
  actor: string | null;
  type: string;
  subject: string;
  action: string;
  data?: Record<string, unknown> | undefined;
}

/** Who asked for a resend. */
export interface NotifyActor {
  /** `platform:userId`. */
  key: string;
  name?: string | undefined;
}

/** What `createNotifier` needs; the ports are optional so the notifier runs before the tasks and audit work is wired. */
export interface NotifierOptions {
  db: Db;
  /** The configured channels (each at most once). */
  channels: readonly CustomerChannel[];
  settings: NotifySettings | (() => NotifySettings);
  clock: Clock;
  log: Logger;
  /** Lease owner name of this process's dispatcher. */
  owner?: string;
  random?: () => number;
  /** Every channel failed for a message: open a staff task (the key identifies the message; a repeat call is the same task). */
  onUndeliverable?: (u: Undeliverable) => void | Promise<void>;
  /** Records a staff action (resend) in the audit log. */
  audit?: (entry: NotifyAuditEntry) => unknown;
  /** What the preview needs to show the channels' exact output. */
  preview?: { wechatTemplates?: WeChatTemplates; wechatTimeZone?: string; wechatLanguage?: Language; smsSender?: string };
}

/** What `/notify` needs (the lead adds `notify: NotifyDesk` to BotServices). */
export interface NotifyDesk {
  now(): number;
  preview(orderId: string, status: string, language?: Language): Promise<PreviewResult>;
  /** The order's latest status message again under a new idempotency key, or with `target.key` that one message (audited). */
  resend(orderId: string, actor: NotifyActor, target?: ResendTarget): Promise<ResendResult>;
  /** Every notification of an order (for the /order timeline). */
  notificationsFor(orderId: string): Promise<NotificationView[]>;
}

/** Services the `/notify` command needs. */
export interface NotifyBotServices {
  notify: NotifyDesk;
}

/** The assembled notifier. */
export interface Notifier {
  readonly dispatcher: Dispatcher;
  readonly prefs: PrefsRepo;
  /** The staff command's view. */
  readonly desk: NotifyDesk;
  /** For `BatchInput.afterWrite`: writes the batch's outbox rows inside its transaction, then wakes the dispatcher. */
  afterWrite(result: BatchResult): Promise<void>;
  /** Writes outbox rows for changes (call inside the transaction that commits them). */
  enqueue(changes: readonly CanonicalChange[]): Promise<number>;
  /** Stopgap until `afterWrite` exists: enqueues after the batch commits, in its own transaction (a crash in between loses those messages). */
  readonly syncListener: SyncListener;
  start(): void;
  stop(): Promise<void>;
  /** Sends everything due now, then returns (tests, CLI). */
  drain(): Promise<DispatchStats>;
  /** Opt-out / opt-in keywords; `{ handled: false }` for anything else (the conversation work takes it). */
  handleCustomerReply(customerId: string, text: string): Promise<ReplyOutcome>;
  /** For the WeChat callback's `onDeliveryReport` (plugs in as is; a rejection makes WeChat redeliver). */
  onDeliveryReport(report: DeliveryReport): Promise<void>;
  /** Applies a delivery report and says what it did. */
  applyDeliveryReport(report: DeliveryReport): Promise<ReportEffect>;
  /** For the `/order` timeline. */
  notificationsFor(orderId: string): Promise<NotificationView[]>;
}

/** Assembles the notifier from the store's connection, the configured channels and the settings. */
export function createNotifier(opts: NotifierOptions): Notifier {
  const given = opts.settings;
  const settings = typeof given === 'function' ? given : (): NotifySettings => given;
  const { db, clock, log } = opts;
  const prefs = new PrefsRepo(db, settings);
  const dispatcher = new Dispatcher({
    db,
    channels: opts.channels,
    prefs,
    settings,
    clock,
    log,
    ...(opts.owner ? { owner: opts.owner } : {}),
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.onUndeliverable ? { onUndeliverable: opts.onUndeliverable } : {}),
  });
  const reach = new Map<CustomerChannelName, (r: Recipient) => boolean>(opts.channels.map((c) => [c.name, (r: Recipient) => c.canReach(r)]));
  const enqueue = async (changes: readonly CanonicalChange[]): Promise<number> => {
    const s = settings();
    const n = await enqueueForChanges(db, changes, clock.now(), { urgentTemplates: s.urgentTemplates, maxAgeMs: s.maxAgeMinutes * 60_000 });
    if (n > 0) dispatcher.wake();
    return n;
  };
  const applyReport = async (report: DeliveryReport): Promise<ReportEffect> => {
    let effect = await applyDeliveryReport({ db, prefs, now: clock.now() }, report);
    if (effect === 'unknown') {
      // The report can overtake our own write of the provider id: wait for pending writes and look again.
      await dispatcher.flush();
      effect = await applyDeliveryReport({ db, prefs, now: clock.now() }, report);
    }
    if (effect === 'rerouted') dispatcher.wake();
    if (effect === 'unknown') log.info({ msgId: report.msgId }, 'delivery report for a message we did not send');
    return effect;
  };
  const desk: NotifyDesk = {
    now: () => clock.now(),
    notificationsFor: (orderId) => notificationsFor(db, orderId),
    preview: (orderId, status, language) =>
      previewNotification({ db, prefs, settings: settings(), now: clock.now(), reach, ...opts.preview }, orderId, status, language ? resolveLanguage(language) : undefined),
    async resend(orderId, actor, target) {
      const result = await resendLatest({ db, prefs, settings: settings(), now: clock.now() }, orderId, target);
      if (result.ok) {
        await opts.audit?.({ actor: actor.key, type: 'notify', subject: `order:${orderId}`, action: 'resend', data: { key: result.key, status: result.status, template: result.template, customerId: result.customerId, name: actor.name ?? null } });
        log.info({ orderId, key: result.key, actor: actor.key }, 'notification resend queued');
        dispatcher.wake();
      }
      return result;
    },
  };
  return {
    dispatcher,
    prefs,
    desk,
    afterWrite: async (result) => void (await enqueue(result.canonicalChanges)),
    enqueue,
    // One INSERT … SELECT: atomic on its own, no explicit transaction needed.
    syncListener: { onBatch: async (batch) => void (await enqueue(batch.canonicalChanges)) },
    start: () => dispatcher.start(),
    stop: () => dispatcher.stop(),
    drain: () => dispatcher.drain(),
    handleCustomerReply: (customerId, text) => handleCustomerReply({ db, prefs, now: () => clock.now() }, customerId, text),
    onDeliveryReport: async (report) => void (await applyReport(report)),
    applyDeliveryReport: applyReport,
    notificationsFor: (orderId) => notificationsFor(db, orderId),
  };
}
