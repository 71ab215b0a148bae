// Shared setup of the outbox and dispatcher tests: a real SQLite store, the real WeChat template, SMS and console
// channels against the local fakes, a ManualClock, and orders committed through the real Store.applyBatch.
import type { TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { CustomerInfo, NormalizedRecord } from '../../src/core/order.ts';
import type { CustomerChannel } from '../../src/core/notify.ts';
import type { CanonicalStatus } from '../../src/core/status.ts';
import { createConsoleInboxChannel, type ConsoleInboxEntry } from '../../src/notify/channels/console.ts';
import { createSmsChannel } from '../../src/notify/channels/sms.ts';
import type { WeChatTemplates } from '../../src/notify/channels/wechat-template-data.ts';
import { createWeChatTemplateChannel, type WeChatAlert } from '../../src/notify/channels/wechat-template.ts';
import { createNotifier, type Notifier, type NotifierOptions, type Undeliverable } from '../../src/notify/index.ts';
import { enqueueForChanges } from '../../src/notify/outbox.ts';
import { DEFAULT_NOTIFY_SETTINGS, type NotifySettings } from '../../src/notify/settings.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import type { BatchResult, Store } from '../../src/store/index.ts';
import { startFakeSmsGateway, type FakeSmsGateway } from '../fakes/sms-gateway.ts';
import { startFakeWeChatApi, type FakeWeChatApi } from '../fakes/wechat-api.ts';
import { tempStore } from '../helpers/temp.ts';

export const APP_ID = 'wx-notify-test-app';
export const APP_SECRET = 'notify-test-secret-0123456789';
export const SMS_KEY = 'sms-key-notify-0123456789';

/** One WeChat template carries every status: order id, detail, status, time. */
export const FAKE_TEMPLATE = { id: 'TPL_ORDER', fields: { character_string1: 'character_string', thing2: 'thing', thing3: 'thing', time4: 'time' } } as const;
const FIELDS = {
  character_string1: { from: 'orderId', type: 'character_string' },
  thing2: { from: 'detail', type: 'thing' },
  thing3: { from: 'status', type: 'thing' },
  time4: { from: 'sentAt', type: 'time' },
} as const;
/** Our templates → the fake's one template. */
export const WECHAT_TEMPLATES: WeChatTemplates = Object.fromEntries(
  ['paid', 'allocated', 'shipped', 'in_transit', 'out_for_delivery', 'delivered', 'completed', 'cancelled', 'refund_requested', 'refunded', 'returned', 'exception'].map((s) => [s, { templateId: FAKE_TEMPLATE.id, fields: { ...FIELDS } }]),
);

/** Customers of the tests. */
export const CUSTOMERS = {
  li: { id: 'C-LI', name: '李娜', phone: '+8613812345678', openid: 'oLiNa0000000000000000000000A', language: 'zh-CN', timeZone: 'Asia/Shanghai', preferredChannel: 'wechat' },
  ann: { id: 'C-ANN', name: 'Ann Smith', phone: '+12125550123', email: 'ann@example.com', language: 'en', timeZone: 'America/New_York', preferredChannel: 'sms' },
  lucia: { id: 'C-LUCIA', name: 'Lucía García', phone: '+34600111222', openid: 'oLucia00000000000000000000ES', language: 'es', timeZone: 'Europe/Madrid', preferredChannel: 'wechat' },
} satisfies Record<string, CustomerInfo & { id: string }>;

/** Test settings: no rate limits, quiet hours 21:00–08:00, short backoff, 3 tries per channel. */
export function testSettings(over: Partial<NotifySettings> = {}): NotifySettings {
  return { ...DEFAULT_NOTIFY_SETTINGS, rateLimits: {}, maxAttemptsPerChannel: 3, backoff: { baseMs: 1_000, maxMs: 60_000 }, leaseSeconds: 60, ...over };
}

/** Everything a notify test uses. */
export interface NotifyWorld {
  store: Store;
  /** The temp directory holding the database file `test.db`. */
  dir: string;
  clock: ManualClock;
  wechat: FakeWeChatApi;
  sms: FakeSmsGateway;
  inbox: ConsoleInboxEntry[];
  alerts: WeChatAlert[];
  undeliverable: Undeliverable[];
  channels: CustomerChannel[];
  notifier: Notifier;
  settings: NotifySettings;
  /** Commits records like a sync batch and enqueues in the same transaction (what the afterWrite hook will do). */
  commit(rows: { orderId: string; status: CanonicalStatus; customer?: CustomerInfo | undefined; minutesAgo?: number; amount?: number; currency?: string }[]): Promise<BatchResult>;
  /** Another notifier (another dispatcher) over the same store and channels. */
  another(over?: Partial<NotifierOptions>): Notifier;
}

let runSeq = 0;

/** Builds the world; `start` is the ManualClock's start (default 2026-06-01 12:30 UTC: daytime in Shanghai, Madrid and New York). */
export async function notifyWorld(t: TestContext, opts: { start?: number; settings?: Partial<NotifySettings>; channels?: ('wechat_template' | 'sms' | 'console')[] } = {}): Promise<NotifyWorld> {
  const { store, dir } = await tempStore(t);
  const clock = new ManualClock(opts.start ?? Date.UTC(2026, 5, 1, 12, 30));
  const wechat = await startFakeWeChatApi({ appId: APP_ID, appSecret: APP_SECRET, templates: [{ id: FAKE_TEMPLATE.id, fields: { ...FAKE_TEMPLATE.fields } }], now: () => clock.now() });
  const sms = await startFakeSmsGateway(SMS_KEY);
  t.after(() => Promise.all([wechat.close(), sms.close()]));
  const log = createSilentLogger();
  const inbox: ConsoleInboxEntry[] = [];
  const alerts: WeChatAlert[] = [];
  const undeliverable: Undeliverable[] = [];
  const all: Record<'wechat_template' | 'sms' | 'console', CustomerChannel> = {
    wechat_template: createWeChatTemplateChannel({ appId: APP_ID, appSecret: APP_SECRET, apiBase: wechat.url, templates: WECHAT_TEMPLATES, clock, log, onAlert: (a) => alerts.push(a) }),
    sms: createSmsChannel({ baseUrl: sms.url, apiKey: SMS_KEY, sender: 'Bear Goods', clock, log }),
    console: createConsoleInboxChannel({ push: (e) => inbox.push(e), clock }),
  };
  const channels = (opts.channels ?? ['wechat_template', 'sms']).map((n) => all[n]);
  const settings = testSettings(opts.settings);
  let seq = 0;
  const make = (over: Partial<NotifierOptions> = {}): Notifier =>
    createNotifier({
      db: store.db,
      channels,
      settings,
      clock,
      log,
      owner: `test-${++seq}`,
      random: () => 0.5,
      onUndeliverable: (u) => void undeliverable.push(u),
      preview: { wechatTemplates: WECHAT_TEMPLATES, smsSender: 'Bear Goods' },
      ...over,
    });
  const notifier = make();
  const authority = readDefaultSettings().authority;
  const commit: NotifyWorld['commit'] = async (rows) => {
    const now = clock.now();
    const records: NormalizedRecord[] = rows.map((r) => ({
      orderId: r.orderId,
      system: 'oms',
      status: r.status,
      rawStatus: r.status,
      updatedAt: now - (r.minutesAgo ?? 0) * 60_000,
      amount: r.amount,
      currency: r.currency,
      customer: r.customer,
    }));
    return store.db.transaction(async () => {
      const result = await store.applyBatch({ runId: ++runSeq, source: 'oms', system: 'oms', now, authority, records });
      await enqueueForChanges(store.db, result.canonicalChanges, now, { urgentTemplates: settings.urgentTemplates, maxAgeMs: settings.maxAgeMinutes * 60_000 });
      return result;
    });
  };
  return { store, dir, clock, wechat, sms, inbox, alerts, undeliverable, channels, notifier, settings, commit, another: make };
}

/** The outbox rows, by key. */
export async function outboxRows(store: Store): Promise<{ key: string; state: string; channel: string | null; attempts: number; next_at: number; last_error: string | null; provider_id: string | null; customer_id: string }[]> {
  return store.db.all('SELECT key, state, channel, attempts, next_at, last_error, provider_id, customer_id FROM notify_outbox ORDER BY id');
}

/** How many times the fake WeChat API delivered each client_msg_id. */
export function wechatCounts(fake: FakeWeChatApi): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of fake.delivered) if (d.clientMsgId) m.set(d.clientMsgId, (m.get(d.clientMsgId) ?? 0) + 1);
  return m;
}
