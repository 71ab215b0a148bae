// The local web console's customer inbox: what a customer would have received, shown to staff.
import { systemClock, type Clock } from '../../core/clock.ts';
import type { CustomerChannel, CustomerMessage, SendReceipt } from '../../core/notify.ts';
import { renderCustomerText } from '../texts.ts';

/** One inbox entry, as the console adapter's `inbox.push` takes it. */
export interface ConsoleInboxEntry {
  customer: string;
  channel: 'console';
  text: string;
  at: number;
}

/** Options for `createConsoleInboxChannel`: the console's `inbox` (or anything with `push`). */
export interface ConsoleInboxChannelOptions {
  push(entry: ConsoleInboxEntry): unknown;
  clock?: Clock;
}

/** Creates the console channel: renders the chat text and pushes it to the console inbox; always reachable. */
export function createConsoleInboxChannel(opts: ConsoleInboxChannelOptions): CustomerChannel {
  const clock = opts.clock ?? systemClock;
  return {
    name: 'console',
    canReach: () => true,
    // async so a rendering error rejects instead of throwing
    async send(message: CustomerMessage): Promise<SendReceipt> {
      const { recipient } = message;
      const vars = { orderId: message.orderId, ...(recipient.name ? { name: recipient.name } : {}), ...message.vars };
      const { text } = renderCustomerText(message.template, 'chat', recipient.language, vars);
      const customer = recipient.name ? `${recipient.name} (${recipient.customerId})` : recipient.customerId;
      const pushed = opts.push({ customer, channel: 'console', text, at: clock.now() });
      const id = typeof pushed === 'object' && pushed !== null && 'id' in pushed && typeof pushed.id === 'string' ? pushed.id : undefined;
      return { channel: 'console', providerId: id };
    },
  };
}
