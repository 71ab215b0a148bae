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
