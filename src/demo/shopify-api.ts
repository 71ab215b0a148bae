import { z } from 'zod';
import { STATUS_RANK } from '../core/status.ts';
import type { StorefrontState } from './fold.ts';
import { decodeToken, encodeToken, intParam, json, type DemoRequest, type DemoResponse } from './http.ts';
import type { LeakyBucket } from './shopify-bucket.ts';
import { shopifyOrder, shownSecond } from './shopify-json.ts';
import type { DemoOrder, DemoWorld } from './world.ts';

const PREFIX = /^\/shopify\/admin\/api\/(\d{4}-\d{2}|unstable)(\/.*)$/;
const ORDERS = ['updated_at asc', 'updated_at desc', 'created_at asc', 'created_at desc', 'id asc', 'id desc'] as const;
const STATUSES = ['open', 'closed', 'cancelled', 'any'] as const;
const LIST_KEYS = new Set(['status', 'updated_at_min', 'updated_at_max', 'created_at_min', 'limit', 'order', 'name', 'fields', 'page_info']);

const filterSchema = z.object({
  status: z.enum(STATUSES),
  order: z.enum(ORDERS),
  updatedMin: z.number().nullable(),
  updatedMax: z.number().nullable(),
  createdMin: z.number().nullable(),
  name: z.string().nullable(),
});
type Filter = z.infer<typeof filterSchema>;
const pageInfoSchema = z.object({ f: filterSchema, k: z.tuple([z.number(), z.number()]), d: z.enum(['next', 'prev']) });

interface Row {
  order: DemoOrder;
  view: { state: StorefrontState; updatedAt: number };
  key: [number, number];
}

