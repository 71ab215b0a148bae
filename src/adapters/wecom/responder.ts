// The Responder handed to the hub with each inbound event. WeCom has no ephemeral messages: an "only you" answer
// is an app message to the member alone (their chat with the app), which nobody else sees either.
import type { Outbound, PostedRef, Responder } from '../../core/chat.ts';
import type { WeComReplyTarget } from './inbound.ts';

/** How the responder posts (the adapter's own post). */
export type WeComPoster = (channelId: string, content: Outbound) => Promise<PostedRef>;

/** A Responder for one WeCom event: replies go to the place, ephemeral answers to the member who acted. */
export function createWeComResponder(post: WeComPoster, target: WeComReplyTarget): Responder {
  return {
    async reply(content): Promise<PostedRef | undefined> {
      return post(target.channelId, content);
    },
    async ephemeral(content): Promise<void> {
      await post(target.userId, content);
    },
  };
}
