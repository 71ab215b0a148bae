// Customers who chat with the shop's personal WeChat account, through a started wechaty bot.
import { z } from 'zod';
import type { Contact, Message, Wechaty } from 'wechaty';
import { describeError, OrderOpsError, PermanentError, RetryableError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { CustomerChannel, CustomerMessage, Recipient, SendReceipt } from '../../core/notify.ts';
import { renderCustomerText } from '../texts.ts';
import { maskId } from './mask.ts';

/** Options for `createWechatyChannel`. */
export interface WechatyChannelOptions {
  /** A started (and logged-in) Wechaty instance. */
  bot: Wechaty;
  log: Logger;
}

/** Creates the wechaty channel: finds the contact by `recipient.wechatyId` (id, then name or alias) and says the chat text. */
export function createWechatyChannel(opts: WechatyChannelOptions): CustomerChannel {
  const { bot, log } = opts;
  return {
    name: 'wechaty',
    canReach: (recipient: Recipient) => Boolean(recipient.wechatyId) && bot.isLoggedIn,
    async send(message: CustomerMessage): Promise<SendReceipt> {
      const ref = message.recipient.wechatyId;
      if (!ref) throw new PermanentError('recipient.unreachable', 'recipient has no wechaty contact');
      if (!bot.isLoggedIn) throw new RetryableError('wechaty.logged_out', 'the WeChat bot is not logged in');
      const vars = { orderId: message.orderId, ...(message.recipient.name ? { name: message.recipient.name } : {}), ...message.vars };
      const { text } = renderCustomerText(message.template, 'chat', message.recipient.language, vars);
      const contact = await findContact(bot, ref).catch((err: unknown) => {
        if (err instanceof OrderOpsError) throw err;
        throw new RetryableError('wechaty.lookup_failed', `contact lookup failed: ${describeError(err).slice(0, 120)}`);
      });
      let said: void | Message;
      try {
        said = await contact.say(text);
      } catch (err) {
        throw new RetryableError('wechaty.send_failed', `saying to the contact failed: ${describeError(err).slice(0, 120)}`);
      }
      log.info({ channel: 'wechaty', template: message.template, key: message.key, contact: maskId(contact.id) }, 'wechaty message sent');
      return { channel: 'wechaty', providerId: said ? said.id : undefined };
    },
  };
}

// Looking up an unknown id through Contact.find/findAll makes wechaty emit a bot-level error (and mark the id
// dirty), so an id is first checked against the puppet's contact list.
/** The one person a wechaty id or name refers to; PermanentError when none or several match. */
export async function findContact(bot: Wechaty, ref: string): Promise<Contact> {
  const ids = await bot.puppet.contactList();
  const direct = ids.includes(ref) ? await bot.Contact.find({ id: ref }) : undefined;
  if (direct) return direct;
  const people = (await bot.Contact.findAll(ref)).filter((c) => c.type() === bot.Contact.Type.Individual && !c.self());
  // Two people with the same name: guessing could tell a stranger about someone's order.
  if (people.length > 1) throw new PermanentError('recipient.ambiguous', `${people.length} contacts match the wechaty name`);
  const found = people[0];
  if (!found) throw new PermanentError('recipient.unreachable', 'no wechaty contact with that id or name');
  return found;
}

/** A text a customer sent to the shop's WeChat account, for the conversation handler. */
export interface CustomerReply {
  contactId: string;
  name: string;
  text: string;
}

const CustomerReplySchema = z.object({ contactId: z.string().min(1), name: z.string(), text: z.string().min(1).max(4000) });

/** Calls `handler` for every one-to-one text a person sends to the bot (not rooms, not the bot itself); returns an unsubscribe. */
export function onCustomerReply(bot: Wechaty, handler: (reply: CustomerReply) => void | Promise<void>, log: Logger): () => void {
  const listener = async (msg: Message): Promise<void> => {
    try {
      if (msg.self() || msg.room() || msg.type() !== bot.Message.Type.Text) return;
      const talker = msg.talker();
      if (talker.type() !== bot.Contact.Type.Individual) return;
      const parsed = CustomerReplySchema.safeParse({ contactId: talker.id, name: talker.name(), text: msg.text().trim() });
      if (!parsed.success) return;
      await handler(parsed.data);
    } catch (err) {
      log.error({ err: describeError(err) }, 'customer reply handler failed');
    }
  };
  bot.on('message', listener);
  return () => {
    bot.off('message', listener);
  };
}
