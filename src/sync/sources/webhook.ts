import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { RecordError, SourceRecord } from '../../core/order.ts';
import type { SourceSettings } from '../../settings/schema.ts';
import { cleanShipTo } from '../../core/address.ts';
import { parseSourceOptions, readSecret } from './options.ts';
import type { OrderSource, SourceDeps } from './types.ts';

/** Options of a `webhook` source: how deliveries are signed and identified. */
export const webhookOptionsSchema = z.strictObject({
  /** Environment variable holding the HMAC-SHA256 secret. */
  secretEnv: z.string().min(1),
  signatureHeader: z.string().default('x-orderops-signature'),
  /** Text before the digest in the header (`sha256=` as GitHub does; empty for none). */
  signaturePrefix: z.string().default('sha256='),
  signatureEncoding: z.enum(['hex', 'base64']).default('hex'),
  /** Header carrying the delivery id; falls back to the body's `id`. */
  eventIdHeader: z.string().default('x-orderops-event-id'),
  /** Header carrying the Unix time (seconds) the sender signed together with the body: `HMAC(secret, "<ts>.<body>")`. */
  timestampHeader: z.string().default('x-orderops-timestamp'),
  /**
   * `accepted`: a signed timestamp is checked (5-minute window) when the sender sends one, and the body-only
   * signature still works; `required`: only timestamped signatures are accepted, so a captured body cannot be replayed.
   */
  signedTimestamp: z.enum(['accepted', 'required']).default('accepted'),
});

/** How far a signed timestamp may be from our clock, seconds. */
export const WEBHOOK_TIMESTAMP_WINDOW_S = 5 * 60;

/** Parsed webhook options. */
export type WebhookOptions = z.infer<typeof webhookOptionsSchema>;

const timestamp = z.union([z.number().finite(), z.string().min(1)]);
const money = z.union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const orderSchema = z.object({
  order_id: z.union([z.string().min(1), z.number()]).transform(String),
  status: z.string().min(1),
  updated_at: timestamp,
  amount: money.optional(),
  /** Discounts, shipping fee and tax of the order: with priced items they say what `amount` should be. */
  discount: money.optional(),
  shipping: money.optional(),
  tax: money.optional(),
  currency: z.string().optional(),
  customer: z
    .object({
      id: z.string().optional(),
      name: z.string().optional(),
      phone: z.string().optional(),
      email: z.string().optional(),
      openid: z.string().optional(),
      language: z.string().optional(),
      time_zone: z.string().optional(),
      preferred_channel: z.string().optional(),
    })
    .optional(),
  items: z.array(z.object({ sku: z.string(), name: z.string().optional(), qty: z.number(), price: z.number().optional() })).optional(),
  /** `street` holds the street lines as one text (a one-line address goes there whole). */
  shipping_address: z
    .object({
      name: z.string().optional(),
      phone: z.string().optional(),
      country: z.string().optional(),
      region: z.string().optional(),
      city: z.string().optional(),
      district: z.string().optional(),
      street: z.string().optional(),
      postal_code: z.string().optional(),
    })
    .optional(),
});

/** The orderops webhook body: a delivery id and one or more orders. */
export const webhookBodySchema = z.object({
  id: z.string().min(1).optional(),
  orders: z.array(z.unknown()).min(1).max(10_000),
});

/** A webhook source: nothing to pull; deliveries arrive on POST /webhooks/orders/:source. */
export interface WebhookSource extends OrderSource {
  readonly options: WebhookOptions;
  /** True when `signature` is the HMAC of `body` with this source's secret (constant time). */
  /** True when `signature` (with `timestamp`, if the sender signed one) is the sender's over `body`, at `nowMs`. */
  verify(body: Buffer, signature: string | undefined, timestamp: string | undefined, nowMs: number): boolean;
}

function parseTime(value: string | number): number | undefined {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** Turns the body's orders into source records; unreadable orders become errors with their index. */
export function readWebhookOrders(orders: readonly unknown[], eventId: string): { records: SourceRecord[]; errors: RecordError[] } {
  const records: SourceRecord[] = [];
  const errors: RecordError[] = [];
  orders.forEach((raw, i) => {
    const ref = `event ${eventId} #${i}`;
    const parsed = orderSchema.safeParse(raw);
    if (!parsed.success) {
      errors.push({ ref, message: parsed.error.issues.map((x) => `${x.path.join('.') || 'order'}: ${x.message}`).join('; ') });
      return;
    }
    const o = parsed.data;
    const updatedAt = parseTime(o.updated_at);
    if (updatedAt === undefined) {
      errors.push({ ref, message: `updated_at: not a date: ${String(o.updated_at).slice(0, 40)}` });
      return;
    }
    const c = o.customer;
    const a = o.shipping_address;
    const shipTo = a && cleanShipTo({ name: a.name, phone: a.phone, country: a.country, region: a.region, city: a.city, district: a.district, street: a.street, postalCode: a.postal_code });
    records.push({
      orderId: o.order_id,
      rawStatus: o.status,
      updatedAt,
      amount: o.amount,
      currency: o.currency,
      customer: c && { id: c.id, name: c.name, phone: c.phone, email: c.email, openid: c.openid, language: c.language, timeZone: c.time_zone, preferredChannel: c.preferred_channel },
      items: o.items,
      ...(o.discount !== undefined || o.shipping !== undefined || o.tax !== undefined ? { adjustments: { discount: o.discount, shipping: o.shipping, tax: o.tax } } : {}),
      ...(shipTo ? { shipTo } : {}),
    });
  });
  return { records, errors };
}

/** Creates a webhook source (validates options and that its secret is set). */
export function createWebhookSource(settings: SourceSettings, deps: SourceDeps): WebhookSource {
  const options = parseSourceOptions(webhookOptionsSchema, settings);
  const secret = readSecret(deps.env, options.secretEnv, settings.name);
  return {
    name: settings.name,
    kind: 'webhook',
    options,
    async *pull() {
      // Pushed, never pulled: a scheduled or manual run of a webhook source has nothing to fetch.
    },
    verify(body, signature, timestamp, nowMs) {
      if (!signature || !signature.startsWith(options.signaturePrefix)) return false;
      if (timestamp === undefined && options.signedTimestamp === 'required') return false;
      if (timestamp !== undefined && (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > WEBHOOK_TIMESTAMP_WINDOW_S)) return false;
      // Exactly the digest after the prefix: Buffer.from would quietly drop trailing junk ("<hex>!!x").
      const digest = signature.slice(options.signaturePrefix.length);
      if (!DIGEST_TEXT[options.signatureEncoding].test(digest)) return false;
      const given = Buffer.from(digest, options.signatureEncoding);
      const hmac = createHmac('sha256', secret);
      if (timestamp !== undefined) hmac.update(`${timestamp}.`);
      const expected = hmac.update(body).digest();
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

// An HMAC-SHA256 digest as text: 64 hex digits, or 43 base64 characters and one "=".
const DIGEST_TEXT = { hex: /^[0-9a-fA-F]{64}$/, base64: /^[A-Za-z0-9+/]{43}=$/ } as const;

/** Signs a body the way a webhook source expects (for senders and tests); with `timestamp`, over `"<timestamp>.<body>"`. */
export function signWebhookBody(body: string | Buffer, secret: string, opts: { prefix?: string; encoding?: 'hex' | 'base64'; timestamp?: number | string } = {}): string {
  const hmac = createHmac('sha256', secret);
  if (opts.timestamp !== undefined) hmac.update(`${opts.timestamp}.`);
  return `${opts.prefix ?? 'sha256='}${hmac.update(body).digest(opts.encoding ?? 'hex')}`;
}
