// The Responder handed to the hub with each inbound event: reply in the place; "only to you" is a direct message.
import type { Outbound, PostedRef, Responder } from '../../core/chat.ts';
import { PermanentError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';

/** Where an answer goes. */
export interface WechatyReplyTarget {
  /** The place: the room, or the contact of a one-to-one chat. */
  channelId: string;
  /** Who acted. */
  userId: string;
  userName: string;
  inRoom: boolean;
}

/** Posts through the adapter (so cards get their marker and codes, and every send is paced). */
export type WechatyPoster = (channelId: string, content: Outbound) => Promise<PostedRef>;

/**
 * A Responder for one WeChat event. WeChat has no ephemeral messages: "only to you" goes as a direct message to
 * the actor (in a one-to-one chat that is the same place). A room member the bot cannot message directly (not
 * its friend) gets it in the room instead, addressed with an @mention: said openly is better than not said.
 */
export function createWechatyResponder(post: WechatyPoster, target: WechatyReplyTarget, log: Logger): Responder {
  return {
    async reply(content): Promise<PostedRef | undefined> {
      return post(target.channelId, content);
    },
    async ephemeral(content): Promise<void> {
      if (!target.inRoom) {
        await post(target.channelId, content);
        return;
      }
      try {
        await post(target.userId, content);
      } catch (err) {
        if (!(err instanceof PermanentError && err.code === 'wechaty.no_conversation')) throw err;
        log.info({ code: err.code }, 'no direct chat with the actor; answering in the room');
        await post(target.channelId, typeof content === 'string' ? `@${target.userName}\u2005${content}` : content);
      }
    },
  };
}
