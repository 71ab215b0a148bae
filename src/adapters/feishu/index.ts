// The Feishu / Lark adapter: the SDK Client (tokens, API), our verified HTTP route or the SDK's long connection
// feeding one EventDispatcher, inline click answers, and the 2.0 card renderer.
import { Client, DefaultCache, EventDispatcher, LoggerLevel } from '@larksuiteoapi/node-sdk';
import type { Card } from '../../core/card.ts';
import type { ChatAdapter, InboundHandler, Outbound, PostedRef } from '../../core/chat.ts';
import { describeError, PermanentError, UserError } from '../../core/errors.ts';
import { DEFAULT_FEISHU_RETRY, FeishuApi } from './api.ts';
import { ClickSessions, type ClickAnswer } from './click.ts';
import { FRESH_COPY_CODES, feishuCodeOf } from './errors.ts';
import { CARD_ACTION_EVENT, MESSAGE_EVENT, toFeishuInbound, unflattenSdkEvent, type FeishuInbound } from './inbound.ts';
import { RecentKeys } from '../../chat/recent-keys.ts';
import { FEISHU_CHAT_LIMITS, FEISHU_CLICK_BUDGET_MS, FEISHU_DEDUPE_TTL_MS, FEISHU_LIMITS, FEISHU_MAX_BODY_BYTES } from './limits.ts';
import { FeishuLongConnection } from './long-connection.ts';
import { FEISHU_API_BASE, type FeishuAdapterOptions, type FeishuMode } from './options.ts';
import { createFeishuHttpInstance } from './http-instance.ts';
import { FeishuHttpReceiver } from './receiver.ts';
import { renderFeishuCard, renderFeishuOutbound } from './render.ts';
import { createFeishuResponder } from './responder.ts';
import { toSdkLogger } from './sdk-logger.ts';

export { feishuOptionsFromEnv, type FeishuAdapterOptions, type FeishuEnvOptions } from './options.ts';
export { renderFeishuCard } from './render.ts';

const CHAT_TYPES_KEPT = 10_000;

/** The Feishu ChatAdapter. */
export class FeishuAdapter implements ChatAdapter {
  readonly platform = 'feishu';
  readonly limits = FEISHU_CHAT_LIMITS;
  /** How events arrive. */
  readonly mode: FeishuMode;
  /** The SDK client every API call goes through. */
  readonly client: Client;
  readonly api: FeishuApi;
  /** The SDK dispatcher both ways in feed. */
  readonly dispatcher: EventDispatcher;
  private handler: InboundHandler | undefined;
  private started = false;
  private readonly receiver: FeishuHttpReceiver | undefined;
  private readonly longConnection: FeishuLongConnection | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private readonly clicks = new ClickSessions();
  private readonly dedupe: RecentKeys;
  // What kind of chat each chat id is (from messages), so a later ephemeral notice knows where it may go.
  private readonly chatTypes = new Map<string, 'p2p' | 'group'>();
  // Events the HTTP route verified and parsed, while the SDK dispatches them.
  private readonly verified = new Map<string, FeishuInbound>();

  constructor(private readonly opts: FeishuAdapterOptions) {
    const domain = (opts.apiBase ?? FEISHU_API_BASE).replace(/\/$/, '');
    this.mode = opts.mode ?? 'http';
    const logger = toSdkLogger(opts.log);
    // Our own token cache: the SDK's default one is shared by every client of the process, keyed by app id.
    const cache = new DefaultCache();
    const httpInstance = createFeishuHttpInstance();
    this.client = new Client({ appId: opts.appId, appSecret: opts.appSecret, domain, cache, logger, loggerLevel: LoggerLevel.warn, httpInstance });
    this.api = new FeishuApi({ client: this.client, cache, appId: opts.appId, clock: opts.clock, log: opts.log, retry: { ...DEFAULT_FEISHU_RETRY, ...opts.retry } });
    this.dedupe = new RecentKeys(opts.clock, FEISHU_DEDUPE_TTL_MS);
    this.dispatcher = new EventDispatcher({ logger, loggerLevel: LoggerLevel.warn }).register({
      [MESSAGE_EVENT]: (data: unknown) => this.onSdkEvent(data),
      [CARD_ACTION_EVENT]: (data: unknown) => this.onSdkEvent(data),
    });
    if (this.mode === 'ws') {
      this.longConnection = new FeishuLongConnection({
        appId: opts.appId,
        appSecret: opts.appSecret,
        domain,
        httpInstance,
        log: opts.log,
        autoReconnect: opts.ws?.autoReconnect ?? true,
        connectTimeoutMs: opts.ws?.connectTimeoutMs ?? 20_000,
      });
      return;
    }
    if (!opts.verificationToken) throw new UserError('feishu.config', 'HTTP mode needs a verification token (FEISHU_VERIFICATION_TOKEN)');
    if (!opts.server) throw new UserError('feishu.config', 'HTTP mode needs the shared HTTP server');
    this.receiver = new FeishuHttpReceiver({
      verificationToken: opts.verificationToken,
      encryptKey: opts.encryptKey,
      clock: opts.clock,
      log: opts.log,
      maxBodyBytes: opts.maxBodyBytes ?? FEISHU_MAX_BODY_BYTES,
      mainCommand: opts.mainCommand ?? 'orderops',
      dispatch: (body, inbound) => this.dispatchVerified(body, inbound),
    });
    opts.server.route('POST', opts.path ?? '/feishu/events', this.receiver.handle);
  }

