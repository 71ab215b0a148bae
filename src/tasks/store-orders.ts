import type { Store } from '../store/index.ts';
import type { TaskOrders } from './ports.ts';

/** Order facts for tasks, read from the store: amount, every system's view, the customer's phone (cards mask it). */
export function createStoreTaskOrders(store: Store): TaskOrders {
  return {
    async lookup(orderId) {
      const o = await store.queries.order(orderId);
      if (!o) return undefined;
      const customer = o.customerId ? await store.db.get<{ phone: string | null }>('SELECT phone FROM customers WHERE customer_id = ?', [o.customerId]) : undefined;
      return {
        amount: o.amount,
        currency: o.currency,
        views: o.snapshots.map((s) => ({ system: s.system, status: s.status })),
        phone: customer?.phone ?? undefined,
      };
    },
  };
}
