// Sends a conversation's messages: over the chat when it reaches the customer, else as a WeChat template message
// (with its link) when the step has one; every message sent is written to the transcript.
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ConversationTemplate } from '../notify/texts.ts';
import type { ConversationRepo } from './repo.ts';
import { chatText, closingText, templateText, textVars } from './texts.ts';
import type { Conversation, ConversationPorts, TranscriptChannel } from './types.ts';

/** What to tell the customer: a conversation template, or the closing line of a decision. */
export type Outgoing = { template: ConversationTemplate } | { closing: 'decided' | 'timedOut'; choice: string };

/** Sends conversation messages and records them. */
export class Messenger {
  constructor(
    private readonly repo: ConversationRepo,
    private readonly ports: Pick<ConversationPorts, 'chat' | 'sendTemplate'>,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** Asks the conversation's question; returns the channel used. Throws when neither the chat nor the template reached the customer. */
  async ask(c: Conversation): Promise<TranscriptChannel> {
    const channel = await this.send(c, { template: c.template });
    if (channel) return channel;
    throw new Error(`conversation ${c.id}: the customer could not be reached over the chat or a template message`);
  }

  /** Tells the customer something; failures are logged (the conversation's outcome stands either way). */
  async tell(c: Conversation, what: Outgoing): Promise<TranscriptChannel | undefined> {
    try {
      return await this.send(c, what);
    } catch (err) {
      this.log.warn({ conversation: c.id, err: describeError(err) }, 'telling the customer failed');
      return undefined;
    }
  }

  private async send(c: Conversation, what: Outgoing): Promise<TranscriptChannel | undefined> {
    const kind = 'template' in what ? what.template : what.closing;
    const text = 'template' in what ? chatText(c, what.template) : closingText(c, what.closing, what.choice);
    let chatError: unknown;
    if (this.ports.chat.canReach(c.recipient)) {
      try {
        await this.ports.chat.say(c.recipient, text);
        await this.repo.append(c.id, { direction: 'out', channel: 'wechaty', kind, text, at: this.now() });
        return 'wechaty';
      } catch (err) {
        chatError = err;
        this.log.warn({ conversation: c.id, kind, err: describeError(err) }, 'chat send failed; trying a template message');
      }
    }
    // Closing lines have no WeChat template: without the chat they are not sent.
    if (!('template' in what)) return undefined;
    try {
      await this.ports.sendTemplate({ key: `conversation:${c.id}:${what.template}`, recipient: c.recipient, orderId: c.orderId, template: what.template, vars: textVars(c, what.template), urgent: true });
    } catch (err) {
      if (chatError !== undefined) this.log.warn({ conversation: c.id, err: describeError(err) }, 'template fallback failed too');
      throw err;
    }
    await this.repo.append(c.id, { direction: 'out', channel: 'wechat_template', kind, text: templateText(c, what.template), at: this.now() });
    return 'wechat_template';
  }
}