  /** Checks the app credentials (a tenant_access_token), then accepts deliveries (HTTP) or connects (ws). */
  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    if (this.started) return;
    try {
      await this.client.tokenManager.getTenantAccessToken();
    } catch (err) {
      throw new PermanentError('feishu.auth', `cannot get a tenant_access_token: ${describeError(err)}`);
    }
    if (this.longConnection) await this.longConnection.start(this.dispatcher);
    else this.receiver?.start();
    this.started = true;
    this.opts.log.info({ mode: this.mode }, 'feishu adapter started');
  }

  /** Stops receiving and waits for running handlers. */
  async stop(): Promise<void> {
    this.receiver?.stop();
    this.longConnection?.stop();
    this.started = false;
    await this.idle();
    this.handler = undefined;
  }

  /** Resolves when no inbound handler is running. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Posts to a chat (message.create, receive_id_type=chat_id). */
  async post(channelId: string, content: Outbound): Promise<PostedRef> {
    const r = await this.api.post(channelId, renderFeishuOutbound(content));
    return { platform: this.platform, channelId: r.chatId, messageId: r.messageId };
  }

  /** True while an update of `ref` would travel in the answer to a click on it (no API call, no send quota). */
  answersInline(ref: PostedRef): boolean {
    return this.clicks.isOpen(ref.messageId);
  }

  /**
   * Replaces a posted card: inline in the answer of a click on it that is still being handled, else by PATCH. A
   * card Feishu no longer lets us edit (14 days, recalled, deleted) is posted afresh and its reference returned.
   */
  async update(ref: PostedRef, content: Card): Promise<PostedRef | void> {
    const card = renderFeishuCard(content);
    if (this.clicks.offerCard(ref.messageId, card)) return;
    try {
      await this.api.patch(ref.messageId, card);
    } catch (err) {
      const code = feishuCodeOf(err);
      if (code === undefined || !FRESH_COPY_CODES.has(code)) throw err;
      this.opts.log.info({ messageId: ref.messageId, code }, 'feishu card cannot be edited any more; posting a fresh copy');
      const r = await this.api.post(ref.channelId, card);
      return { platform: this.platform, channelId: r.chatId, messageId: r.messageId };
    }
  }

  // The route already parsed the event: the SDK's handler picks that up by event id instead of parsing again.
  private async dispatchVerified(body: Record<string, unknown>, inbound: FeishuInbound): Promise<unknown> {
    const key = inbound.event.dedupeKey;
    this.verified.set(key, inbound);
    try {
      return await this.dispatcher.invoke(body, { needCheck: false });
    } finally {
      this.verified.delete(key);
    }
  }

  // Both ways in end here, with the SDK's flattened event.
  private async onSdkEvent(data: unknown): Promise<ClickAnswer | undefined> {
    const flat = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    let inbound = typeof flat.event_id === 'string' ? this.verified.get(flat.event_id) : undefined;
    try {
      inbound ??= toFeishuInbound(unflattenSdkEvent(flat), this.opts.mainCommand ?? 'orderops');
    } catch (err) {
      this.opts.log.warn({ err: describeError(err) }, 'feishu event malformed; dropped');
      return undefined;
    }
    return inbound ? this.deliver(inbound) : undefined;
  }

  private async deliver({ event, target }: FeishuInbound): Promise<ClickAnswer | undefined> {
    const { log } = this.opts;
    if (target.chatType) this.rememberChatType(target.chatId, target.chatType);
    if (!this.dedupe.claim(event.dedupeKey)) {
      log.info({ key: event.dedupeKey }, 'feishu delivery already taken; dropped');
      return {};
    }
    const handler = this.handler;
    if (!handler) {
      log.warn({ kind: event.kind }, 'feishu event before start; dropped');
      return undefined;
    }
    const clickTarget = { ...target, chatType: target.chatType ?? this.chatTypes.get(target.chatId) };
    const session = event.kind === 'action' && target.messageId ? this.clicks.begin(target.messageId) : undefined;
    const respond = createFeishuResponder(this.api, clickTarget, log, session);
    const run: Promise<void> = (async () => handler(event, respond))()
      .catch((err: unknown) => log.error({ err: describeError(err), kind: event.kind, key: event.dedupeKey }, 'feishu event handler failed'))
      .finally(() => this.inflight.delete(run));
    this.inflight.add(run);
    if (!session) return undefined;
    // Feishu wants the answer within 3 s: wait for the hub up to the budget (wall clock, like any deadline).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([run, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.clickBudgetMs ?? FEISHU_CLICK_BUDGET_MS)))]);
    clearTimeout(timer);
    return this.clicks.end(session, FEISHU_LIMITS.toastText);
  }

  private rememberChatType(chatId: string, type: 'p2p' | 'group'): void {
    this.chatTypes.delete(chatId);
    this.chatTypes.set(chatId, type);
    if (this.chatTypes.size > CHAT_TYPES_KEPT) {
      const oldest = this.chatTypes.keys().next().value;
      if (oldest !== undefined) this.chatTypes.delete(oldest);
    }
  }
}

/** Creates the Feishu adapter (HTTP route on the shared server, or the long connection when mode is "ws"). */
export function createFeishuAdapter(opts: FeishuAdapterOptions): FeishuAdapter {
  return new FeishuAdapter(opts);
}
