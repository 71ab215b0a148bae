// The staff WeChat adapter over a wechaty bot: text commands in, cards out as text with reply codes, a reply code
// back in as the same ActionEvent a button click makes. Cards cannot be edited on WeChat: a changed card is sent
// again as a new message naming the same card ("[#12 · updated]") and its old codes stop working.
import type { Message, Wechaty } from 'wechaty';
import { cardButtons, type Card } from '../../core/card.ts';
import type { ChatAdapter, ChatLimits, InboundEvent, InboundHandler, Outbound, PostedRef } from '../../core/chat.ts';
import { describeError } from '../../core/errors.ts';
import { getT } from '../../core/i18n.ts';
import { WechatyStaffApi } from './api.ts';
import { ReplyCodeBook } from './code-book.ts';
import { parseStaffText, readWechatyMessage, type WechatyInboundOutcome } from './inbound.ts';
import { RecentKeys } from '../../chat/recent-keys.ts';
import { WECHATY_ACCOUNT_PACE, WECHATY_CHAT_LIMITS, WECHATY_RECENT_MAX, WECHATY_RECENT_TTL_MS } from './limits.ts';
import type { WechatyStaffAdapterOptions } from './options.ts';
import { AccountPacer } from './pace.ts';
import { isCard, renderWechatyCard, renderWechatyText } from './render.ts';
import { createWechatyResponder, type WechatyReplyTarget } from './responder.ts';
import { isWechatStaff, staffLanguage } from './staff.ts';

export { wechatyStaffOptionsFromEnv, type WechatyStaffAdapterOptions } from './options.ts';
export { renderWechatyCard, renderWechatyText } from './render.ts';
export { createWechatStaffFilter, isWechatStaff } from './staff.ts';
export type { WechatyInboundOutcome } from './inbound.ts';

const PLATFORM = 'wechat';
const CARD_ID = /^wc-(\d+)$/;

/** The staff WeChat ChatAdapter (platform `wechat`). */
export class WechatyStaffAdapter implements ChatAdapter {
  readonly platform = PLATFORM;
  readonly limits: ChatLimits;
  private readonly bot: Wechaty;
  private readonly api: WechatyStaffApi;
  private readonly book: ReplyCodeBook;
  private readonly recent: RecentKeys;
  private handler: InboundHandler | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private readonly listener = (msg: Message): void => {
    const run = this.receive(msg).finally(() => this.inflight.delete(run));
    this.inflight.add(run);
  };

  constructor(private readonly opts: WechatyStaffAdapterOptions) {
    this.bot = opts.bot;
    this.limits = opts.limits ?? WECHATY_CHAT_LIMITS;
    this.api = new WechatyStaffApi(opts.bot, new AccountPacer(opts.clock, opts.accountPace ?? WECHATY_ACCOUNT_PACE), opts.log);
    this.book = new ReplyCodeBook(opts.state, opts.clock);
    this.recent = new RecentKeys(opts.clock, WECHATY_RECENT_TTL_MS, WECHATY_RECENT_MAX);
  }

  /** Listens to the bot's messages (the bot itself is started by whoever owns it); drops expired codes. */
  async start(handler: InboundHandler): Promise<void> {
    const first = !this.handler;
    this.handler = handler;
    if (!first) return;
    await this.book.prune();
    this.bot.on('message', this.listener);
  }

  /** Stops listening and waits for running handlers. */
  async stop(): Promise<void> {
    this.bot.off('message', this.listener);
    await this.idle();
    this.handler = undefined;
  }

  /** Resolves when no inbound message is being handled. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Posts a card (with its marker and fresh reply codes) or a text to a room or a contact. */
  async post(channelId: string, content: Outbound): Promise<PostedRef> {
    const cardNo = await this.book.nextCardNo();
    if (!isCard(content)) {
      for (const part of renderWechatyText(content)) await this.api.say(channelId, part);
      return { platform: PLATFORM, channelId, messageId: `wt-${cardNo}` };
    }
    const messageId = `wc-${cardNo}`;
    await this.send(channelId, messageId, cardNo, content, 1);
    return { platform: PLATFORM, channelId, messageId };
  }

