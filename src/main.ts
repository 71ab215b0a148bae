// Composition root: the only module that knows every other one.
import { join } from 'node:path';
import { AUDIT_KEY_ENV, VERSION, type AppOptions } from './app-options.ts';
import { ACTIONS, COMMANDS } from '../commands/index.ts';
import type { BotServices } from '../commands/services.ts';
import { anchorFileOf, AuditAnchors } from './audit/anchors.ts';
import { clickEntry, commandEntry } from './audit/entries.ts';
import { createDomain, type Domain } from './domain.ts';
import { registerWeChatCallback } from './http/wechat-callback.ts';
import { createCustomerChannels } from './notify/channels/from-env.ts';
import type { WechatyBot } from './notify/channels/wechaty-bot.ts';
import { wechatyOptionsFromEnv } from './notify/channels/wechaty-options.ts';
import { createWechatyChat, routeWechatyReplies } from './conversations/wechaty-chat.ts';
import { wechatyStaffOptionsFromEnv } from './adapters/wechaty/options.ts';
import { createWechatStaffFilter } from './adapters/wechaty/staff.ts';
import { displayTimeZone } from '../commands/shared.ts';
import { describeError, OrderOpsError } from './core/errors.ts';
import type { SyncListener } from './sync/engine.ts';
import type { BatchResult } from './store/sync-store.ts';
import { consoleAccessFromEnv, createConsoleAdapter, type ConsoleAdapter } from './adapters/console/index.ts';
// Only what reads the environment is imported up front: a platform's SDK loads when its credentials are set
// (wechaty alone takes most of a second), so `orderops --help` and a shop on one platform never pay for the others.
import { slackOptionsFromEnv } from './adapters/slack/options.ts';
import { feishuOptionsFromEnv } from './adapters/feishu/options.ts';
import { wecomOptionsFromEnv } from './adapters/wecom/options.ts';
import { ChatHub } from './chat/hub.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { createLogger, type Logger } from './core/logger.ts';
import { startDemoShop, type DemoShop } from './demo/index.ts';
import { registerHealthRoutes } from './http/health.ts';
import { HttpServer } from './http/server.ts';
import { registerOrderWebhook } from './http/webhook-route.ts';
import type { Settings, SourceSettings } from './settings/schema.ts';
import { SettingsStore } from './settings/store.ts';
import { Store } from './store/index.ts';
import { SyncEngine } from './sync/engine.ts';
import { SyncMetrics } from './sync/metrics.ts';
import { SyncScheduler } from './sync/scheduler.ts';
import { createSource } from './sync/sources/index.ts';
import type { OrderSource } from './sync/sources/types.ts';
import type { WebhookSource } from './sync/sources/webhook.ts';

export { AUDIT_KEY_ENV, optionsFromEnv, VERSION, type AppOptions } from './app-options.ts';

/** Everything a running orderops holds. */
export interface App {
  readonly settings: SettingsStore;
  readonly store: Store;
  readonly engine: SyncEngine;
  readonly scheduler: SyncScheduler;
  readonly metrics: SyncMetrics;
  readonly http: HttpServer;
  readonly log: Logger;
  readonly hub: ChatHub<BotServices>;
  readonly console: ConsoleAdapter;
  readonly domain: Domain;
  readonly demo: DemoShop | undefined;
  /** The shop's WeChat account through wechaty, when WECHATY_PUPPET is set. */
  readonly wechaty: WechatyBot | undefined;
  /** A second WeChat account for staff only (WECHATY_STAFF_PUPPET), when set. */
  readonly wechatyStaff: WechatyBot | undefined;
  /** Settings as the engine sees them (the file plus the demo's sources when the demo runs). */
  effectiveSettings(): Settings;
  /** Starts the schedules and the HTTP server; resolves with the server's URL. */
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

function wantsDemo(settings: Settings, override: AppOptions['demo']): boolean {
  const mode = override ?? settings.demo.mode;
  return mode === 'on' || (mode === 'auto' && settings.sources.length === 0);
}

/** Builds the app: settings, store (migrated), sources, engine, scheduler, HTTP routes; starts the demo shop when needed. */
export async function createApp(opts: AppOptions): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(opts.env.LOG_LEVEL);
  // Read first: a bad WECHATY_PUPPET fails before anything is opened.
  const wechatyOptions = wechatyOptionsFromEnv(opts.env, opts.dataDir);
  const wechatyStaffOptions = wechatyStaffOptionsFromEnv(opts.env, opts.dataDir);
  // Each chat platform switches on when its credentials are in the environment; a partial set fails here, first.
  const slack = slackOptionsFromEnv(opts.env);
  const feishu = feishuOptionsFromEnv(opts.env);
  const wecom = wecomOptionsFromEnv(opts.env);
  const settings = await SettingsStore.open(opts.dataDir);
  const store = await Store.open(join(opts.dataDir, 'orderops.db'));
  const auditKey = opts.env[AUDIT_KEY_ENV]?.trim() || undefined;
  await store.runs.markInterrupted(clock.now());

