// /order <id>: one card with every system's view of the order; Refresh and Sync now update it in place.
import type { TFunction } from 'i18next';
import { buildOrderCard, REFRESH_ORDER, SYNC_ORDER, type OrderCardView } from '../cards/order-detail.ts';
import type { ActionContext, ActionDefinition, CommandDefinition } from '../src/core/command.ts';
import type { BotServices } from './services.ts';
import { displayTimeZone } from './shared.ts';

/** Trims an order id as typed and drops a leading `#` (`  #A123 ` → `A123`). */
export function normalizeOrderId(input: string): string {
  return input.trim().replace(/^#+\s*/, '').trim();
}

/** The tracked-card key of an order card: every posted copy updates together. */
export function orderCardKey(orderId: string): string {
  return `order:${orderId}`;
}

/** Reads everything the order card shows; tries the id as typed, then upper-cased. */
export async function readOrderView(services: BotServices, input: string): Promise<OrderCardView | undefined> {
  const id = normalizeOrderId(input);
  if (!id) return undefined;
  const order = (await services.orders.order(id)) ?? (id.toUpperCase() !== id ? await services.orders.order(id.toUpperCase()) : undefined);
  if (!order) return undefined;
  const findings = await services.findings.open({ orderId: order.orderId });
  const tasks = await services.tasks.forOrder(order.orderId);
  const notifications = await services.notify.notificationsFor(order.orderId);
  const contact = await services.orders.contact(order.orderId);
  return { order, findings, tasks, notifications, contact, now: services.clock.now(), timeZone: displayTimeZone() };
}

function notFound(t: TFunction, input: string): string {
  return t('bot:order.notFound', { id: normalizeOrderId(input) || input });
}

/** `/order <id>` (viewer). */
export const orderCommand: CommandDefinition<BotServices> = {
  name: 'order',
  helpKey: 'cmd.order',
  args: [{ name: 'id', required: true }],
  role: 'viewer',
  async handler(ctx) {
    const input = ctx.args.id ?? '';
    const view = await readOrderView(ctx.services, input);
    if (!view) return ctx.ephemeral(notFound(ctx.t, input));
    // A factory, so every posted copy is built (and later updated) in its own reader's language.
    await ctx.postTracked(orderCardKey(view.order.orderId), (t) => buildOrderCard(view, t));
  },
};

async function updateOrderCard(ctx: ActionContext<BotServices>, action: 'refresh' | 'sync'): Promise<boolean> {
  const view = await readOrderView(ctx.services, ctx.value);
  if (!view) {
    await ctx.ephemeral(notFound(ctx.t, ctx.value));
    return false;
  }
  const acted = { ...view, actedBy: { name: ctx.actor.name ?? ctx.actor.userId, action, at: view.now } };
  await ctx.updateCard((t) => buildOrderCard(acted, t));
  return true;
}

/** Refresh button (viewer): re-reads the order and updates the card everywhere. */
export const refreshOrderAction: ActionDefinition<BotServices> = {
  actionId: REFRESH_ORDER,
  role: 'viewer',
  async handler(ctx) {
    await updateOrderCard(ctx, 'refresh');
  },
};

/** Sync now button (agent): syncs every source, then updates the card everywhere. */
export const syncOrderAction: ActionDefinition<BotServices> = {
  actionId: SYNC_ORDER,
  role: 'agent',
  async handler(ctx) {
    await ctx.ephemeral(ctx.t('bot:order.syncStarted'));
    const summaries = await ctx.services.sync.run(undefined, 'chat');
    if (!(await updateOrderCard(ctx, 'sync'))) return;
    const failed = summaries.filter((s) => s.status === 'failed' && s.fallback?.status !== 'ok').map((s) => s.source);
    await ctx.ephemeral(failed.length > 0 ? ctx.t('bot:order.syncProblems', { sources: failed.join(', ') }) : ctx.t('bot:order.syncDone'));
  },
};
