// Finding details read back from SQLite, parsed per kind (zod at the edge), and how bad each alert is.
import { z } from 'zod';
import { ADDRESS_PARTS } from '../core/address.ts';
import { CANONICAL_STATUSES } from '../core/status.ts';
import type { FindingDetails, FindingKind } from './types.ts';

const status = z.enum(CANONICAL_STATUSES);

const SCHEMAS: { [K in FindingKind]: z.ZodType<FindingDetails[K]> } = {
  stale: z.object({ status, since: z.number(), limitHours: z.number(), system: z.string() }),
  regression: z.object({ system: z.string(), from: status, to: status, raw: z.string(), at: z.number() }),
  mismatch: z.object({ views: z.array(z.object({ system: z.string(), status, raw: z.string(), updatedAt: z.number() })), since: z.number() }),
  price: z.object({
    amounts: z.array(z.object({ system: z.string(), amount: z.number(), currency: z.string().nullable() })),
    expected: z.number().optional(),
    deviationPercent: z.number(),
  }),
  stock: z.object({ system: z.string(), raw: z.string(), status, since: z.number(), items: z.array(z.object({ sku: z.string(), qty: z.number() })).optional() }),
  source_down: z.object({ failures: z.number(), error: z.string(), code: z.string(), fallback: z.string().nullable(), fallbackOk: z.boolean() }),
  unknown_status: z.object({ system: z.string(), rawStatus: z.string(), orders: z.number(), sampleOrderIds: z.array(z.string()) }),
  bad_record: z.object({ count: z.number(), samples: z.array(z.object({ ref: z.string(), message: z.string() })) }),
  undeliverable: z.object({
    template: z.string(),
    key: z.string(),
    customerId: z.string(),
    at: z.number(),
    reasons: z.array(z.object({ channel: z.string(), code: z.string(), message: z.string().optional(), provider: z.string().optional() })),
  }),
  address: z.object({
    problems: z.array(z.enum(['disagree', 'incomplete'])).min(1),
    status,
    since: z.number(),
    views: z.array(z.object({ system: z.string(), masked: z.string(), missing: z.array(z.enum(['street', 'city'])), changedAt: z.number() })),
    differs: z.array(z.enum(ADDRESS_PARTS)),
    confirm: z.string(),
  }),
};

/** Parsed details of one kind. */
export type KindDetails = { [K in FindingKind]: { kind: K; details: FindingDetails[K] } }[FindingKind];

/** Parses a finding's details; undefined when the JSON does not fit its kind (cards then show a generic line). */
export function parseDetails(kind: FindingKind, json: string): KindDetails | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined; // not JSON at all: shown generically, never fatal for a card
  }
  const result = SCHEMAS[kind].safeParse(raw);
  return result.success ? ({ kind, details: result.data } as KindDetails) : undefined;
}

// The field each kind is ranked by (lower is worse; `-` means larger is worse).
const RANK_FIELD: Readonly<Record<FindingKind, [string, 1 | -1]>> = {
  stale: ['since', 1],
  mismatch: ['since', 1],
  regression: ['at', 1],
  stock: ['since', 1],
  price: ['deviationPercent', -1],
  unknown_status: ['orders', -1],
  bad_record: ['count', -1],
  source_down: ['failures', -1],
  undeliverable: ['at', 1],
  address: ['since', 1],
};

/** Sort key of an alert inside its group: lower is worse (oldest stale order, largest price deviation…). */
export function rankOf(kind: FindingKind, json: string, startsAt: number): number {
  // Hot path (every ingested alert): one field is read, without validating the whole document.
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return startsAt; // not JSON: ranked by age, shown generically
  }
  const [field, sign] = RANK_FIELD[kind];
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[field] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? sign * value : startsAt;
}
