import type { CanonicalStatus } from './status.ts';

/** What a source knows about the customer behind an order (used by notifications). */
export interface CustomerInfo {
  id?: string | undefined;
  name?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  openid?: string | undefined;
  /** BCP-47 tag: zh-CN, en or es. */
  language?: string | undefined;
  /** IANA time zone, e.g. Asia/Shanghai. */
  timeZone?: string | undefined;
  /** Preferred notification channel: wechat, sms, email, wechaty. */
  preferredChannel?: string | undefined;
}

/**
 * Where an order ships to, as a source reports it. `street` holds the street lines (joined with ", " when a source
 * has two); a source with a one-line address puts all of it in `street`. Cards always mask it (src/core/address.ts).
 */
export interface ShippingAddress {
  /** The receiver's name (may differ from the customer's). */
  name?: string | undefined;
  /** The receiver's phone (couriers call it). */
  phone?: string | undefined;
  /** Country, as the source writes it (ISO code or name). */
  country?: string | undefined;
  /** Province / state. */
  region?: string | undefined;
  city?: string | undefined;
  /** District / county. */
  district?: string | undefined;
  street?: string | undefined;
  postalCode?: string | undefined;
}

/** One order line. */
export interface OrderItem {
  sku: string;
  name?: string | undefined;
  qty: number;
  price?: number | undefined;
}

/**
 * What turns the items' sum into what the customer owes: discounts (coupons, promotions) lower it, shipping and tax
 * raise it. Refunds are not here: they are money moved back, shown apart.
 */
export interface OrderAdjustments {
  discount?: number | undefined;
  shipping?: number | undefined;
  tax?: number | undefined;
}

/** shipping + tax − discount, or undefined when the source told none of them (then the items' sum is no reference). */
export function netAdjustment(a: OrderAdjustments | undefined): number | undefined {
  if (!a || (a.discount === undefined && a.shipping === undefined && a.tax === undefined)) return undefined;
  return Math.round(((a.shipping ?? 0) + (a.tax ?? 0) - (a.discount ?? 0)) * 100) / 100;
}

/** One order as a source reports it, raw status not yet mapped. */
export interface SourceRecord {
  orderId: string;
  rawStatus: string;
  /** When the source last changed the order, epoch milliseconds. */
  updatedAt: number;
  amount?: number | undefined;
  currency?: string | undefined;
  customer?: CustomerInfo | undefined;
  items?: OrderItem[] | undefined;
  /** Discount, shipping and tax, when the source says them (with `items`, they say what the amount should be). */
  adjustments?: OrderAdjustments | undefined;
  /** The shipping address, when the source has one. */
  shipTo?: ShippingAddress | undefined;
}

/** A source record whose raw status mapped onto a canonical status. */
export interface NormalizedRecord extends SourceRecord {
  system: string;
  status: CanonicalStatus;
}

/** A source record whose raw status has no mapping: kept aside, never guessed. */
export interface QuarantinedRecord extends SourceRecord {
  system: string;
  reason: string;
}

/** A source row that could not even be read (bad CSV row, missing field). */
export interface RecordError {
  /** Where it came from: `file.csv:12`, `page 3 #17`. */
  ref: string;
  message: string;
}

/** One entry of the append-only order event log. */
export interface OrderEvent {
  id?: number;
  orderId: string;
  system: string;
  from: CanonicalStatus | null;
  to: CanonicalStatus;
  raw: string;
  at: number;
  runId: number;
}

/** A problem the sync engine found, handed to the alerting work. */
export interface Finding {
  kind: 'unknown_status' | 'source_down' | 'bad_record' | (string & {});
  /** Stable identity of the problem: the same problem is one finding. */
  fingerprint: string;
  source?: string | undefined;
  orderId?: string | undefined;
  details: Record<string, unknown>;
}
