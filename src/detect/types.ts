// The problems detectors report. A finding's fingerprint makes the same problem one alert; it resolves when the condition clears.
import type { AddressPart } from '../core/address.ts';
import type { CanonicalStatus } from '../core/status.ts';

/** Every kind of finding. */
export const FINDING_KINDS = ['stale', 'regression', 'mismatch', 'price', 'stock', 'source_down', 'unknown_status', 'bad_record', 'undeliverable', 'address'] as const;
/** One kind of finding. */
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Details per kind (stored as JSON in findings.details). */
export interface FindingDetails {
  stale: { status: CanonicalStatus; since: number; limitHours: number; system: string };
  regression: { system: string; from: CanonicalStatus; to: CanonicalStatus; raw: string; at: number };
  mismatch: { views: { system: string; status: CanonicalStatus; raw: string; updatedAt: number }[]; since: number };
  price: { amounts: { system: string; amount: number; currency: string | null }[]; expected?: number; deviationPercent: number };
  stock: { system: string; raw: string; status: CanonicalStatus; since: number; items?: { sku: string; qty: number }[] };
  source_down: { failures: number; error: string; code: string; fallback: string | null; fallbackOk: boolean };
  unknown_status: { system: string; rawStatus: string; orders: number; sampleOrderIds: string[] };
  bad_record: { count: number; samples: { ref: string; message: string }[] };
  /** A customer message no channel could deliver (raised by the notification dispatcher; contacts never included). */
  undeliverable: { template: string; key: string; customerId: string; at: number; reasons: UndeliverableReasonDetail[] };
  /**
   * An unshipped order's address is in doubt (src/detect/address.ts): systems disagree and/or one is incomplete. Addresses
   * are masked here; `confirm` names the system whose address the customer would be asked to confirm.
   */
  address: {
    problems: ('disagree' | 'incomplete')[];
    status: CanonicalStatus;
    since: number;
    views: { system: string; masked: string; missing: ('street' | 'city')[]; changedAt: number }[];
    differs: AddressPart[];
    confirm: string;
  };
}

/** Why one channel could not deliver a message: our code, a short masked message, the provider's code when known. */
export interface UndeliverableReasonDetail {
  channel: string;
  code: string;
  message?: string | undefined;
  provider?: string | undefined;
}

/** Labels alerts are grouped, silenced and inhibited by. `shop` is `default` until multi-shop settings exist. */
export interface FindingLabels {
  kind: FindingKind;
  source: string;
  shop: string;
  orderId?: string | undefined;
}

/** The stable fingerprint of a finding (kind + order or source + systems). */
export function fingerprintOf(kind: FindingKind, parts: readonly (string | undefined)[]): string {
  return [kind, ...parts.filter((p): p is string => p !== undefined && p !== '')].join(':');
}