  let demo: DemoShop | undefined;
  let demoSources: SourceSettings[] = [];
  let env = opts.env;
  const initial = settings.get();
  if (wantsDemo(initial, opts.demo)) {
    demo = await startDemoShop({ clock, seed: opts.demoSeed ?? 42, orders: initial.demo.orders, speed: initial.demo.speed, syncEverySeconds: initial.demo.syncEverySeconds });
    demoSources = demo.sources;
    env = { ...opts.env, ...demo.env };
  }
  const effectiveSettings = (): Settings => {
    const s = settings.get();
    return demoSources.length === 0 ? s : { ...s, sources: [...demoSources, ...s.sources.filter((x) => !demoSources.some((d) => d.name === x.name))] };
  };

  const sources = new Map<string, OrderSource>();
  for (const cfg of effectiveSettings().sources) {
    if (!cfg.enabled) continue;
    sources.set(cfg.name, createSource(cfg, { env, dataDir: opts.dataDir, clock, log: log.child({ source: cfg.name }) }));
  }

  const metrics = new SyncMetrics({ defaultMetrics: true });
  const listeners: SyncListener[] = [];
  // The outbox rows of a batch are written inside that batch's transaction (the notifier is built below).
  let outbox: ((result: BatchResult) => Promise<void>) | undefined;
  const engine = new SyncEngine({ store, settings: effectiveSettings, sources, clock, log, metrics, listeners, afterWrite: (result) => outbox?.(result) ?? Promise.resolve() });
  const scheduler = new SyncScheduler(engine, log);
  const http = new HttpServer(log);
  registerHealthRoutes(http, { store, metrics, version: VERSION, sources: () => engine.sourceNames(), platforms: () => hubRef?.platforms() ?? [], auditKeyed: Boolean(auditKey) });
  registerOrderWebhook(http, {
    engine,
    log,
    clock,
    maxBytes: () => settings.get().sync.webhookMaxBytes,
    source: (name) => {
      const s = sources.get(name);
      return s?.kind === 'webhook' ? (s as WebhookSource) : undefined;
    },
  });

