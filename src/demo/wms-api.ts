import { z } from 'zod';
import { streetLines } from './addresses.ts';
import type { WmsState } from './fold.ts';
import { decodeToken, encodeToken, intParam, json, type DemoRequest, type DemoResponse } from './http.ts';
import { shipToOf, type DemoOrder, type DemoWorld } from './world.ts';

const cursorSchema = z.object({ s: z.number().nullable(), u: z.number(), i: z.number().int() });
const SHIPPED_OR_LATER = new Set(['SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'RETURNED']);
const WAREHOUSE = { CN: ['SHA-01', 'SF Express', 'SF'], US: ['LAX-02', 'UPS', '1Z'], ES: ['MAD-01', 'Correos', 'PQ'] } as const;

/** The WMS's JSON for one shipment (flat, English codes, epoch-ms time). */
export function wmsRecord(order: DemoOrder, view: { state: WmsState; updatedAt: number }): Record<string, unknown> {
  const [warehouse, carrier, prefix] = WAREHOUSE[order.customer.region];
  const shipped = SHIPPED_OR_LATER.has(view.state.status.toUpperCase());
  const to = shipToOf(order, view);
  return {
    shipment_id: `SH${order.orderId}`,
    order_ref: order.orderId,
    status: view.state.status,
    updated_at: view.updatedAt,
    warehouse,
    carrier: shipped ? carrier : null,
    tracking_no: shipped ? `${prefix}${String(order.shopifyId).slice(-10)}` : null,
    consignee: { name: order.customer.name, phone: order.customer.phone },
    // Where the parcel goes, as the warehouse imported it (one street text; district only for Chinese addresses).
    ship_to: {
      receiver: to.receiver.name,
      mobile: to.receiver.phone,
      country: to.country,
      province: to.region,
      city: to.city,
      ...(to.district ? { district: to.district } : {}),
      street: streetLines(to),
      zip: to.postalCode,
    },
    lines: order.items.map((it) => ({ sku: it.sku, qty: it.qty })),
  };
}

/** Serves /wms/v1/shipments: cursor pagination ordered by change time, `since` in epoch ms. */
export function handleWms(world: DemoWorld, req: DemoRequest): DemoResponse {
  if (req.method !== 'GET' || req.path !== '/wms/v1/shipments') return json(404, { error: 'not_found' });
  const limit = intParam(req.query, 'limit', 1, 1000);
  if (limit === null) return json(400, { error: 'invalid limit (1-1000)' });
  const cursorText = req.query.get('cursor');
  let since: number | null = null;
  let after: { u: number; i: number } | null = null;
  if (cursorText) {
    const parsed = cursorSchema.safeParse(decodeToken(cursorText));
    if (!parsed.success) return json(400, { error: 'invalid cursor' });
    // The cursor carries the original filter: a `since` sent alongside it is ignored.
    since = parsed.data.s;
    after = { u: parsed.data.u, i: parsed.data.i };
  } else {
    const sinceParam = intParam(req.query, 'since', 0, Number.MAX_SAFE_INTEGER);
    if (sinceParam === null) return json(400, { error: 'invalid since (epoch milliseconds expected)' });
    since = sinceParam ?? null;
  }
  const rows: { order: DemoOrder; view: { state: WmsState; updatedAt: number } }[] = [];
  for (const order of world.orders(req.now)) {
    const view = world.wms(order, req.now);
    if (!view || (since !== null && view.updatedAt < since)) continue;
    if (after && (view.updatedAt < after.u || (view.updatedAt === after.u && order.index <= after.i))) continue;
    rows.push({ order, view });
  }
  rows.sort((a, b) => a.view.updatedAt - b.view.updatedAt || a.order.index - b.order.index);
  const size = limit ?? 50;
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  const next = rows.length > size && last ? encodeToken({ s: since, u: last.view.updatedAt, i: last.order.index }) : null;
  return json(200, { items: page.map((r) => wmsRecord(r.order, r.view)), next_cursor: next });
}
