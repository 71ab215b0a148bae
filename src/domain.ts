// The application's domain services assembled once: audit, tasks, detectors, alerts, customer notifications,
// and the services staff commands use. src/main.ts adds the transports (HTTP, chat platforms, demo shop);
// tests build the same domain on a temp store.
import type { BotServices } from '../commands/services.ts';
import { AlertPipeline } from './alerts/pipeline.ts';
import { createAlertService } from './alerts/service.ts';
import { fanOut, perFinding } from './alerts/sinks.ts';
import { AuditLog, type AuditProtection } from './audit/log.ts';
import type { ChatHub } from './chat/hub.ts';
import { createBotServices } from './chat/services.ts';
import type { Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';
import type { CustomerChannel } from './core/notify.ts';
import { formatAddress } from './core/address.ts';
import { DetectRunner } from './detect/runner.ts';
import { acceptAddresses, shippingAddressOf } from './store/order-addresses.ts';
import { createNotifier, type Notifier } from './notify/index.ts';
import { undeliverableFinding } from './notify/undeliverable-finding.ts';
import { PermanentError } from './core/errors.ts';
import { resolveLanguage } from './core/i18n.ts';
import { createConversations, NO_CHAT, type Conversations } from './conversations/index.ts';
import { createTaskWriteback } from './conversations/task-writeback.ts';
import type { ChatWithCustomer } from './conversations/types.ts';
import type { Settings } from './settings/schema.ts';
import type { SettingsStore } from './settings/store.ts';
import type { Store } from './store/index.ts';
import type { SyncEngine } from './sync/engine.ts';
import type { OrderSource } from './sync/sources/types.ts';
import { createHubTaskChat } from './tasks/hub-chat.ts';
import { TaskService } from './tasks/service.ts';
import { createSourceExecutorPorts } from './tasks/source-ports.ts';
import { createStoreTaskOrders } from './tasks/store-orders.ts';

/** What the domain is built from. */
export interface DomainDeps {
  store: Store;
  settings: SettingsStore;
  /** Settings as the engine sees them (the document plus demo sources). */
  effective: () => Settings;
  engine: SyncEngine;
  sources: ReadonlyMap<string, OrderSource>;
  /** Customer channels configured for this process (the console inbox at least). */
  channels: readonly CustomerChannel[];
  clock: Clock;
  log: Logger;
  /** The chat hub, once built (cards are posted through it). */
  hub: () => ChatHub<BotServices>;
  /** Time zone cards show times in. */
  timeZone: string;
  /** Chat with customers (wechaty), when configured; otherwise questions go out as template messages. */
  customerChat?: ChatWithCustomer | undefined;
  /** How the audit chain is protected (ORDEROPS_AUDIT_KEY, the anchor file beside the database). */
  auditProtection?: AuditProtection | undefined;
}

/** The assembled domain. */
export interface Domain {
  audit: AuditLog;
  tasks: TaskService;
  alerts: AlertPipeline;
  detect: DetectRunner;
  notifier: Notifier;
  conversations: Conversations;
  services: BotServices;
  /** Starts the timers: detector scans, alert flushes, task escalation, the notification dispatcher. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds audit, tasks, detectors, alerts and notifications over one store. */
export function createDomain(deps: DomainDeps): Domain {
  const { store, clock, log, effective } = deps;
  const audit = new AuditLog(store.db, clock, deps.auditProtection);
  const sourcePorts = createSourceExecutorPorts({
    sources: deps.sources,
    settings: effective,
    engine: deps.engine,
    clock,
    log,
    acceptAddresses: (orderId, by) => acceptAddresses(store.db, orderId, by, clock.now()),
  });
  // Assigned below; the executors only run after the domain is built.
  let conversations: Conversations | undefined;
  const tasks = new TaskService({
    db: store.db,
    audit,
    settings: effective,
    clock,
    log: log.child({ module: 'tasks' }),
    timeZone: deps.timeZone,
    chat: createHubTaskChat(deps.hub, { language: () => effective().language }),
    orders: createStoreTaskOrders(store, () => effective().authority),
    executors: {
      ...sourcePorts,
      // An undeliverable message's Resend is `/notify resend` of that one message (new idempotency key, audited).
      resendNotification: async (orderId, key, by) => {
        const result = await notifier.desk.resend(orderId, by, { key });
        if (!result.ok) throw new PermanentError(`notify.${result.reason}`, `cannot resend message ${key} of order ${orderId}: ${result.reason}`);
        return { key: result.key };
      },
      // A person handled the problem: the finding resolves, the task's episode ends at once (so a new failure opens a
      // new task), and the alert resolves with the next forward.
      resolveFinding: async (fingerprint) => {
        if (!(await store.findings.resolve(fingerprint, clock.now()))) return;
        await tasks.onFindingResolved(fingerprint);
        forwardRaised();
      },
      // "Ask the customer" choices start a conversation (ask_stock, ask_price, ask_address); other templates as before.
      requestCustomerNotification: async (orderId, template, vars) => {
        // "Contact the customer" about a stock shortage is the wait / switch / cancel question; a price question names the items.
        const [name, values] =
          template === 'stock_delay'
            ? ['ask_stock', { ...vars, item: String(vars.items ?? '') }]
            : template === 'ask_price' && vars.item === undefined
              ? [template, { ...vars, item: itemsText(await store.queries.itemsOf(orderId)) || orderId }]
              : template === 'ask_address' && vars.address === undefined
                ? [template, { ...vars, ...(await addressToAsk(orderId, typeof vars.system === 'string' ? vars.system : undefined)) }]
                : [template, vars];
        return (conversations ? conversations.adaptRequest(sourcePorts.requestCustomerNotification) : sourcePorts.requestCustomerNotification)(orderId, name, values);
      },
    },
  });
  // The full address an address question names (the finding holds masked ones only): the named system's, else the one
  // that counts (most recently changed).
  async function addressToAsk(orderId: string, system: string | undefined): Promise<{ address: string; system: string }> {
    const chosen = await shippingAddressOf(store.db, orderId, effective().authority, system);
    if (!chosen) throw new PermanentError('tasks.no_address', `order ${orderId} has no shipping address to confirm`, { orderId });
    return { address: formatAddress(chosen.address), system: chosen.system };
  }
  const alerts = new AlertPipeline({
    db: store.db,
    settings: effective,
    clock,
    log: log.child({ module: 'alerts' }),
    timeZone: deps.timeZone,
    publisher: { publish: (kind, key, card) => deps.hub().publish(kind, key, card), updateCard: (key, card) => deps.hub().updateCard(key, card) },
  });
  const detect = new DetectRunner({
    store,
    settings: effective,
    clock,
    log: log.child({ module: 'detect' }),
    // Every firing finding goes to the alert pipeline, and to tasks when a person must decide.
    sink: fanOut(alerts, perFinding({ fired: (f) => tasks.onFinding(f), resolved: (fp) => tasks.onFindingResolved(fp) })),
  });
  // Findings raised outside the scans reach the pipeline and tasks now rather than at the next scan.
  const forwardRaised = (): void => void detect.forwardRaised().catch((err: unknown) => log.error({ err: String(err) }, 'forwarding raised findings failed'));
  const notifier = createNotifier({
    db: store.db,
    channels: deps.channels,
    settings: () => effective().notify,
    clock,
    log: log.child({ module: 'notify' }),
    audit: (entry) => audit.append(entry),
    // Every channel failed: a finding (alert + staff task with the reasons), like a failing source's.
    onUndeliverable: async (u) => {
      await store.findings.raise(undeliverableFinding(u, clock.now()), clock.now());
      forwardRaised();
    },
    preview: { wechatTemplates: effective().wechat.templates, wechatLanguage: effective().wechat.language },
  });
  const staffLanguage = (): ReturnType<typeof resolveLanguage> => resolveLanguage(effective().language);
  conversations = createConversations({
    db: store.db,
    clock,
    log,
    notifier,
    chat: deps.customerChat ?? NO_CHAT,
    templateChannel: deps.channels.find((c) => c.name === 'wechat_template'),
    // The customer's answer goes back to the order (a cancel is pushed to every system that takes status writes) and
    // onto the task card that asked; two unclear answers put a handoff with the transcript there. See task-writeback.ts.
    ...createTaskWriteback({
      tasks,
      ports: sourcePorts,
      views: async (orderId) => (await store.queries.order(orderId))?.snapshots.map((v) => ({ system: v.system, status: v.status })) ?? [],
      // Cards of conversations no task started: posted once, updated when a retried write-back changes them.
      postCard: async (key, made) => {
        if ((await store.posted.copies(key)).length > 0) await deps.hub().updateCard(key, made);
        else await deps.hub().publish('tasks', key, made);
      },
      language: staffLanguage,
      timeZone: deps.timeZone,
      log: log.child({ module: 'conversations' }),
    }),
    report: (e) => log.warn({ conversation: e.conversation.id, kind: e.kind }, 'conversation needs attention'),
  });
  const services: BotServices = {
    ...createBotServices({ store, engine: deps.engine, settings: deps.settings, clock }),
    tasks,
    alerts: createAlertService({ pipeline: alerts, settings: deps.settings, clock, timeZone: deps.timeZone }),
    notify: notifier.desk,
  };
  let escalation: NodeJS.Timeout | undefined;
  return {
    audit,
    tasks,
    alerts,
    detect,
    notifier,
    conversations,
    services,
    async start() {
      await tasks.recover();
      alerts.start();
      detect.start();
      notifier.start();
      escalation = setInterval(() => {
        void tasks.tick().catch((err: unknown) => log.error({ err: String(err) }, 'task tick failed'));
        void conversations?.service.tick().catch((err: unknown) => log.error({ err: String(err) }, 'conversation tick failed'));
      }, 60_000);
      escalation.unref();
    },
    async stop() {
      if (escalation) clearInterval(escalation);
      await detect.stop();
      await alerts.stop();
      await notifier.stop();
      await deps.auditProtection?.anchors?.close();
    },
  };
}

/** Items as a customer reads them in a question: "Tea ×2, Cup" (names, else SKUs), at most 60 characters. */
function itemsText(items: readonly { sku: string; name?: string; qty: number }[]): string {
  const text = items.map((i) => `${i.name ?? i.sku}${i.qty > 1 ? ` ×${i.qty}` : ''}`).join(', ');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