  const consoleAccess = consoleAccessFromEnv(opts.env, opts.host);
  // Acting as anyone only on loopback with the demo shop, or where the settings say it is one person's machine.
  const actAs = (): boolean => !consoleAccess.exposed && (demo !== undefined || settings.get().console.actAs);
  const consoleAdapter = createConsoleAdapter({ server: http, settings: effectiveSettings, clock, log, ...consoleAccess, actAs });
  // The shop's WeChat account (WECHATY_PUPPET…): the customers' chat in conversations and the wechaty notification channel.
  const wechatyLog = log.child({ platform: 'wechaty' });
  const createWechatyBot = wechatyOptions || wechatyStaffOptions ? (await import('./notify/channels/wechaty-bot.ts')).createWechatyBot : undefined;
  const wechaty = wechatyOptions && createWechatyBot ? createWechatyBot(wechatyOptions, wechatyLog) : undefined;
  // Staff on WeChat: their own bot (WECHATY_STAFF_PUPPET…), or the shop's, where staff contacts and rooms are theirs.
  const wechatyStaff = wechatyStaffOptions && createWechatyBot ? createWechatyBot(wechatyStaffOptions, log.child({ platform: 'wechat-staff' })) : undefined;
  const staffBot = wechatyStaff?.bot ?? wechaty?.bot;
  const channels = createCustomerChannels({ env: opts.env, settings: effectiveSettings, clock, log, inbox: consoleAdapter.inbox, store, wechaty: wechaty?.bot });
  let hubRef: ChatHub<BotServices> | undefined;
  const domain = createDomain({
    store,
    settings,
    effective: effectiveSettings,
    engine,
    sources,
    channels: channels.list,
    clock,
    log,
    timeZone: displayTimeZone(),
    customerChat: wechaty ? createWechatyChat(wechaty.bot, wechatyLog) : undefined,
    auditProtection: { key: auditKey, anchors: new AuditAnchors(store.db, anchorFileOf(store.db.file), clock, auditKey, undefined, log) },
    hub: () => {
      if (!hubRef) throw new OrderOpsError('chat.not_ready', 'the chat hub is not built yet');
      return hubRef;
    },
  });
  listeners.push(domain.detect);
  // Listening before the bot starts, so no reply that arrives right after login is missed.
  // On a shared bot the staff adapter takes staff texts; everything else stays the customers' conversation.
  const stopReplies = wechaty ? routeWechatyReplies(wechaty.bot, domain.conversations.service, wechatyLog, undefined, wechatyStaff ? undefined : createWechatStaffFilter(effectiveSettings)) : undefined;
  outbox = (result) => domain.notifier.afterWrite(result);
  const hub = new ChatHub<BotServices>({
    settings: effectiveSettings,
    posted: store.posted,
    pending: store.pendingCards,
    commands: COMMANDS,
    actions: ACTIONS,
    services: domain.services,
    clock,
    log,
    audit: (event) => domain.audit.append(event.kind === 'command' ? commandEntry(event, clock.now()) : clickEntry(event, clock.now())),
  });
  hubRef = hub;
  hub.register(consoleAdapter);
  if (staffBot) {
    const { createWechatyStaffAdapter } = await import('./adapters/wechaty/index.ts');
    hub.register(createWechatyStaffAdapter({ bot: staffBot, settings: effectiveSettings, state: store.adapterState, clock, log: log.child({ platform: 'wechat' }) }));
  }
  if (slack) hub.register((await import('./adapters/slack/index.ts')).createSlackAdapter({ ...slack, server: http, clock, log: log.child({ platform: 'slack' }) }));
  if (feishu) hub.register((await import('./adapters/feishu/index.ts')).createFeishuAdapter({ ...feishu, server: http, clock, log: log.child({ platform: 'feishu' }) }));
  if (wecom) hub.register((await import('./adapters/wecom/index.ts')).createWeComAdapter({ ...wecom, server: http, state: store.adapterState, clock, log: log.child({ platform: 'wecom' }) }));
  const wechatToken = opts.env.WECHAT_TOKEN;
  if (wechatToken) registerWeChatCallback(http, { token: wechatToken, onDeliveryReport: (r) => domain.notifier.onDeliveryReport(r), log, clock, replay: store.adapterState });

  let pruner: NodeJS.Timeout | undefined;
  return {
    settings,
    store,
    engine,
    scheduler,
    metrics,
    http,
    log,
    hub,
    console: consoleAdapter,
    domain,
    demo,
    wechaty,
    wechatyStaff,
    effectiveSettings,
    async start() {
      if (!auditKey) log.warn(`the audit log is unkeyed: set ${AUDIT_KEY_ENV} so that nobody without the key can re-hash it`);
      await hub.start();
      // Expired adapter state (spent WeCom codes, old reply codes, used WeChat nonces) is dropped hourly.
      pruner = setInterval(() => void store.adapterState.prune(clock.now()).catch((err: unknown) => log.error({ err: describeError(err) }, 'pruning adapter state failed')), 3_600_000);
      pruner.unref();
      const addr = await http.listen(opts.port, opts.host);
      await domain.start();
      await wechaty?.start();
      await wechatyStaff?.start();
      scheduler.apply(effectiveSettings().sources);
      const host = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
      return { url: `http://${host}:${addr.port}` };
    },
    async stop() {
      clearInterval(pruner);
      scheduler.stop();
      await engine.stop();
      stopReplies?.();
      await wechaty?.stop();
      await wechatyStaff?.stop();
      await domain.stop();
      // Adapters first: the console's open event streams would otherwise keep the server from closing.
      await hub.stop();
      await http.close();
      for (const s of sources.values()) await s.close?.();
      await demo?.stop();
      channels.close();
      await store.close();
    },
  };
}
