// Sending as the WeChat account: find the room or contact by its exact id, pace, say the text, map errors.
import type { Wechaty } from 'wechaty';
import type { Logger } from '../../core/logger.ts';
import { loggedOutError, mapWechatyError, noConversationError } from './errors.ts';
import type { AccountPacer } from './pace.ts';

interface Sayer {
  say(text: string): Promise<unknown>;
}

/** The account's sending side as the adapter uses it. */
export class WechatyStaffApi {
  constructor(
    private readonly bot: Wechaty,
    private readonly pacer: AccountPacer,
    private readonly log: Logger,
  ) {}

  // Only ids the puppet lists are looked up: an unknown id through find() makes wechaty emit a bot-level error.
  private async findConversation(id: string): Promise<Sayer> {
    try {
      if ((await this.bot.puppet.roomList()).includes(id)) {
        const room = await this.bot.Room.find({ id });
        if (room) return room;
      }
      if ((await this.bot.puppet.contactList()).includes(id)) {
        const contact = await this.bot.Contact.find({ id });
        if (contact) return contact;
      }
    } catch (err) {
      throw mapWechatyError(err, 'looking up the conversation');
    }
    throw noConversationError(id);
  }

  /** Says `text` in a room or to a contact, within the account's pace. */
  async say(conversationId: string, text: string): Promise<void> {
    if (!this.bot.isLoggedIn) throw loggedOutError();
    const to = await this.findConversation(conversationId);
    await this.pacer.take();
    try {
      await to.say(text);
    } catch (err) {
      const mapped = mapWechatyError(err, 'saying to the conversation');
      this.log.warn({ code: mapped.code }, 'wechaty staff send failed');
      throw mapped;
    }
  }
}