  /**
   * Sends the card's new version as a new message with the same marker, under the same message id (so the hub's
   * copy stays the one it knows: resolves with nothing); the old version's codes are retired once it is out.
   */
  async update(ref: PostedRef, content: Card): Promise<PostedRef | void> {
    const m = CARD_ID.exec(ref.messageId);
    // Not one of our cards (a text): there is nothing to name, so it goes out as a card of its own.
    if (!m) return this.post(ref.channelId, content);
    const previous = await this.book.card(ref.channelId, ref.messageId);
    await this.send(ref.channelId, ref.messageId, Number(m[1]), content, (previous?.version ?? 1) + 1);
    // Only once the new version is out: if sending fails, the old version is still what people see, and it works.
    if (previous?.slot) await this.book.retire(ref.channelId, previous.slot, ref.messageId);
  }

  // Codes are bound before the text goes out (a code that was printed always resolves); the card's record moves to
  // this version only after it was sent.
  private async send(channelId: string, messageId: string, cardNo: number, card: Card, version: number): Promise<void> {
    const slot = cardButtons(card).length > 0 ? await this.book.nextSlot(channelId) : undefined;
    const rendered = renderWechatyCard(card, { cardNo, slot, revised: version > 1 });
    if (slot) await this.book.bind(channelId, slot, messageId, rendered.buttons);
    await this.api.say(channelId, rendered.text);
    await this.book.saveCard(channelId, messageId, { ...(slot ? { slot } : {}), version });
  }

  private async receive(msg: Message): Promise<void> {
    let outcome: WechatyInboundOutcome['outcome'] = 'failed';
    try {
      outcome = await this.process(msg);
    } catch (err) {
      this.opts.log.error({ err: describeError(err) }, 'wechaty staff message handling failed');
    } finally {
      this.opts.onInbound?.({ messageId: msg.id, outcome });
    }
  }

  private async process(msg: Message): Promise<WechatyInboundOutcome['outcome']> {
    if (msg.self()) return 'own';
    const handler = this.handler;
    if (!handler) return 'not_started';
    if (!this.recent.claim(msg.id)) return 'duplicate';
    const d = await readWechatyMessage(msg, this.bot);
    const channelId = d.roomId ?? d.talkerId;
    const settings = this.opts.settings();
    if (!isWechatStaff(settings, channelId)) {
      // Setting up: someone typed a command where the bot does not know staff. Room ids are not personal data and
      // are logged so an admin can list the room; a contact's id only at debug level.
      if (d.isText && /^[/／]/.test(d.text)) {
        if (d.roomId) this.opts.log.info({ channel: `wechat:${d.roomId}` }, 'wechat: a command in a room no route names; add it to chat.routes to make it a staff room');
        else this.opts.log.debug({ user: `wechat:${d.talkerId}` }, 'wechat: a command from a contact not in chat.users');
      }
      return 'not_staff';
    }
    if (!d.isText) return 'not_text';
    const asked = parseStaffText(d.text, d.addressed);
    if (asked.kind === 'none') return 'not_addressed';
    const target: WechatyReplyTarget = { channelId, userId: d.talkerId, userName: d.talkerName, inRoom: d.roomId !== undefined };
    const respond = createWechatyResponder((to, content) => this.post(to, content), target, this.opts.log);
    const base = {
      dedupeKey: d.messageId,
      actor: { platform: PLATFORM, userId: d.talkerId, name: d.talkerName },
      place: { platform: PLATFORM, channelId },
      raw: { messageId: d.messageId, text: d.text },
    };
    let event: InboundEvent;
    if (asked.kind === 'command') event = { ...base, kind: 'command', name: asked.name, args: asked.args, text: asked.text };
    else {
      const found = await this.book.resolve(channelId, asked.code);
      if (!found) {
        const t = getT(staffLanguage(settings, d.talkerId), 'wechaty');
        await respond.ephemeral(t('unknownCode', { code: asked.code.code }));
        return 'unknown_code';
      }
      event = { ...base, kind: 'action', actionId: found.actionId, value: found.value, message: { platform: PLATFORM, channelId, messageId: found.messageId } };
    }
    await handler(event, respond);
    return event.kind;
  }
}

/** Creates the staff WeChat adapter on a wechaty bot (the customers' bot or a staff-only one). */
export function createWechatyStaffAdapter(opts: WechatyStaffAdapterOptions): WechatyStaffAdapter {
  return new WechatyStaffAdapter(opts);
}
