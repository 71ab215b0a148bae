import { sourceSettingsSchema, type SourceSettings } from '../settings/schema.ts';

/** Environment variable names the demo sources read their credentials from. */
export const DEMO_ENV = { erpToken: 'ORDEROPS_DEMO_ERP_TOKEN', shopifyToken: 'ORDEROPS_DEMO_SHOPIFY_TOKEN' } as const;

/** Mapping sets (keys of data/default-settings.json `mappings`) each demo system speaks. */
export const DEMO_MAPPINGS = { erp: ['zh-common'], wms: ['english-common'], storefront: ['shopify'] } as const;

/** A node-schedule cron spec firing every `seconds` (exact when it divides a minute or an hour). */
export function cronEvery(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `*/${s} * * * * *`;
  if (s % 60 === 0 && s < 3600) return `0 */${s / 60} * * * *`;
  if (s % 3600 === 0) return `0 0 */${Math.min(23, s / 3600)} * * *`;
  return `0 */${Math.min(59, Math.round(s / 60))} * * * *`;
}

/** The ready-to-use settings entries for the demo's ERP (http-json), WMS (http-json) and storefront (shopify). */
export function demoSourceSettings(baseUrl: string, syncEverySeconds: number): SourceSettings[] {
  const schedule = cronEvery(syncEverySeconds);
  const entries: unknown[] = [
    {
      name: 'erp',
      kind: 'http-json',
      schedule,
      mapping: [...DEMO_MAPPINGS.erp],
      options: {
        url: `${baseUrl}/erp/api/orders`,
        authHeader: { name: 'Authorization', env: DEMO_ENV.erpToken, prefix: 'Bearer ' },
        pagination: { type: 'page', pageParam: 'page', sizeParam: 'per_page', size: 100, start: 1, totalPath: '$.total' },
        // Paging is by order number, so the resume point is only safe after the last page; the overlap
        // covers changes made while the pages were being read.
        incremental: { param: 'updated_since', format: 'iso', overlapSeconds: 30 },
        sortedByUpdatedAt: false,
        recordsPath: '$.data',
        fields: {
          orderId: '$.order_no',
          status: '$.state.name',
          updatedAt: '$.modified',
          updatedAtFormat: 'iso',
          amount: '$.pay.amount',
          currency: '$.pay.currency',
          customer: {
            id: '$.buyer.id', name: '$.buyer.name', phone: '$.buyer.mobile', email: '$.buyer.email',
            openid: '$.buyer.wechat.openid', language: '$.buyer.lang', timeZone: '$.buyer.tz', preferredChannel: '$.buyer.notify_via',
          },
          items: { path: '$.lines[*]', sku: '$.sku', name: '$.title', qty: '$.qty', price: '$.unit_price' },
        },
        push: {
          url: `${baseUrl}/erp/api/orders/{id}/status`,
          method: 'POST',
          bodyField: 'status',
          values: {
            created: '待付款', paid: '已付款', allocated: '已配货', picking: '拣货中', packed: '已打包', shipped: '已发货',
            in_transit: '运输中', out_for_delivery: '派送中', delivered: '已签收', completed: '交易成功', cancelled: '交易关闭',
            refund_requested: '退款中', refunded: '已退款', returned: '已退货', exception: '物流异常',
          },
        },
        // Price corrections approved on a task are written here (amount in the order's currency).
        pushPrice: { url: `${baseUrl}/erp/api/orders/{id}/price`, method: 'POST', amountField: 'amount', currencyField: 'currency' },
      },
    },
    {
      name: 'wms',
      kind: 'http-json',
      schedule,
      mapping: [...DEMO_MAPPINGS.wms],
      options: {
        url: `${baseUrl}/wms/v1/shipments`,
        pagination: { type: 'cursor', cursorParam: 'cursor', nextCursorPath: '$.next_cursor', sizeParam: 'limit', size: 200 },
        incremental: { param: 'since', format: 'epoch_ms', overlapSeconds: 5 },
        sortedByUpdatedAt: true,
        recordsPath: '$.items',
        fields: {
          orderId: '$.order_ref',
          status: '$.status',
          updatedAt: '$.updated_at',
          updatedAtFormat: 'epoch_ms',
          customer: { name: '$.consignee.name', phone: '$.consignee.phone' },
          shipTo: {
            name: '$.ship_to.receiver', phone: '$.ship_to.mobile', country: '$.ship_to.country', region: '$.ship_to.province',
            city: '$.ship_to.city', district: '$.ship_to.district', street: '$.ship_to.street', postalCode: '$.ship_to.zip',
          },
          items: { path: '$.lines[*]', sku: '$.sku', qty: '$.qty' },
        },
      },
    },
    {
      name: 'storefront',
      kind: 'shopify',
      schedule,
      mapping: [...DEMO_MAPPINGS.storefront],
      options: {
        shopUrl: `${baseUrl}/shopify`,
        apiVersion: '2024-10',
        tokenEnv: DEMO_ENV.shopifyToken,
        limit: 250,
        orderIdFrom: 'name',
      },
    },
  ];
  return entries.map((e) => sourceSettingsSchema.parse(e));
}
