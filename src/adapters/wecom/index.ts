// The WeCom (企业微信 self-built app) adapter: the callback route, the API wrapper, the renderer, durable update
// codes, and the group robot as an alert-only channel (`robot`).
import { randomBytes } from 'node:crypto';
import type { Card } from '../../core/card.ts';
import type { ChatAdapter, InboundHandler, Outbound, PostedRef } from '../../core/chat.ts';
import { describeError, PermanentError, UserError } from '../../core/errors.ts';
import { DEFAULT_WECOM_RETRY, WeComApi } from './api.ts';
import { decodeButtonKey } from './button-key.ts';
import { parseChannelId } from './channel.ts';
import { WeComCrypto } from './crypto.ts';
import { errcodeOf, RATE_CODES, TOKEN_CODES } from './errors.ts';
import { clickInbound, commandInbound, WECOM_PLATFORM, type WeComInbound } from './inbound.ts';
import { WECOM_CHAT_LIMITS, WECOM_ROBOT_PER_MINUTE } from './limits.ts';
import type { WeComAdapterOptions } from './options.ts';
import type { WeComMessage } from './payloads.ts';
import { registerWeComReceiver } from './receiver.ts';
import { renderWeComCard, renderWeComText } from './render.ts';
import { createWeComResponder } from './responder.ts';
import { MinuteWindow, renderRobotMarkdown, renderRobotText, ROBOT_CHANNEL } from './robot.ts';
import { WeComState } from './state.ts';

export { wecomOptionsFromEnv, WECOM_API_BASE, type WeComAdapterOptions, type WeComEnvOptions } from './options.ts';
export { renderWeComCard } from './render.ts';
export { ROBOT_CHANNEL } from './robot.ts';

const DEFAULT_CARD_URL = 'https://work.weixin.qq.com/';

/** The WeCom ChatAdapter. */
export class WeComAdapter implements ChatAdapter {
  readonly platform = WECOM_PLATFORM;
  readonly limits = WECOM_CHAT_LIMITS;
  readonly api: WeComApi;
  private readonly state: WeComState;
  private readonly robot: MinuteWindow;
  private readonly inflight = new Set<Promise<void>>();
  private handler: InboundHandler | undefined;
  private running = false;

  constructor(private readonly opts: WeComAdapterOptions) {
    this.api = new WeComApi({ ...opts, retry: { ...DEFAULT_WECOM_RETRY, ...opts.retry } });
    this.state = new WeComState(opts.state);
    this.robot = new MinuteWindow(opts.clock, opts.robotPerMinute ?? WECOM_ROBOT_PER_MINUTE);
    if (opts.token && opts.encodingAesKey) {
      if (!opts.server) throw new UserError('wecom.config', 'WeCom callbacks need the shared HTTP server');
      const crypto = new WeComCrypto({ token: opts.token, encodingAesKey: opts.encodingAesKey, receiveId: opts.corpId });
      registerWeComReceiver(opts.server, { crypto, clock: opts.clock, log: opts.log, running: () => this.running, onMessage: (m) => this.track(this.deliver(m)) }, opts.path);
    } else opts.log.warn('WeCom callbacks are off (no WECOM_TOKEN / WECOM_ENCODING_AES_KEY): cards are sent, clicks and commands are not received');
  }

