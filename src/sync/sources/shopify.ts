import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { PermanentError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { CanonicalStatus } from '../../core/status.ts';
import type { SourceSettings } from '../../settings/schema.ts';
import { requestJson, sourceHttpOptions, type HttpOptions } from '../http-client.ts';
import { parseTimeCursor } from './http-json.ts';
import { UNKNOWN_OPTION, httpRetryOptions, httpUrl } from './http-json-options.ts';
import { parseSourceOptions, readSecret } from './options.ts';
import { parseLinkHeader, shopifyOrderSchema, shopifyOrdersPageSchema, shopifyOrderId, toShopifyRecord } from './shopify-order.ts';
import type { OrderSource, PullContext, SourceDeps, SourcePage } from './types.ts';

/** Options of a `shopify` source (`sources[].options`). */
export const shopifyOptionsSchema = z.strictObject({
  /** The shop's base URL, e.g. https://my-shop.myshopify.com (the demo's /shopify URL in tests). */
  shopUrl: httpUrl,
  apiVersion: z.string().regex(/^(\d{4}-\d{2}|unstable)$/, 'must look like 2024-10').default('2024-10'),
  /** Environment variable holding the Admin API access token. */
  tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
  limit: z.number().int().min(1).max(250).default(250),
  /** Our order id: the order name without '#' (shared with ERP/WMS), or Shopify's numeric id. */
  orderIdFrom: z.enum(['name', 'id']).default('name'),
  /** Ask again for this many seconds before the resume point. */
  overlapSeconds: z.number().min(0).max(86_400).default(0),
  ...httpRetryOptions,
}, UNKNOWN_OPTION);

/** Validated options of a `shopify` source. */
export type ShopifyOptions = z.infer<typeof shopifyOptionsSchema>;

const ID_CACHE_MAX = 50_000;
const singleOrderSchema = z.object({ order: z.unknown() });

/** Creates a Shopify Admin REST source: orders by updated_at ascending, Link pagination, cancel and fulfil push. */
export function createShopifySource(settings: SourceSettings, deps: SourceDeps): OrderSource {
  const opts: ShopifyOptions = parseSourceOptions(shopifyOptionsSchema, settings);
  const name = settings.name;
  const token = readSecret(deps.env, opts.tokenEnv, name);
  const base = `${opts.shopUrl.replace(/\/+$/, '')}/admin/api/${opts.apiVersion}`;
  const headers = { 'X-Shopify-Access-Token': token };
  // Our id → Shopify's numeric id, learnt while pulling, so a push rarely needs a lookup.
  const ids = new Map<string, string>();

  const http = sourceHttpOptions({ headers, timeoutMs: opts.timeoutMs, retries: opts.retries, retryBaseMs: opts.retryBaseMs, retryMaxMs: opts.retryMaxMs }, deps.random);

  const remember = (orderId: string, shopifyId: string): void => {
    ids.delete(orderId);
    ids.set(orderId, shopifyId);
    if (ids.size > ID_CACHE_MAX) {
      const oldest = ids.keys().next().value;
      if (oldest !== undefined) ids.delete(oldest);
    }
  };

  const readPage = (body: unknown): unknown[] => {
    const parsed = shopifyOrdersPageSchema.safeParse(body);
    if (!parsed.success) throw new PermanentError('source.bad_response', `source "${name}": orders.json answered without an orders array`, { source: name });
    return parsed.data.orders;
  };

  async function* pull(ctx: PullContext): AsyncGenerator<SourcePage> {
    const previous = parseTimeCursor(ctx.cursor, name);
    const first = new URLSearchParams({ status: 'any', limit: String(opts.limit), order: 'updated_at asc' });
    if (previous !== null) first.set('updated_at_min', new Date(previous - opts.overlapSeconds * 1000).toISOString());
    let url = `${base}/orders.json?${first.toString()}`;
    let emitted = previous;
    const seen = new Set<string>();
    for (let pageNo = 1; ; pageNo++) {
      if (pageNo > opts.maxPages) throw new PermanentError('source.too_many_pages', `source "${name}" returned more than ${opts.maxPages} pages in one pull`, { source: name });
      const res = await requestJson(url, http(ctx));
      const page: SourcePage = { records: [], errors: [] };
      let max = emitted;
      readPage(res.body).forEach((raw, i) => {
        const out = toShopifyRecord(raw, opts.orderIdFrom);
        if ('error' in out) {
          page.errors.push({ ref: `page ${pageNo} #${i + 1}`, message: out.error });
          return;
        }
        page.records.push(out.record);
        remember(out.record.orderId, out.shopifyId);
        if (max === null || out.record.updatedAt > max) max = out.record.updatedAt;
      });
      // Sorted by updated_at ascending: everything up to this page's newest change is in this page or before.
      if (max !== null && max !== emitted) {
        page.cursor = new Date(max).toISOString();
        emitted = max;
      }
      const next = parseLinkHeader(res.headers.get('link')).next;
      const pageInfo = next ? new URL(next, base).searchParams.get('page_info') : null;
      yield page;
      if (!pageInfo) return;
      if (seen.has(pageInfo)) throw new PermanentError('source.cursor_loop', `source "${name}" returned the same page_info twice`, { source: name });
      seen.add(pageInfo);
      // Shopify refuses other filters next to page_info; the URL is rebuilt on our own base so the token only goes to the shop.
      url = `${base}/orders.json?${new URLSearchParams({ limit: String(opts.limit), page_info: pageInfo }).toString()}`;
    }
  }

  const resolveId = async (orderId: string, ctx: { clock: Clock; log: Logger }): Promise<string> => {
    if (opts.orderIdFrom === 'id') {
      if (!/^\d+$/.test(orderId)) throw new PermanentError('push.not_found', `source "${name}": ${orderId} is not a Shopify order id`, { source: name, orderId });
      return orderId;
    }
    const known = ids.get(orderId);
    if (known) return known;
    const q = new URLSearchParams({ status: 'any', name: `#${orderId}`, limit: '5', fields: 'id,name' });
    const res = await requestJson(`${base}/orders.json?${q.toString()}`, http(ctx));
    for (const raw of readPage(res.body)) {
      const o = shopifyOrderSchema.pick({ id: true, name: true }).safeParse(raw);
      if (o.success && shopifyOrderId(o.data, 'name') === orderId) {
        remember(orderId, String(o.data.id));
        return String(o.data.id);
      }
    }
    throw new PermanentError('push.not_found', `source "${name}" has no order ${orderId}`, { source: name, orderId });
  };

  // After a 422 the order may already be as we want it (an earlier attempt whose answer was lost).
  const alreadyDone = async (id: string, status: CanonicalStatus, ctx: { clock: Clock; log: Logger }): Promise<boolean> => {
    const res = await requestJson(`${base}/orders/${id}.json`, http(ctx));
    const parsed = singleOrderSchema.safeParse(res.body);
    const order = parsed.success ? shopifyOrderSchema.safeParse(parsed.data.order) : undefined;
    if (!order?.success) return false;
    return status === 'cancelled' ? Boolean(order.data.cancelled_at) : order.data.fulfillment_status === 'fulfilled';
  };

  const push = async (orderId: string, status: CanonicalStatus, ctx: { clock: Clock; log: Logger }): Promise<void> => {
    if (status !== 'cancelled' && status !== 'shipped') {
      throw new PermanentError('push.unsupported', `source "${name}" (Shopify) can only cancel or fulfil an order, not set ${status}`, { source: name, status });
    }
    const id = await resolveId(orderId, ctx);
    const [path, body] =
      status === 'cancelled'
        ? ['cancel.json', { reason: 'other', email: false }]
        : ['fulfillments.json', { fulfillment: { notify_customer: false } }];
    try {
      await requestJson(`${base}/orders/${id}/${path}`, {
        ...http(ctx),
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (err) {
      if (err instanceof PermanentError && err.code === 'http.422' && (await alreadyDone(id, status, ctx))) return;
      throw err;
    }
  };

  return { name, kind: 'shopify', pull, push };
}
