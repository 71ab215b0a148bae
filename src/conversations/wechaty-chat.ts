// The conversation's chat over wechaty: the channel's reachability, free text said to the contact, replies routed in.
import type { Contact, Wechaty } from 'wechaty';
import { describeError, PermanentError, RetryableError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Recipient } from '../core/notify.ts';
import { createWechatyChannel, onCustomerReply } from '../notify/channels/wechaty.ts';
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

// Same rules as the wechaty channel: an id is checked against the puppet's list first (an unknown id makes wechaty
// emit a bot error), and a name shared by two people is never guessed.
async function findContact(bot: Wechaty, ref: string): Promise<Contact> {
  const ids = await bot.puppet.contactList();
  const direct = ids.includes(ref) ? await bot.Contact.find({ id: ref }) : undefined;
  if (direct) return direct;
  const people = (await bot.Contact.findAll(ref)).filter((c) => c.type() === bot.Contact.Type.Individual && !c.self());
  if (people.length > 1) throw new PermanentError('recipient.ambiguous', `${people.length} contacts match the wechaty name`);
  const found = people[0];
  if (!found) throw new PermanentError('recipient.unreachable', 'no wechaty contact with that id or name');
  return found;
}

/** Routes every one-to-one text the bot receives to `service.onReply`; returns an unsubscribe. */
export function routeWechatyReplies(bot: Wechaty, service: Pick<ConversationService, 'onReply'>, log: Logger, onResult?: (result: ReplyResult) => void): () => void {
  return onCustomerReply(
    bot,
    async (reply) => {
      const result = await service.onReply(reply.contactId, reply.text, { name: reply.name, channel: 'wechaty' });
      onResult?.(result);
    },
    log,
  );
}