  /** Fetches the access token (checks the credentials), then accepts deliveries. */
  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    await this.api.accessToken();
    this.running = true;
    this.opts.log.info({ agentId: this.opts.agentId, robot: Boolean(this.opts.webhookKey) }, 'wecom adapter started');
  }

  /** Stops accepting deliveries and waits for running handlers. */
  async stop(): Promise<void> {
    this.running = false;
    await this.idle();
    this.handler = undefined;
  }

  /** Resolves when no inbound handler is running. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Posts a card, text or robot message; a card's messageId is its task_id. */
  async post(channelId: string, content: Outbound): Promise<PostedRef> {
    if (channelId === ROBOT_CHANNEL) return this.postRobot(content, false);
    if (typeof content !== 'string') return this.postCard(channelId, content);
    await this.api.sendText(parseChannelId(channelId), renderWeComText(content));
    return { platform: this.platform, channelId, messageId: this.newId('t') };
  }

  /**
   * Changes every recipient's copy in place with the card's newest unused response code. Without one (none was
   * given, it was spent, or WeCom refuses it) a fresh card is posted and its ref returned. The robot cannot edit.
   */
  async update(ref: PostedRef, content: Card): Promise<PostedRef | void> {
    if (ref.channelId === ROBOT_CHANNEL) {
      // A stale alert in a group misleads: a short follow-up says what changed (the old message stays as it was).
      await this.postRobot(content, true);
      return;
    }
    const now = this.opts.clock.now();
    const code = await this.state.takeCode(ref.messageId, now);
    if (code) {
      const { card, stored } = renderWeComCard(content, { taskId: ref.messageId, cardUrl: this.cardUrl() });
      await this.state.rememberKeys(stored, now);
      // update_template_card keeps the card's task_id; a new one in the body is not part of the documented call.
      const { task_id: _taskId, ...body } = card;
      try {
        await this.api.updateCard(code, { ...body });
        return;
      } catch (err) {
        const errcode = errcodeOf(err);
        if (!(err instanceof PermanentError) || (errcode !== undefined && (TOKEN_CODES.has(errcode) || RATE_CODES.has(errcode)))) throw err;
        this.opts.log.info({ taskId: ref.messageId, err: describeError(err) }, 'wecom refused the update code; posting a fresh card');
      }
    } else this.opts.log.info({ taskId: ref.messageId }, 'no unused wecom update code; posting a fresh card');
    return this.postCard(ref.channelId, content);
  }

  private async postCard(channelId: string, content: Card): Promise<PostedRef> {
    const to = parseChannelId(channelId);
    const taskId = this.newId('oo');
    const now = this.opts.clock.now();
    const { card, stored } = renderWeComCard(content, { taskId, cardUrl: this.cardUrl() });
    await this.state.rememberKeys(stored, now);
    await this.state.rememberTask(taskId, channelId, now);
    const r = await this.api.sendCard(to, card);
    if (r.responseCode) await this.state.rememberCode(taskId, r.responseCode, this.opts.clock.now());
    return { platform: this.platform, channelId, messageId: taskId };
  }

  private async postRobot(content: Outbound, updated: boolean): Promise<PostedRef> {
    const key = this.opts.webhookKey;
    if (!key) throw new PermanentError('wecom.no_robot', 'channel "robot" needs WECOM_WEBHOOK_KEY');
    await this.robot.take();
    await this.api.robotSend(key, typeof content === 'string' ? renderRobotText(content) : renderRobotMarkdown(content, { updated }));
    return { platform: this.platform, channelId: ROBOT_CHANNEL, messageId: this.newId('robot') };
  }

  private cardUrl(): string {
    return this.opts.cardUrl ?? DEFAULT_CARD_URL;
  }

  private newId(prefix: string): string {
    return `${prefix}_${this.opts.clock.now().toString(36)}_${randomBytes(8).toString('hex')}`;
  }

  private track(run: Promise<void>): void {
    const p = run.finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  // After the 200: resolve what the delivery means, keep a click's update code, then run the hub's handler.
  private async deliver(message: WeComMessage): Promise<void> {
    const { log } = this.opts;
    try {
      const inbound = await this.toInbound(message);
      const handler = this.handler;
      if (!inbound || !handler) return;
      if (inbound.responseCode) await this.state.rememberCode(inbound.responseCode.taskId, inbound.responseCode.code, this.opts.clock.now());
      await handler(inbound.event, createWeComResponder((c, content) => this.post(c, content), inbound.target));
    } catch (err) {
      log.error({ err: describeError(err), kind: message.kind }, 'wecom delivery handler failed');
    }
  }

  private async toInbound(message: WeComMessage): Promise<WeComInbound | undefined> {
    const now = this.opts.clock.now();
    if (message.kind === 'text') return commandInbound(message.data);
    if (message.kind === 'other') {
      this.opts.log.debug({ msgType: message.data.MsgType, event: message.data.Event }, 'wecom message not handled; acknowledged');
      return undefined;
    }
    const decoded = decodeButtonKey(message.data.EventKey);
    const target = decoded && 'stored' in decoded ? await this.state.keyTarget(decoded.stored, now) : decoded;
    if (!target) {
      this.opts.log.warn({ taskId: message.data.TaskId }, 'wecom click with a key we did not render; ignored');
      return undefined;
    }
    return clickInbound(message.data, target, await this.state.channelOf(message.data.TaskId, now), message.selected);
  }
}

/** Creates the WeCom adapter (registers GET/POST /wecom/callback on the shared server when callbacks are set up). */
export function createWeComAdapter(opts: WeComAdapterOptions): WeComAdapter {
  return new WeComAdapter(opts);
}
