// The Responder handed to the hub with each inbound event: reply in the chat, or only to the actor (a toast
// while a click is being answered, the ephemeral card API in a group, a plain message in a one-to-one chat).
import type { PostedRef, Responder } from '../../core/chat.ts';
import { describeError, PermanentError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { FeishuApi } from './api.ts';
import type { ClickSession } from './click.ts';
import type { FeishuReplyTarget } from './inbound.ts';
import { plainOfOutbound, renderFeishuOutbound } from './render.ts';

/** A Responder for one Feishu event (`click` while its answer has not gone out). */
export function createFeishuResponder(api: FeishuApi, target: FeishuReplyTarget, log: Logger, click?: ClickSession): Responder {
  return {
    async reply(content): Promise<PostedRef | undefined> {
      const r = await api.post(target.chatId, renderFeishuOutbound(content));
      return { platform: 'feishu', channelId: r.chatId, messageId: r.messageId };
    },
    async ephemeral(content): Promise<void> {
      if (click?.open) {
        click.toasts.push(plainOfOutbound(content));
        return;
      }
      const card = renderFeishuOutbound(content);
      // One-to-one: everything in the chat is private already (the ephemeral API serves groups only).
      if (target.chatType === 'p2p') {
        await api.post(target.chatId, card);
        return;
      }
      try {
        await api.ephemeral(target.chatId, target.openId, card);
      } catch (err) {
        // A click does not say what kind of chat it came from: a refusal there means a one-to-one chat.
        if (!(err instanceof PermanentError) || target.chatType === 'group') throw err;
        log.info({ err: describeError(err) }, 'ephemeral card refused; sending a message to the chat');
        await api.post(target.chatId, card);
      }
    },
  };
}
