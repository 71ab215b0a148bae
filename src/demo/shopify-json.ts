import { countryName, regionCode, type DemoAddress } from './addresses.ts';
import type { StorefrontState } from './fold.ts';
import { shipToOf, type DemoOrder } from './world.ts';

const SHOP_OFFSET_MS = 8 * 3_600_000;

/** Shopify-style timestamp: whole seconds in the shop's zone (the demo shop is in UTC+08:00). */
export function shopifyTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000 + SHOP_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** The instant a Shopify timestamp shows (milliseconds cut to whole seconds). */
export function shownSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Shopify Admin REST order object for one demo order as the storefront shows it. */
export function shopifyOrder(order: DemoOrder, view: { state: StorefrontState; updatedAt: number }): Record<string, unknown> {
  const c = order.customer;
  const s = view.state;
  const lang = c.language === 'en' ? 'en' : c.language;
  const money = (n: number): string => n.toFixed(2);
  return {
    id: order.shopifyId,
    admin_graphql_api_id: `gid://shopify/Order/${order.shopifyId}`,
    name: `#${order.orderId}`,
    order_number: Number(order.orderId),
    email: c.email,
    phone: c.phone,
    created_at: shopifyTime(order.createdAt),
    processed_at: shopifyTime(order.createdAt),
    updated_at: shopifyTime(view.updatedAt),
    cancelled_at: s.cancelledAt === null ? null : shopifyTime(s.cancelledAt),
    cancel_reason: s.cancelReason,
    closed_at: s.closedAt === null ? null : shopifyTime(s.closedAt),
    financial_status: s.financial,
    fulfillment_status: s.fulfillment,
    currency: order.currency,
    presentment_currency: order.currency,
    total_price: money(order.amount),
    subtotal_price: money(order.amount),
    total_tax: '0.00',
    total_discounts: '0.00',
    total_shipping_price_set: { shop_money: { amount: '0.00', currency_code: order.currency } },
    customer_locale: lang,
    source_name: 'web',
    test: false,
    note_attributes: [{ name: 'erp_order_no', value: order.orderId }],
    shipping_address: shippingAddress(shipToOf(order, view)),
    customer: {
      id: c.shopifyId,
      email: c.email,
      phone: c.phone,
      first_name: c.firstName,
      last_name: c.lastName,
      locale: lang,
      state: 'enabled',
      currency: c.currency,
    },
    line_items: order.items.map((it, i) => ({
      id: order.shopifyId * 10 + i,
      variant_id: 40_000_000_000 + i,
      sku: it.sku,
      title: c.language === 'zh-CN' ? it.names.zh : c.language === 'es' ? it.names.es : it.names.en,
      quantity: it.qty,
      price: money(it.price),
    })),
  };
}

// Shopify's MailingAddress: no district field; two street lines; the province written out plus its code.
function shippingAddress(a: DemoAddress): Record<string, unknown> {
  return {
    first_name: a.receiver.firstName,
    last_name: a.receiver.lastName,
    name: a.receiver.name,
    company: null,
    phone: a.receiver.phone,
    address1: a.line1,
    address2: a.line2 ?? null,
    city: a.city,
    province: a.region,
    province_code: regionCode(a.region),
    zip: a.postalCode,
    country: countryName(a.country),
    country_code: a.country,
  };
}
