// A real HttpServer on 127.0.0.1:0 with the console adapter and a small handler that behaves like the bot will.
import type { TestContext } from 'node:test';
import { card, type Card } from '../../../src/core/card.ts';
import type { ActionEvent, InboundEvent, Responder } from '../../../src/core/chat.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import { HttpServer } from '../../../src/http/server.ts';
import { readDefaultSettings } from '../../../src/settings/store.ts';
import { createConsoleAdapter, type ConsoleAdapter } from '../../../src/adapters/console/index.ts';

/** Refreshes the /order card in place, naming who clicked. */
export const ORDER_REFRESH = 'order.refresh';
/** Cancels the order (a danger button with a confirm dialog). */
export const ORDER_CANCEL = 'order.cancel';
/** Updates the /echo card in place. */
export const ECHO_AGAIN = 'echo.again';

/** Text that would run script if any of it reached the page as HTML. */
export const XSS_TEXT = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';

function orderCard(id: string, refreshedBy?: string, count = 0): Card {
  return card()
    .header(`Order ${id}`, 'info')
    .fields([
      { label: 'Status', value: 'shipped' },
      { label: 'Customer', value: 'Li Na' },
      { label: 'Amount', value: '¥ 88.50' },
    ])
    .text(`Carrier **SF Express**, tracking \`SF1234567\`. [Track parcel](https://example.com/track/SF1234567)`)
    .context(refreshedBy ? `Refreshed by ${refreshedBy} (${count})` : 'Not refreshed yet')
    .actions([
      { actionId: ORDER_REFRESH, label: 'Refresh', value: `${id}|${count}`, style: 'primary' },
      { actionId: ORDER_CANCEL, label: 'Cancel order', value: id, style: 'danger', confirm: { title: 'Cancel this order?', text: `Order ${id} will be cancelled.`, confirm: 'Cancel order', deny: 'Keep it' } },
    ])
    .build();
}

function xssCard(): Card {
  return card()
    .header(XSS_TEXT, 'danger')
    .text(`${XSS_TEXT} and [bad](javascript:alert(1)) and **${XSS_TEXT}**`)
    .fields([{ label: XSS_TEXT, value: XSS_TEXT }])
    .table([XSS_TEXT], [[XSS_TEXT]])
    .list([XSS_TEXT])
    .actions([{ actionId: 'xss.click', label: XSS_TEXT, value: 'x' }])
    .build();
}

/** Everything the handler was given, in order. */
export type Seen = InboundEvent[];

/** A handler with real behaviour: /order, /echo, /secret, /xss, /boom; order.refresh and echo.again update the card in place. */
export function createTestHandler(adapter: () => ConsoleAdapter, seen: Seen) {
  return async (event: InboundEvent, respond: Responder): Promise<void> => {
    seen.push(event);
    if (event.kind === 'action') return onAction(event, adapter(), respond);
    if (event.kind !== 'command') return;
    const who = event.actor.name ?? event.actor.userId;
    switch (event.name) {
      case 'order':
        await respond.reply(orderCard(event.args[0] ?? '?'));
        return;
      case 'echo':
        await respond.reply(card().header('Echo').text(event.text).actions([{ actionId: ECHO_AGAIN, label: 'Again', value: event.text }]).build());
        return;
      case 'secret':
        await respond.ephemeral(`Only ${who} sees this`);
        return;
      case 'xss':
        await respond.reply(xssCard());
        return;
      case 'inbox':
        adapter().inbox.push({ customer: 'Li Na', channel: 'wechat', text: `Your order ${event.args[0] ?? ''} has shipped.`, at: Date.now() });
        return;
      case 'boom':
        throw new Error('boom');
      default:
        await respond.ephemeral(`Unknown command /${event.name}`);
    }
  };
}

async function onAction(event: ActionEvent, adapter: ConsoleAdapter, respond: Responder): Promise<void> {
  const who = event.actor.name ?? event.actor.userId;
  if (!event.message) throw new Error('action without message');
  if (event.actionId === ORDER_REFRESH) {
    const [id = '?', count = '0'] = event.value.split('|');
    await adapter.update(event.message, orderCard(id, who, Number(count) + 1));
  } else if (event.actionId === ECHO_AGAIN) {
    await adapter.update(event.message, card().header('Echo').text(`${event.value} (again, by ${who})`).build());
  } else if (event.actionId === ORDER_CANCEL) {
    await adapter.update(event.message, card().header(`Order ${event.value} cancelled`, 'danger').context(`Cancelled by ${who}`).build());
  } else {
    await respond.ephemeral(`clicked ${event.actionId}`);
  }
}

/** Options of one harness. */
export interface HarnessOptions {
  exposed?: boolean;
  password?: string;
  /** Leave the adapter unstarted. */
  noStart?: boolean;
  /** Whether acting as anyone is allowed (default: yes on loopback, as with the demo shop). */
  actAs?: boolean;
}

/** Starts a server with the console adapter and the test handler; stopped when the test ends. */
export async function startConsole(t: TestContext, opts: HarnessOptions = {}) {
  const log = createSilentLogger();
  const server = new HttpServer(log);
  const settings = readDefaultSettings();
  const adapter = createConsoleAdapter({
    server,
    settings: () => settings,
    clock: systemClock,
    log,
    exposed: opts.exposed ?? false,
    ...(opts.password ? { auth: { password: opts.password } } : {}),
    ...(opts.actAs !== undefined ? { actAs: () => opts.actAs ?? false } : {}),
  });
  const seen: Seen = [];
  if (!opts.noStart) await adapter.start(createTestHandler(() => adapter, seen));
  const addr = await server.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${addr.port}`;
  t.after(async () => {
    await adapter.stop();
    await server.close();
  });
  return { adapter, server, base, seen, settings };
}
