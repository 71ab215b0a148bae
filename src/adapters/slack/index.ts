// The Slack adapter: Bolt with our HTTP receiver (or Socket Mode), the Web API wrapper and the renderer.
import { App, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { Card } from '../../core/card.ts';
import type { ChatAdapter, InboundHandler, Outbound, PostedRef } from '../../core/chat.ts';
import { UserError } from '../../core/errors.ts';
import { DEFAULT_SLACK_RETRY, SlackApi } from './api.ts';
import { toBoltLogger } from './bolt-logger.ts';
import { mapSlackError } from './errors.ts';
import { RecentKeys } from '../../chat/recent-keys.ts';
import { SLACK_CHAT_LIMITS, SLACK_DEDUPE_TTL_MS, SLACK_MAX_BODY_BYTES } from './limits.ts';
import { registerSlackListeners } from './listeners.ts';
import { SLACK_API_URL, type SlackAdapterOptions } from './options.ts';
import { SlackHttpReceiver } from './receiver.ts';
import { renderSlackCard, renderSlackOutbound } from './render.ts';
import { PacedStarter } from './work-queue.ts';

export { slackOptionsFromEnv, type SlackAdapterOptions, type SlackEnvOptions } from './options.ts';
export { renderSlackCard } from './render.ts';

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

// Wall-clock bound on shutdown (like the ack deadline, not the injected clock).
async function disconnectWithin(receiver: SocketModeReceiver, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([receiver.client.disconnect(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** The Slack ChatAdapter. */
export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack';
  readonly limits = SLACK_CHAT_LIMITS;
  /** How events arrive. */
  readonly mode: 'http' | 'socket';
  /** The Bolt app (its `client` is the WebClient every call goes through). */
  readonly app: App;
  readonly api: SlackApi;
  private handler: InboundHandler | undefined;
  private started = false;
  private readonly socketReceiver: SocketModeReceiver | undefined;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly opts: SlackAdapterOptions) {
    const apiUrl = withSlash(opts.apiUrl ?? SLACK_API_URL);
    const logger = toBoltLogger(opts.log);
    this.mode = opts.appToken ? 'socket' : 'http';
    let receiver: Receiver;
    // One pacer for Bolt's processing and our handlers: both start only after the acks already pending.
    const starter = new PacedStarter();
    if (opts.appToken) {
      receiver = this.socketReceiver = new SocketModeReceiver({
        appToken: opts.appToken,
        logger,
        autoReconnectEnabled: opts.socket?.autoReconnect ?? true,
        ...(opts.socket?.clientPingTimeoutMs ? { clientPingTimeout: opts.socket.clientPingTimeoutMs } : {}),
        ...(opts.socket?.serverPingTimeoutMs ? { serverPingTimeout: opts.socket.serverPingTimeoutMs } : {}),
        installerOptions: { clientOptions: { slackApiUrl: apiUrl, timeout: 10_000 } },
      });
    } else {
      if (!opts.signingSecret) throw new UserError('slack.config', 'HTTP mode needs a signing secret (SLACK_SIGNING_SECRET)');
      if (!opts.server) throw new UserError('slack.config', 'HTTP mode needs the shared HTTP server');
      const http = new SlackHttpReceiver({
        signingSecret: opts.signingSecret,
        clock: opts.clock,
        log: opts.log,
        maxBodyBytes: opts.maxBodyBytes ?? SLACK_MAX_BODY_BYTES,
        mainCommand: opts.mainCommand ?? 'orderops',
        starter,
        inflight: this.inflight,
      });
      opts.server.route('POST', opts.path ?? '/slack/events', http.handle);
      receiver = http;
    }
    this.app = new App({
      token: opts.botToken,
      receiver,
      logger,
      // Our withRetry owns retries (bounded, injected clock): WebClient must not hide 429s or retry on its own.
      clientOptions: { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 10_000 },
      // auth.test runs in start(), not in the constructor, so building the adapter never touches the network.
      deferInitialization: true,
      convoStore: false,
      // Our inbound parser already drops bot and edited messages; one middleware less per request.
      ignoreSelf: false,
    });
    const apiOrigin = new URL(apiUrl).origin;
    this.api = new SlackApi({
      client: this.app.client,
      clock: opts.clock,
      log: opts.log,
      retry: { ...DEFAULT_SLACK_RETRY, ...opts.retry },
      fetch: opts.fetch ?? globalThis.fetch,
      responseUrlOrigins: opts.responseUrlOrigins ?? ['https://hooks.slack.com', ...(apiOrigin === 'https://slack.com' ? [] : [apiOrigin])],
    });
    registerSlackListeners(this.app, {
      api: this.api,
      dedupe: new RecentKeys(opts.clock, SLACK_DEDUPE_TTL_MS),
      log: opts.log,
      mainCommand: opts.mainCommand ?? 'orderops',
      handler: () => this.handler,
      inflight: this.inflight,
      starter,
    });
  }

  /** Checks the token (auth.test), then accepts deliveries (HTTP) or connects (Socket Mode). */
  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    if (this.started) return;
    try {
      await this.app.init();
      await this.app.start();
    } catch (err) {
      throw mapSlackError(err, this.mode === 'socket' ? 'socket mode start' : 'auth.test', this.opts.clock.now());
    }
    this.started = true;
    this.opts.log.info({ mode: this.mode }, 'slack adapter started');
  }

  /** Stops receiving and waits for running handlers. */
  async stop(): Promise<void> {
    if (this.started) {
      // SocketModeReceiver.stop() does not wait for the WebSocket close handshake; the client's own
      // disconnect() does (bounded, so a silent peer cannot hold shutdown).
      if (this.socketReceiver) await disconnectWithin(this.socketReceiver, 5000);
      else await this.app.stop();
    }
    this.started = false;
    await this.idle();
    this.handler = undefined;
  }

  /** Resolves when no inbound handler is running. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Posts to a channel (chat.postMessage). */
  async post(channelId: string, content: Outbound): Promise<PostedRef> {
    const r = await this.api.post(channelId, renderSlackOutbound(content));
    return { platform: this.platform, channelId: r.channel, messageId: r.ts };
  }

  /** Replaces a posted card (chat.update). */
  async update(ref: PostedRef, content: Card): Promise<void> {
    await this.api.update(ref.channelId, ref.messageId, renderSlackCard(content));
  }
}

/** Creates the Slack adapter (HTTP mode on the shared server, or Socket Mode when an app token is given). */
export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapter {
  return new SlackAdapter(opts);
}
