// The conversation's chat over wechaty: the channel's reachability, free text said to the contact, replies routed in.
import type { Wechaty } from 'wechaty';
import { describeError, PermanentError, RetryableError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Recipient } from '../core/notify.ts';
import { createWechatyChannel, findContact, onCustomerReply } from '../notify/channels/wechaty.ts';
import type { ConversationService, ReplyResult } from './service.ts';
import type { ChatWithCustomer } from './types.ts';

/** The chat port over a started wechaty bot: reachable exactly when the wechaty channel can reach the recipient. */
export function createWechatyChat(bot: Wechaty, log: Logger): ChatWithCustomer {
  const channel = createWechatyChannel({ bot, log });
  return {
    canReach: (recipient: Recipient) => channel.canReach(recipient),
    async say(recipient: Recipient, text: string): Promise<void> {
      const ref = recipient.wechatyId;
      if (!ref) throw new PermanentError('recipient.unreachable', 'recipient has no wechaty contact');
      const contact = await findContact(bot, ref);
      try {
        await contact.say(text);
      } catch (err) {
        throw new RetryableError('wechaty.send_failed', `saying to the contact failed: ${describeError(err).slice(0, 120)}`);
      }
    },
  };
}

/**
 * Routes every one-to-one text the bot receives to `service.onReply`; returns an unsubscribe. On a bot that staff
 * use too, `isStaff` (the staff adapter's createWechatStaffFilter) keeps staff texts out: they are the adapter's.
 */
export function routeWechatyReplies(
  bot: Wechaty,
  service: Pick<ConversationService, 'onReply'>,
  log: Logger,
  onResult?: (result: ReplyResult) => void,
  isStaff?: (contactId: string) => boolean,
): () => void {
  return onCustomerReply(
    bot,
    async (reply) => {
      if (isStaff?.(reply.contactId)) return;
      const result = await service.onReply(reply.contactId, reply.text, { name: reply.name, channel: 'wechaty' });
      onResult?.(result);
    },
    log,
  );
}
