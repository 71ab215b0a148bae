import { z } from 'zod';
import type { CustomerInfo, OrderItem, ShippingAddress, SourceRecord } from '../../core/order.ts';
import { cleanShipTo } from '../../core/address.ts';
import { asNumber, asText } from './http-json-extract.ts';

const idSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]);
const text = z.string().nullish();
const customerSchema = z
  .object({ id: idSchema.nullish(), email: text, phone: text, first_name: text, last_name: text, locale: text })
  .nullish();
// Stores hand-build addresses through the API too: a zip sent as a number is still a zip.
const addressText = z.union([z.string(), z.number()]).nullish();
const addressSchema = z
  .object({
    name: text,
    first_name: text,
    last_name: text,
    phone: addressText,
    address1: addressText,
    address2: addressText,
    city: addressText,
    province: addressText,
    zip: addressText,
    country: addressText,
    country_code: addressText,
  })
  .nullish();
const lineSchema = z.object({
  sku: text,
  title: text,
  name: text,
  quantity: z.number(),
  price: z.union([z.string(), z.number()]).nullish(),
  variant_id: z.number().nullish(),
});

/** The parts of a Shopify Admin REST order this source reads. */
export const shopifyOrderSchema = z.object({
  id: idSchema,
  name: text,
  financial_status: text,
  fulfillment_status: text,
  cancelled_at: text,
  updated_at: z.string(),
  total_price: z.union([z.string(), z.number()]).nullish(),
  total_discounts: z.union([z.string(), z.number()]).nullish(),
  total_tax: z.union([z.string(), z.number()]).nullish(),
  taxes_included: z.boolean().nullish(),
  total_shipping_price_set: z.object({ shop_money: z.object({ amount: z.union([z.string(), z.number()]) }).nullish() }).nullish(),
  currency: text,
  email: text,
  phone: text,
  customer_locale: text,
  customer: customerSchema,
  shipping_address: addressSchema,
  line_items: z.array(z.unknown()).nullish(),
});

/** A validated Shopify order. */
export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;

/** The page wrapper of GET orders.json. */
export const shopifyOrdersPageSchema = z.object({ orders: z.array(z.unknown()) });

/** Our raw status for a Shopify order: `cancelled`, else `<financial_status>/<fulfillment_status>`. */
export function shopifyRawStatus(o: Pick<ShopifyOrder, 'cancelled_at' | 'financial_status' | 'fulfillment_status'>): string {
  if (o.cancelled_at) return 'cancelled';
  return `${o.financial_status ?? 'pending'}/${o.fulfillment_status ?? 'unfulfilled'}`;
}

/** Our order id for a Shopify order: its name without '#', or its numeric id. */
export function shopifyOrderId(o: Pick<ShopifyOrder, 'id' | 'name'>, from: 'name' | 'id'): string | undefined {
  if (from === 'id') return String(o.id);
  const name = o.name?.trim().replace(/^#/, '');
  return name ? name : undefined;
}

function toItems(lines: readonly unknown[]): OrderItem[] {
  const items: OrderItem[] = [];
  for (const line of lines) {
    const parsed = lineSchema.safeParse(line);
    if (!parsed.success) continue;
    const l = parsed.data;
    const sku = asText(l.sku) ?? (l.variant_id ? String(l.variant_id) : undefined);
    if (!sku) continue;
    const item: OrderItem = { sku, qty: l.quantity };
    const name = asText(l.title) ?? asText(l.name);
    const price = asNumber(l.price);
    if (name !== undefined) item.name = name;
    if (price !== undefined) item.price = price;
    items.push(item);
  }
  return items;
}

const CJK = /[\u3400-\u9fff]/;

// Chinese names are written family name first, without a space (张超, not 超 张).
function personName(first: string | null | undefined, last: string | null | undefined): string {
  const f = first?.trim() ?? '';
  const l = last?.trim() ?? '';
  if (CJK.test(f) && CJK.test(l)) return `${l}${f}`;
  return [f, l].filter((p) => p !== '').join(' ');
}

// Shopify has no district; its two street lines become one `street`.
function toShipTo(a: z.infer<typeof addressSchema>): ShippingAddress | undefined {
  if (!a) return undefined;
  const street = [asText(a.address1), asText(a.address2)].filter((line) => line !== undefined).join(', ');
  return cleanShipTo({
    name: asText(a.name) ?? personName(a.first_name, a.last_name),
    phone: asText(a.phone),
    country: asText(a.country_code) ?? asText(a.country),
    region: asText(a.province),
    city: asText(a.city),
    street,
    postalCode: asText(a.zip),
  });
}

/** Converts one raw order into a record, or an error message saying what is wrong with it. */
export function toShopifyRecord(raw: unknown, orderIdFrom: 'name' | 'id'): { record: SourceRecord; shopifyId: string } | { error: string } {
  const parsed = shopifyOrderSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.map(String).join('.') || '(order)' : '(order)';
    return { error: `invalid order: ${where}: ${issue?.message ?? 'unreadable'}` };
  }
  const o = parsed.data;
  const orderId = shopifyOrderId(o, orderIdFrom);
  if (orderId === undefined) return { error: `order id ${String(o.id)}: missing name` };
  const updatedAt = Date.parse(o.updated_at);
  if (Number.isNaN(updatedAt)) return { error: `order ${orderId}: unparsable updated_at "${o.updated_at.slice(0, 40)}"` };
  const record: SourceRecord = { orderId, rawStatus: shopifyRawStatus(o), updatedAt };
  const amount = asNumber(o.total_price);
  if (amount !== undefined) record.amount = amount;
  if (o.currency) record.currency = o.currency;
  const c = o.customer;
  const customer: CustomerInfo = {};
  if (c?.id !== undefined && c.id !== null) customer.id = String(c.id);
  const name = personName(c?.first_name, c?.last_name);
  if (name) customer.name = name;
  const phone = c?.phone ?? o.phone;
  const email = c?.email ?? o.email;
  const language = o.customer_locale ?? c?.locale;
  if (phone) customer.phone = phone;
  if (email) customer.email = email;
  if (language) customer.language = language;
  if (Object.keys(customer).length > 0) record.customer = customer;
  const items = toItems(o.line_items ?? []);
  if (items.length > 0) record.items = items;
  // Line prices are before discounts; total_price is after them, with shipping and tax: say what lies between.
  // With taxes_included (prices shown with VAT, as EU shops do) the tax is already in the line prices.
  const adjustments = { discount: asNumber(o.total_discounts), shipping: asNumber(o.total_shipping_price_set?.shop_money?.amount), tax: o.taxes_included && asNumber(o.total_tax) !== undefined ? 0 : asNumber(o.total_tax) };
  if (Object.values(adjustments).some((v) => v !== undefined)) record.adjustments = adjustments;
  const shipTo = toShipTo(o.shipping_address);
  if (shipTo) record.shipTo = shipTo;
  return { record, shopifyId: String(o.id) };
}

/** The URLs of a Link header by rel (next, previous). */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const m of header.matchAll(/<([^>]+)>\s*;\s*rel="?([^",;]+)"?/g)) {
    if (m[1] && m[2]) out[m[2]] = m[1];
  }
  return out;
}
