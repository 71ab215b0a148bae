import { z } from 'zod';
import { STATUS_RANK, type CanonicalStatus } from '../core/status.ts';
import { intParam, isoUtc, json, type DemoRequest, type DemoResponse } from './http.ts';
import type { DemoOrder, DemoWorld } from './world.ts';

/** Statuses the demo ERP accepts on its status endpoint, with what they mean (for override ranking). */
export const ERP_VOCABULARY: Readonly<Record<string, CanonicalStatus>> = {
  待付款: 'created', 已付款: 'paid', 待发货: 'paid', 已配货: 'allocated', 拣货中: 'picking', 已打包: 'packed',
  已发货: 'shipped', 运输中: 'in_transit', 派送中: 'out_for_delivery', 已签收: 'delivered', 交易成功: 'completed',
  交易关闭: 'cancelled', 已取消: 'cancelled', 退款中: 'refund_requested', 已退款: 'refunded', 已退货: 'returned', 物流异常: 'exception',
};

const statusBody = z.object({ status: z.string().min(1) });
const priceBody = z.object({ amount: z.number().finite().min(0), currency: z.string().regex(/^[A-Za-z]{3}$/).optional() });

/** The ERP's JSON for one order: nested, so sources need real JSON paths. */
export function erpRecord(order: DemoOrder, view: { state: { status: string; amount?: number | undefined }; updatedAt: number }): Record<string, unknown> {
  const c = order.customer;
  return {
    order_no: order.orderId,
    state: { name: view.state.status },
    created: isoUtc(order.createdAt),
    modified: isoUtc(view.updatedAt),
    pay: { amount: view.state.amount ?? order.amount, currency: order.currency, method: c.region === 'CN' ? 'wechat_pay' : 'card' },
    buyer: {
      id: c.id, name: c.name, mobile: c.phone, email: c.email, wechat: { openid: c.openid },
      lang: c.language, tz: c.timeZone, notify_via: c.preferredChannel,
    },
    lines: order.items.map((it) => ({ sku: it.sku, title: it.names.zh, qty: it.qty, unit_price: it.price })),
  };
}

/** Serves /erp/api/...: bearer-token auth, page pagination, status push, price (amount) push. */
export function handleErp(world: DemoWorld, token: string, req: DemoRequest): DemoResponse {
  if (req.headers.authorization !== `Bearer ${token}`) return json(401, { error: 'unauthorized', message: 'missing or invalid bearer token' });
  if (req.method === 'GET' && req.path === '/erp/api/orders') return listOrders(world, req);
  const one = /^\/erp\/api\/orders\/([^/]+)$/.exec(req.path);
  if (req.method === 'GET' && one?.[1]) {
    const order = world.findOrder(decodeURIComponent(one[1]), req.now);
    const view = order && world.erp(order, req.now);
    return order && view ? json(200, erpRecord(order, view)) : json(404, { error: 'not_found' });
  }
  const push = /^\/erp\/api\/orders\/([^/]+)\/status$/.exec(req.path);
  if (req.method === 'POST' && push?.[1]) return pushStatus(world, decodeURIComponent(push[1]), req);
  const price = /^\/erp\/api\/orders\/([^/]+)\/price$/.exec(req.path);
  if (req.method === 'POST' && price?.[1]) return pushPrice(world, decodeURIComponent(price[1]), req);
  return json(404, { error: 'not_found' });
}

function listOrders(world: DemoWorld, req: DemoRequest): DemoResponse {
  const page = intParam(req.query, 'page', 1, 1_000_000);
  const perPage = intParam(req.query, 'per_page', 1, 500);
  if (page === null) return json(400, { error: 'invalid page' });
  if (perPage === null) return json(400, { error: 'invalid per_page (1-500)' });
  const sinceText = req.query.get('updated_since');
  const since = sinceText ? Date.parse(sinceText) : -Infinity;
  if (Number.isNaN(since)) return json(400, { error: 'invalid updated_since (ISO-8601 expected)' });
  const size = perPage ?? 20;
  const start = ((page ?? 1) - 1) * size;
  // Sorted by order number, not by change time: a change during paging adds a row, never hides one.
  const data: Record<string, unknown>[] = [];
  let total = 0;
  for (const order of world.orders(req.now)) {
    const view = world.erp(order, req.now);
    if (!view || view.updatedAt < since) continue;
    if (total >= start && total < start + size) data.push(erpRecord(order, view));
    total++;
  }
  return json(200, { data, page: page ?? 1, per_page: size, total });
}

function pushStatus(world: DemoWorld, orderId: string, req: DemoRequest): DemoResponse {
  const order = world.findOrder(orderId, req.now);
  if (!order || !world.erp(order, req.now)) return json(404, { error: 'not_found', message: `no order ${orderId}` });
  const body = statusBody.safeParse(req.body);
  if (!body.success) return json(400, { error: 'invalid body', message: 'expected {"status": "<status>"}' });
  const canonical = ERP_VOCABULARY[body.data.status];
  if (!canonical) return json(422, { error: 'unknown_status', message: `unknown status ${body.data.status}` });
  world.push('erp', order, { rank: STATUS_RANK[canonical], set: { status: body.data.status }, terminal: canonical === 'cancelled' });
  const view = world.erp(order, req.now);
  return json(200, view ? erpRecord(order, view) : {});
}

function pushPrice(world: DemoWorld, orderId: string, req: DemoRequest): DemoResponse {
  const order = world.findOrder(orderId, req.now);
  if (!order || !world.erp(order, req.now)) return json(404, { error: 'not_found', message: `no order ${orderId}` });
  const body = priceBody.safeParse(req.body);
  if (!body.success) return json(400, { error: 'invalid body', message: 'expected {"amount": <number ≥ 0>, "currency": "<ISO code>"}' });
  if (body.data.currency !== undefined && body.data.currency.toUpperCase() !== order.currency) {
    return json(422, { error: 'currency_mismatch', message: `order ${orderId} is in ${order.currency}, not ${body.data.currency}` });
  }
  world.setErpAmount(order, Math.round(body.data.amount * 100) / 100);
  const view = world.erp(order, req.now);
  return json(200, view ? erpRecord(order, view) : {});
}