/** Serves /shopify/admin/api/<version>/...: token auth, leaky-bucket 429s, Link pagination, cancel and fulfil. */
export function handleShopify(world: DemoWorld, token: string, bucket: LeakyBucket, req: DemoRequest): DemoResponse {
  const m = PREFIX.exec(req.path);
  if (!m?.[1] || !m[2]) return json(404, { errors: 'Not Found' });
  if (req.headers['x-shopify-access-token'] !== token) {
    return json(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
  }
  const admitted = bucket.take();
  const limitHeader = { 'X-Shopify-Shop-Api-Call-Limit': bucket.header(admitted.used), 'X-Shopify-API-Version': m[1] };
  if (!admitted.ok) {
    return json(429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, {
      ...limitHeader,
      'Retry-After': admitted.retryAfterS.toFixed(1),
    });
  }
  const res = route(world, m[1], m[2], req);
  return { ...res, headers: { ...limitHeader, ...res.headers } };
}

function route(world: DemoWorld, version: string, rest: string, req: DemoRequest): DemoResponse {
  if (req.method === 'GET' && rest === '/orders.json') return listOrders(world, version, req);
  const m = /^\/orders\/(\d+)(\.json|\/cancel\.json|\/fulfillments\.json)$/.exec(rest);
  const order = m?.[1] ? world.findByShopifyId(Number(m[1]), req.now) : undefined;
  const view = order && world.storefront(order, req.now);
  if (!m || !order || !view) return json(404, { errors: 'Not Found' });
  if (req.method === 'GET' && m[2] === '.json') return json(200, { order: shopifyOrder(order, view) });
  if (req.method === 'POST' && m[2] === '/cancel.json') return cancel(world, order, view.state, req);
  if (req.method === 'POST' && m[2] === '/fulfillments.json') return fulfil(world, order, view.state, req);
  return json(404, { errors: 'Not Found' });
}

function parseTime(value: string | null): number | null | undefined {
  if (value === null || value === '') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

function readFilter(q: URLSearchParams): Filter | string {
  const status = q.get('status') ?? 'open';
  const order = q.get('order') ?? 'created_at desc';
  if (!(STATUSES as readonly string[]).includes(status)) return 'status';
  if (!(ORDERS as readonly string[]).includes(order)) return 'order';
  const updatedMin = parseTime(q.get('updated_at_min'));
  const updatedMax = parseTime(q.get('updated_at_max'));
  const createdMin = parseTime(q.get('created_at_min'));
  if (updatedMin === undefined) return 'updated_at_min';
  if (updatedMax === undefined) return 'updated_at_max';
  if (createdMin === undefined) return 'created_at_min';
  return { status: status as Filter['status'], order: order as Filter['order'], updatedMin, updatedMax, createdMin, name: q.get('name') };
}

function matches(f: Filter, order: DemoOrder, view: Row['view']): boolean {
  const s = view.state;
  const shown = shownSecond(view.updatedAt);
  if (f.status === 'open' && (s.cancelledAt !== null || s.closedAt !== null)) return false;
  if (f.status === 'closed' && s.closedAt === null) return false;
  if (f.status === 'cancelled' && s.cancelledAt === null) return false;
  if (f.updatedMin !== null && shown < f.updatedMin) return false;
  if (f.updatedMax !== null && shown > f.updatedMax) return false;
  if (f.createdMin !== null && shownSecond(order.createdAt) < f.createdMin) return false;
  if (f.name !== null && f.name.replace(/^#/, '') !== order.orderId) return false;
  return true;
}

function listOrders(world: DemoWorld, version: string, req: DemoRequest): DemoResponse {
  const q = req.query;
  const limit = intParam(q, 'limit', 1, 250);
  if (limit === null) return json(400, { errors: { limit: ['must be between 1 and 250'] } });
  for (const key of q.keys()) if (!LIST_KEYS.has(key)) return json(400, { errors: { [key]: ['is not a supported parameter'] } });
  const pageInfoText = q.get('page_info');
  let filter: Filter;
  let cursor: z.infer<typeof pageInfoSchema> | null = null;
  if (pageInfoText !== null) {
    // As in Shopify: with page_info only limit (and fields) may be sent; the token carries the filters.
    const extra = [...q.keys()].filter((k) => k !== 'page_info' && k !== 'limit' && k !== 'fields');
    if (extra.length > 0) return json(400, { errors: { page_info: [`cannot be combined with ${extra.join(', ')}`] } });
    const parsed = pageInfoSchema.safeParse(decodeToken(pageInfoText));
    if (!parsed.success) return json(400, { errors: { page_info: ['Invalid value.'] } });
    cursor = parsed.data;
    filter = parsed.data.f;
  } else {
    const read = readFilter(q);
    if (typeof read === 'string') return json(400, { errors: { [read]: ['Invalid value.'] } });
    filter = read;
  }
  const [field, dir] = filter.order.split(' ') as [string, string];
  const sign = dir === 'asc' ? 1 : -1;
  const rows: Row[] = [];
  for (const order of world.orders(req.now)) {
    const view = world.storefront(order, req.now);
    if (!view || !matches(filter, order, view)) continue;
    const primary = field === 'updated_at' ? shownSecond(view.updatedAt) : field === 'created_at' ? shownSecond(order.createdAt) : order.shopifyId;
    rows.push({ order, view, key: [primary, order.shopifyId] });
  }
  const cmp = (a: [number, number], b: [number, number]): number => sign * (a[0] - b[0] || a[1] - b[1]);
  rows.sort((a, b) => cmp(a.key, b.key));
  const size = limit ?? 50;
  let start = 0;
  if (cursor?.d === 'next') {
    const k = cursor.k;
    start = rows.findIndex((r) => cmp(r.key, k) > 0);
    if (start < 0) start = rows.length;
  } else if (cursor?.d === 'prev') {
    const k = cursor.k;
    let end = rows.findIndex((r) => cmp(r.key, k) >= 0);
    if (end < 0) end = rows.length;
    start = Math.max(0, end - size);
  }
  const page = rows.slice(start, start + size);
  const links: string[] = [];
  const base = `${req.origin}/shopify/admin/api/${version}/orders.json`;
  const link = (key: [number, number], d: 'next' | 'prev'): string =>
    `<${base}?limit=${size}&page_info=${encodeToken({ f: filter, k: key, d })}>; rel="${d === 'next' ? 'next' : 'previous'}"`;
  const first = page[0];
  const last = page[page.length - 1];
  if (start > 0 && first) links.push(link(first.key, 'prev'));
  if (start + size < rows.length && last) links.push(link(last.key, 'next'));
  const fields = q.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean);
  const orders = page.map((r) => {
    const full = shopifyOrder(r.order, r.view);
    return fields ? Object.fromEntries(Object.entries(full).filter(([k]) => fields.includes(k))) : full;
  });
  return json(200, { orders }, links.length > 0 ? { Link: links.join(', ') } : {});
}

const cancelBody = z.object({ reason: z.enum(['customer', 'fraud', 'inventory', 'declined', 'other']).optional() }).passthrough();

function cancel(world: DemoWorld, order: DemoOrder, state: StorefrontState, req: DemoRequest): DemoResponse {
  if (state.cancelledAt !== null) return json(422, { errors: { base: ['Order has already been cancelled'] } });
  if (state.fulfillment === 'fulfilled') return json(422, { errors: { base: ['Cannot cancel an order that has been fulfilled'] } });
  const body = cancelBody.safeParse(req.body ?? {});
  if (!body.success) return json(422, { errors: { reason: ['is not included in the list'] } });
  const paid = state.financial === 'paid' || state.financial === 'partially_refunded';
  world.push('storefront', order, { rank: STATUS_RANK.cancelled, terminal: true, set: { cancelReason: body.data.reason ?? 'other', financial: paid ? 'refunded' : 'voided' } });
  const view = world.storefront(order, req.now);
  return json(200, { order: view ? shopifyOrder(order, view) : null });
}

function fulfil(world: DemoWorld, order: DemoOrder, state: StorefrontState, req: DemoRequest): DemoResponse {
  if (state.cancelledAt !== null) return json(422, { errors: { base: ['Cannot fulfill a cancelled order'] } });
  if (state.fulfillment === 'fulfilled') return json(422, { errors: { base: ['All line items are already fulfilled'] } });
  world.push('storefront', order, { rank: STATUS_RANK.shipped, set: { fulfillment: 'fulfilled' } });
  const view = world.storefront(order, req.now);
  const at = view ? shopifyOrder(order, view).updated_at : null;
  return json(201, {
    fulfillment: {
      id: order.shopifyId + 1,
      order_id: order.shopifyId,
      status: 'success',
      created_at: at,
      updated_at: at,
      line_items: order.items.map((it) => ({ sku: it.sku, quantity: it.qty })),
    },
  });
}
