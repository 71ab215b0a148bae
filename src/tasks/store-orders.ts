import { formatAddress } from '../core/address.ts';
import type { Store } from '../store/index.ts';
import { shippingAddressOf } from '../store/order-addresses.ts';
import type { Authority } from '../sync/canonical.ts';
import type { TaskOrders } from './ports.ts';

const NO_AUTHORITY: Authority = { payment: [], fulfilment: [], delivery: [], after_sales: [] };

/**
 * Order facts for tasks, read from the store: amount, every system's view, the customer's phone and the address the
 * order ships to (the most recently changed one; cards mask both).
 */
export function createStoreTaskOrders(store: Store, authority: () => Authority = () => NO_AUTHORITY): TaskOrders {
  return {
    async lookup(orderId) {
      const o = await store.queries.order(orderId);
      if (!o) return undefined;
      const customer = o.customerId ? await store.db.get<{ phone: string | null }>('SELECT phone FROM customers WHERE customer_id = ?', [o.customerId]) : undefined;
      const shipTo = await shippingAddressOf(store.db, orderId, authority());
      return {
        amount: o.amount,
        currency: o.currency,
        views: o.snapshots.map((s) => ({ system: s.system, status: s.status })),
        phone: customer?.phone ?? undefined,
        address: shipTo ? formatAddress(shipTo.address) : undefined,
      };
    },
  };
}
