import { z } from 'zod';
import { CANONICAL_STATUSES } from '../../core/status.ts';

const jsonPath = z.string().regex(/^\$/, 'must be a JSONPath starting with $');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name');
const param = z.string().min(1);
// Values that look like credentials must come from the environment, never from settings.json.
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie)$|token|secret|password|api[-_]?key|signature/i;

/** zod params for option objects: a misspelt option is named in the message (zod puts it at the object's path). */
export const UNKNOWN_OPTION = {
  error: (iss: { code?: string; keys?: string[] }): string | undefined =>
    iss.code === 'unrecognized_keys' ? `unknown option ${(iss.keys ?? []).map((k) => `"${k}"`).join(', ')} (check the spelling)` : undefined,
};

/** An absolute http(s) URL. */
export const httpUrl = z.string().refine((s) => {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL');

/** Retry and timeout options shared by HTTP sources. */
export const httpRetryOptions = {
  /** Retries after the first try (timeouts, 5xx, 429, garbage JSON). */
  retries: z.number().int().min(0).max(10).default(3),
  retryBaseMs: z.number().int().min(1).max(60_000).default(500),
  retryMaxMs: z.number().int().min(1).max(600_000).default(30_000),
  timeoutMs: z.number().int().min(1).max(600_000).default(15_000),
  /** Safety stop against an API that never ends its pagination. */
  maxPages: z.number().int().min(1).default(10_000),
};

// A write endpoint of one order: {id} is replaced by the (URL-encoded) order id.
const idUrl = z.string().refine((s) => s.includes('{id}') && httpUrl.safeParse(s.replaceAll('{id}', 'x')).success, 'must be an absolute http(s) URL containing {id}');

const paginationSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }, UNKNOWN_OPTION),
  z.strictObject({
    type: z.literal('page'),
    pageParam: param.default('page'),
    sizeParam: param.default('per_page'),
    size: z.number().int().min(1).max(10_000).default(100),
    start: z.number().int().min(0).default(1),
    /** Where the response says how many records match in all (optional: a short page also ends it). */
    totalPath: jsonPath.optional(),
  }, UNKNOWN_OPTION),
  z.strictObject({
    type: z.literal('cursor'),
    cursorParam: param.default('cursor'),
    nextCursorPath: jsonPath,
    sizeParam: param.optional(),
    size: z.number().int().min(1).max(10_000).default(100),
  }, UNKNOWN_OPTION),
]);

/** Options of an `http-json` source (`sources[].options`). */
export const httpJsonOptionsSchema = z.strictObject({
  url: httpUrl,
  /** Fixed query parameters sent with every request. */
  query: z.record(z.string(), z.string()).default({}),
  /** Non-secret headers. */
  headers: z.record(z.string(), z.string()).default({}).superRefine((headers, ctx) => {
    for (const key of Object.keys(headers)) {
      if (!headerName.safeParse(key).success) ctx.addIssue({ code: 'custom', path: [key], message: 'not a valid HTTP header name' });
      else if (SECRET_HEADER.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'looks like a credential: use authHeader, whose value is read from the environment' });
    }
  }),
  /** The auth header, its value read from the environment variable `env` (and prefixed, e.g. "Bearer "). */
  authHeader: z.strictObject({ name: headerName, env: envName, prefix: z.string().default('') }, UNKNOWN_OPTION).optional(),
  pagination: paginationSchema.default({ type: 'none' }),
  incremental: z
    .strictObject({
      param,
      format: z.enum(['iso', 'epoch_ms', 'epoch_s']).default('iso'),
      /** Ask again for this many seconds before the resume point (clock skew, changes during paging). */
      overlapSeconds: z.number().min(0).max(86_400).default(0),
    }, UNKNOWN_OPTION)
    .optional(),
  /** The API returns records sorted by update time, ascending: every page may then commit its resume point. */
  sortedByUpdatedAt: z.boolean().default(false),
  /** Where the records are in a response: the array itself ($.data) or its elements ($.data[*]). */
  recordsPath: jsonPath.default('$'),
  fields: z.strictObject({
    orderId: jsonPath,
    status: jsonPath,
    updatedAt: jsonPath,
    /** auto: ISO strings, and numbers as epoch seconds below 10^11, else milliseconds. */
    updatedAtFormat: z.enum(['auto', 'iso', 'epoch_ms', 'epoch_s']).default('auto'),
    amount: jsonPath.optional(),
    currency: jsonPath.optional(),
    /** The order's discounts, shipping fee and tax: with priced items they say what the amount should be. */
    discount: jsonPath.optional(),
    shipping: jsonPath.optional(),
    tax: jsonPath.optional(),
    customer: z
      .strictObject({
        id: jsonPath.optional(),
        name: jsonPath.optional(),
        phone: jsonPath.optional(),
        email: jsonPath.optional(),
        openid: jsonPath.optional(),
        language: jsonPath.optional(),
        timeZone: jsonPath.optional(),
        preferredChannel: jsonPath.optional(),
      }, UNKNOWN_OPTION)
      .optional(),
    /** The shipping address; `street` is the street lines as one text (a one-line address goes there whole). */
    shipTo: z
      .strictObject({
        name: jsonPath.optional(),
        phone: jsonPath.optional(),
        country: jsonPath.optional(),
        region: jsonPath.optional(),
        city: jsonPath.optional(),
        district: jsonPath.optional(),
        street: jsonPath.optional(),
        postalCode: jsonPath.optional(),
      }, UNKNOWN_OPTION)
      .optional(),
    /** Order lines: `path` selects the lines, the other paths are relative to one line. */
    items: z
      .strictObject({ path: jsonPath, sku: jsonPath, name: jsonPath.optional(), qty: jsonPath.optional(), price: jsonPath.optional() }, UNKNOWN_OPTION)
      .optional(),
  }, UNKNOWN_OPTION),
  /** Writing a status back; without it the source has no push. */
  push: z
    .strictObject({
      url: idUrl,
      method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
      /** Body field for the raw status; dots nest (state.name). */
      bodyField: z.string().min(1).default('status'),
      /** Canonical status → the raw value this system expects; a status not listed cannot be pushed. Without it the canonical name is sent. */
      values: z.partialRecord(z.enum(CANONICAL_STATUSES), z.string().min(1)).optional(),
    }, UNKNOWN_OPTION)
    .optional(),
  /** Writing an order's amount (price corrections); without it the source has no pushPrice. */
  pushPrice: z
    .strictObject({
      url: idUrl,
      method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
      /** Body field for the amount (a JSON number); dots nest (price.amount). */
      amountField: z.string().min(1).default('amount'),
      /** Body field for the currency code; unset: no currency is sent (the system keeps the order's). */
      currencyField: z.string().min(1).optional(),
    }, UNKNOWN_OPTION)
    .optional(),
  ...httpRetryOptions,
}, UNKNOWN_OPTION);

/** Validated options of an `http-json` source. */
export type HttpJsonOptions = z.infer<typeof httpJsonOptionsSchema>;
