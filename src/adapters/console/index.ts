// The local web console: a chat platform served by our own HTTP server, for trying the bot with no account anywhere.
import type { Card } from '../../core/card.ts';
import type { ChatAdapter, InboundEvent, InboundHandler, Outbound, PostedRef, Responder } from '../../core/chat.ts';
import type { Clock } from '../../core/clock.ts';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { HttpServer } from '../../http/server.ts';
import type { Settings } from '../../settings/schema.ts';
import { ConsoleRoom, type ConsoleInboxItem, type ConsoleMessage, type ConsoleToast } from './api.ts';
import { CONSOLE_DISABLED_MESSAGE, ConsoleGate, type ConsoleAccess } from './auth.ts';
import type { ConsoleUser } from './directory.ts';
import { toConsoleActionEvent, toConsoleEvent } from './inbound.ts';
import { CONSOLE_LIMITS, DEDUPE_MEMORY } from './limits.ts';
import { registerConsoleRoutes } from './routes.ts';
import { SseHub } from './sse.ts';

export { consoleAccessFromEnv, isLoopbackHost, CONSOLE_PASSWORD_ENV, type ConsoleAccess } from './auth.ts';
export { consoleDmChannel, OPS_CHANNEL } from './directory.ts';
export { renderConsoleCard } from './render.ts';
export type { ConsoleInboxItem, ConsoleMessage } from './api.ts';

/** What the console adapter needs. */
export interface ConsoleAdapterOptions {
  /** Our one HTTP server; the console adds its routes (GET / included). */
  server: HttpServer;
  settings: () => Settings;
  clock: Clock;
  log: Logger;
  /** True when the server listens beyond loopback: then every console route needs a sign-in, or answers 403 without `auth`. */
  exposed?: boolean;
  /** The shared sign-in password (ORDEROPS_CONSOLE_PASSWORD) and the admin it signs in as (ORDEROPS_CONSOLE_ADMIN). */
  auth?: { password: string; admin?: string | undefined };
  /**
   * True when whoever opens the console may act as any configured person (loopback only). The composition root says
   * "the demo shop runs, or console.actAs"; left out, it is on for a loopback console (tests, embedding).
   */
  actAs?: () => boolean;
}

/** A customer message for the inbox panel. */
export interface ConsoleInboxInput {
  customer: string;
  /** The customer channel it went out on (wechat, sms, email…). */
  channel: string;
  text: string;
  at: number | Date;
}

/** The console adapter: a ChatAdapter plus the customer inbox panel and page toasts. */
export interface ConsoleAdapter extends ChatAdapter {
  readonly platform: 'console';
  /** open (loopback), login (exposed, password set) or disabled (exposed, no password). */
  readonly access: ConsoleAccess;
  /** The customer inbox panel: what notifications sent to customers. */
  readonly inbox: { push(item: ConsoleInboxInput): ConsoleInboxItem; items(): ConsoleInboxItem[] };
  /** Shows a toast on every open page, or only on `userId`'s. */
  toast(toast: Omit<ConsoleToast, 'id'>, userId?: string): void;
  /** Messages every page shows in a channel (ephemeral ones left out), oldest first. */
  messages(channelId: string): ConsoleMessage[];
  /** Resolves when every handler started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

/** Creates the console adapter and registers its routes on `opts.server`. */
export function createConsoleAdapter(opts: ConsoleAdapterOptions): ConsoleAdapter {
  const log = opts.log.child({ platform: 'console' });
  const sse = new SseHub();
  const room = new ConsoleRoom(sse, opts.clock);
  const gate = new ConsoleGate({ exposed: opts.exposed ?? false, password: opts.auth?.password, admin: opts.auth?.admin, clock: opts.clock, settings: opts.settings, actAs: opts.actAs ?? (() => true) });
  const seen = new Set<string>();
  const inflight = new Set<Promise<void>>();
  let handler: InboundHandler | undefined;

  const refOf = (m: ConsoleMessage): PostedRef => ({ platform: 'console', channelId: m.channelId, messageId: m.id });

  /** Records the id (bounded); false when it was seen before. */
  const firstTime = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > DEDUPE_MEMORY) seen.delete(seen.values().next().value ?? '');
    return true;
  };

  const dispatch = (event: InboundEvent, user: ConsoleUser): void => {
    const run = handler;
    if (!run) return;
    const respond: Responder = {
      reply: async (content: Outbound) => refOf(room.post(event.place.channelId, content)),
      ephemeral: async (content: Outbound) => void room.post(event.place.channelId, content, { kind: 'bot' }, user.id),
    };
    // The POST has been answered (202) by the time this runs: results travel over SSE.
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => run(event, respond))
      .catch((err: unknown) => {
        log.error({ err: describeError(err), kind: event.kind, user: user.id }, 'console event handler failed');
        room.toast({ level: 'error', key: 'toast.handlerFailed' }, user.id);
      });
    inflight.add(job);
    void job.finally(() => inflight.delete(job));
  };

  registerConsoleRoutes(opts.server, {
    gate,
    room,
    sse,
    settings: opts.settings,
    submitCommand(body, user, session) {
      if (!handler) return 'not_started';
      if (!firstTime(`command:${body.id}`)) return 'duplicate';
      const actor = { platform: 'console', userId: user.id, name: user.name };
      room.post(body.channel, body.text, { kind: 'user', userId: user.id, name: user.name });
      dispatch({ ...toConsoleEvent(body, actor), session }, user);
      return 'accepted';
    },
    seenClick: (clickId) => seen.has(`click:${clickId}`),
    submitAction(body, user, session) {
      if (!handler) return 'not_started';
      if (!firstTime(`click:${body.clickId}`)) return 'duplicate';
      dispatch({ ...toConsoleActionEvent(body, { platform: 'console', userId: user.id, name: user.name }), session }, user);
      return 'accepted';
    },
  });


  return {
    platform: 'console',
    limits: CONSOLE_LIMITS,
    get access() {
      return gate.access;
    },
    inbox: {
      push: (item) => room.pushInbox({ customer: item.customer, channel: item.channel, text: item.text, at: typeof item.at === 'number' ? item.at : item.at.getTime() }),
      items: () => room.inboxItems(),
    },
    toast: (toast, userId) => room.toast(toast, userId),
    messages: (channelId) => room.messagesFor(undefined)[channelId] ?? [],
    idle: async () => {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    async start(h: InboundHandler) {
      handler = h;
      sse.reopen();
      // Said when the console is served, not by one-shot CLI commands that never serve it.
      if (gate.access === 'disabled') log.warn(CONSOLE_DISABLED_MESSAGE);
      else log.info({ access: gate.access }, 'web console routes registered');
    },
    async stop() {
      handler = undefined;
      sse.closeAll();
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    async post(channelId: string, content: Outbound) {
      return refOf(room.post(channelId, content));
    },
    async update(ref: PostedRef, content: Card) {
      room.update(ref, content);
    },
  };
}
