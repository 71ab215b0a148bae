// Zod schemas of the finding details tasks read (src/detect/types.ts FindingDetails), parsed at the edge.
import { z } from 'zod';
import { CANONICAL_STATUSES } from '../core/status.ts';

const status = z.enum(CANONICAL_STATUSES);

/** Details schemas per task kind; unknown extra fields pass through. */
export const TASK_DETAILS = {
  mismatch: z.looseObject({ views: z.array(z.looseObject({ system: z.string(), status, raw: z.string().optional(), updatedAt: z.number().optional() })).min(1), since: z.number().optional() }),
  price: z.looseObject({ amounts: z.array(z.looseObject({ system: z.string(), amount: z.number(), currency: z.string().nullable().optional() })).min(1), expected: z.number().optional(), deviationPercent: z.number().optional() }),
  stock: z.looseObject({ system: z.string(), raw: z.string().optional(), status: status.optional(), since: z.number().optional(), items: z.array(z.object({ sku: z.string(), qty: z.number() })).optional() }),
  source_down: z.looseObject({ failures: z.number().optional(), error: z.string().optional(), code: z.string().optional(), fallback: z.string().nullable().optional(), fallbackOk: z.boolean().optional() }),
  regression: z.looseObject({ system: z.string(), from: status, to: status, raw: z.string().optional(), at: z.number().optional() }),
  undeliverable: z.looseObject({
    template: z.string(),
    key: z.string(),
    customerId: z.string().optional(),
    reasons: z.array(z.looseObject({ channel: z.string(), code: z.string(), message: z.string().optional(), provider: z.string().optional() })),
  }),
  address: z.looseObject({
    problems: z.array(z.enum(['disagree', 'incomplete'])).min(1),
    views: z.array(z.looseObject({ system: z.string(), masked: z.string(), missing: z.array(z.string()).optional(), changedAt: z.number().optional() })),
    differs: z.array(z.string()).optional(),
    confirm: z.string().optional(),
    since: z.number().optional(),
  }),
} as const;

/** Parsed mismatch details. */
export type MismatchDetails = z.infer<typeof TASK_DETAILS.mismatch>;
/** Parsed price details. */
export type PriceDetails = z.infer<typeof TASK_DETAILS.price>;
/** Parsed stock details. */
export type StockDetails = z.infer<typeof TASK_DETAILS.stock>;
/** Parsed source-down details. */
export type SourceDownDetails = z.infer<typeof TASK_DETAILS.source_down>;
/** Parsed regression details. */
export type RegressionDetails = z.infer<typeof TASK_DETAILS.regression>;
/** Parsed address details. */
export type AddressDetails = z.infer<typeof TASK_DETAILS.address>;
/** Parsed undeliverable-message details. */
export type UndeliverableDetails = z.infer<typeof TASK_DETAILS.undeliverable>;
