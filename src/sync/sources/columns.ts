import { z } from 'zod';
import type { CustomerInfo, OrderAdjustments, OrderItem, ShippingAddress, SourceRecord } from '../../core/order.ts';

/** Which of our fields come from which column (CSV header or SQL result column). */
export const columnsSchema = z.strictObject({
  orderId: z.string().min(1),
  status: z.string().min(1),
  updatedAt: z.string().min(1),
  amount: z.string().min(1).optional(),
  currency: z.string().min(1).optional(),
  /** The order's discounts, shipping fee and tax: with priced items they say what the amount should be. */
  discount: z.string().min(1).optional(),
  shipping: z.string().min(1).optional(),
  tax: z.string().min(1).optional(),
  customerId: z.string().min(1).optional(),
  customerName: z.string().min(1).optional(),
  customerPhone: z.string().min(1).optional(),
  customerEmail: z.string().min(1).optional(),
  customerOpenid: z.string().min(1).optional(),
  customerLanguage: z.string().min(1).optional(),
  customerTimeZone: z.string().min(1).optional(),
  customerPreferredChannel: z.string().min(1).optional(),
  /** Shipping address: receiver name and phone, country, province/state, city, district/county. */
  shipName: z.string().min(1).optional(),
  shipPhone: z.string().min(1).optional(),
  shipCountry: z.string().min(1).optional(),
  shipRegion: z.string().min(1).optional(),
  shipCity: z.string().min(1).optional(),
  shipDistrict: z.string().min(1).optional(),
  /** The street lines as one text (a one-line address goes here whole). */
  shipStreet: z.string().min(1).optional(),
  shipPostalCode: z.string().min(1).optional(),
  /** A JSON array of `{ sku, name?, qty, price? }`. */
  items: z.string().min(1).optional(),
});

/** Our field → column name. */
export type ColumnMap = z.infer<typeof columnsSchema>;

const OFFSET_RE = /^(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$/i;

/** True for a UTC offset (`+08:00`, `-0530`, `Z`, `UTC`) or an IANA zone Intl knows (`Asia/Shanghai`). */
export function isValidTimeZone(zone: string): boolean {
  if (OFFSET_RE.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Zone of timestamps that carry none: a UTC offset or an IANA zone; default UTC. */
export const timeZoneSchema = z
  .string()
  .refine(isValidTimeZone, 'not a UTC offset (+08:00) or IANA time zone (Asia/Shanghai)')
  .default('UTC');

/** How updatedAt values are written: auto-detected, date-time text, or epoch seconds / milliseconds. */
export const updatedAtFormatSchema = z.enum(['auto', 'datetime', 'epoch_s', 'epoch_ms']).default('auto');

/** One of the updatedAt formats. */
export type UpdatedAtFormat = z.infer<typeof updatedAtFormatSchema>;

/** How to read timestamps of one source. */
export interface TimestampOptions {
  timeZone: string;
  updatedAtFormat: UpdatedAtFormat;
}

/** A cell that cannot be read; the message is shown to staff next to the row reference. */
export class CellError extends Error {}

function offsetMs(text: string): number {
  if (/^(?:Z|UTC|GMT)$/i.test(text)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) throw new CellError(`bad UTC offset "${text}"`);
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  return (m[1] === '-' ? -1 : 1) * minutes * 60_000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

// Offset of an IANA zone at one instant, read back from Intl (no tz database dependency).
function zoneOffsetAt(zone: string, at: number): number {
  let dtf = formatters.get(zone);
  if (!dtf) {
    const opts = { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' } as const;
    dtf = new Intl.DateTimeFormat('en-US', opts);
    formatters.set(zone, dtf);
  }
  const parts = dtf.formatToParts(at);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const seconds = Math.floor(at / 1000) * 1000;
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - seconds;
}

/** Epoch ms of a wall-clock time (given as if it were UTC) in `zone`. */
export function wallTimeToEpoch(wall: number, zone: string): number {
  if (OFFSET_RE.test(zone)) return wall - offsetMs(zone);
  const first = wall - zoneOffsetAt(zone, wall);
  const second = zoneOffsetAt(zone, first);
  // Differs only around a DST switch: the second guess is the offset actually in force.
  return wall - second;
}

const DATETIME_RE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const NUMBER_RE = /^-?\d+(?:\.\d+)?$/;
// Auto-detected epoch numbers outside this window are more likely a misread format than a real time.
const PLAUSIBLE_FROM = Date.UTC(1990, 0, 1);
const PLAUSIBLE_TO = Date.UTC(2200, 0, 1);

function parseDateTimeText(text: string, zone: string): number {
  const m = DATETIME_RE.exec(text);
  if (!m) throw new CellError(`bad date "${text}" (expected ISO 8601 or YYYY-MM-DD HH:mm:ss)`);
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? '0')) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(wall);
  if (y < 1970 || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new CellError(`bad date "${text}" (out of range)`);
  }
  return m[8] !== undefined ? wall - offsetMs(m[8]) : wallTimeToEpoch(wall, zone);
}

/** Reads an updatedAt cell as epoch ms: ISO 8601, `YYYY-MM-DD HH:mm:ss` in `timeZone`, or epoch s/ms. */
export function parseTimestamp(value: unknown, opts: TimestampOptions): number {
  const text = typeof value === 'string' ? value.trim() : undefined;
  const numeric = typeof value === 'number' ? value : text !== undefined && NUMBER_RE.test(text) ? Number(text) : undefined;
  const format = opts.updatedAtFormat;
  if (numeric !== undefined && Number.isFinite(numeric) && format !== 'datetime') {
    if (format === 'epoch_s') return Math.round(numeric * 1000);
    if (format === 'epoch_ms') return Math.round(numeric);
    // 1e11 seconds is the year 5138, 1e11 milliseconds is 1973: the size tells the unit apart.
    const ms = Math.round(Math.abs(numeric) < 1e11 ? numeric * 1000 : numeric);
    if (ms < PLAUSIBLE_FROM || ms >= PLAUSIBLE_TO) throw new CellError(`bad date ${String(value)} (not a plausible epoch time; set updatedAtFormat)`);
    return ms;
  }
  if (text !== undefined && numeric === undefined && format !== 'epoch_s' && format !== 'epoch_ms') {
    return parseDateTimeText(text, opts.timeZone);
  }
  throw new CellError(`bad date ${JSON.stringify(value)}${format === 'auto' ? '' : ` (expected ${format})`}`);
}

/** Reads an amount cell: a number, or text such as `1234.5`, `-12` or `1,234.50`. */
export function parseAmount(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (NUMBER_RE.test(text)) return Number(text);
    if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(text)) return Number(text.replaceAll(',', ''));
  }
  throw new CellError(`bad amount ${JSON.stringify(value)}`);
}

const numberLike = z.union([z.number(), z.string().trim().regex(NUMBER_RE).transform(Number)]);
const itemsSchema = z.array(
  z.object({
    sku: z.union([z.string().min(1), z.number()]).transform(String),
    name: z.string().nullish().transform((v) => v ?? undefined),
    qty: numberLike,
    price: numberLike.nullish().transform((v) => v ?? undefined),
  }),
);

function parseItems(value: unknown): OrderItem[] {
  let json: unknown = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch {
      throw new CellError('bad items (not JSON)');
    }
  }
  const result = itemsSchema.safeParse(json);
  if (!result.success) throw new CellError('bad items (expected a JSON array of { sku, name?, qty, price? })');
  return result.data.map((i) => ({ sku: i.sku, qty: i.qty, ...(i.name !== undefined ? { name: i.name } : {}), ...(i.price !== undefined ? { price: i.price } : {}) }));
}

/** Text of a cell, trimmed; empty and NULL are undefined. Numbers become text (ids, phones stored as integers). */
export function readText(value: unknown, field: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'string') throw new CellError(`${field} is not text`);
  const text = value.trim();
  return text === '' ? undefined : text;
}

const CUSTOMER_FIELDS = [
  ['customerId', 'id'],
  ['customerName', 'name'],
  ['customerPhone', 'phone'],
  ['customerEmail', 'email'],
  ['customerOpenid', 'openid'],
  ['customerLanguage', 'language'],
  ['customerTimeZone', 'timeZone'],
  ['customerPreferredChannel', 'preferredChannel'],
] as const satisfies readonly (readonly [keyof ColumnMap, keyof CustomerInfo])[];

const SHIP_FIELDS = [
  ['shipName', 'name'],
  ['shipPhone', 'phone'],
  ['shipCountry', 'country'],
  ['shipRegion', 'region'],
  ['shipCity', 'city'],
  ['shipDistrict', 'district'],
  ['shipStreet', 'street'],
  ['shipPostalCode', 'postalCode'],
] as const satisfies readonly (readonly [keyof ColumnMap, keyof ShippingAddress])[];

/** Result of mapping one row: a record, or why the row is bad. */
export type RowResult = { ok: true; record: SourceRecord } | { ok: false; message: string };

/** Maps one row onto a SourceRecord; `cell(column)` returns the raw value of a column. */
export function mapRow(cell: (column: string) => unknown, columns: ColumnMap, opts: TimestampOptions): RowResult {
  try {
    const orderId = readText(cell(columns.orderId), 'orderId');
    if (orderId === undefined) return { ok: false, message: `missing order id (column "${columns.orderId}")` };
    const rawStatus = readText(cell(columns.status), 'status');
    if (rawStatus === undefined) return { ok: false, message: `order ${orderId}: missing status (column "${columns.status}")` };
    const record: SourceRecord = { orderId, rawStatus, updatedAt: 0 };
    const at = cell(columns.updatedAt);
    if (at === null || at === undefined || (typeof at === 'string' && at.trim() === '')) {
      return { ok: false, message: `order ${orderId}: missing updatedAt (column "${columns.updatedAt}")` };
    }
    record.updatedAt = parseTimestamp(at, opts);
    const amount = columns.amount !== undefined ? cell(columns.amount) : undefined;
    if (amount !== null && amount !== undefined && amount !== '') record.amount = parseAmount(amount);
    const currency = columns.currency !== undefined ? readText(cell(columns.currency), 'currency') : undefined;
    if (currency !== undefined) record.currency = currency;
    const adjustments: OrderAdjustments = {};
    for (const field of ['discount', 'shipping', 'tax'] as const) {
      const column = columns[field];
      const value = column !== undefined ? cell(column) : undefined;
      if (value !== null && value !== undefined && value !== '') adjustments[field] = parseAmount(value);
    }
    if (Object.keys(adjustments).length > 0) record.adjustments = adjustments;
    const customer: CustomerInfo = {};
    for (const [field, key] of CUSTOMER_FIELDS) {
      const column = columns[field];
      const value = column !== undefined ? readText(cell(column), field) : undefined;
      if (value !== undefined) customer[key] = value;
    }
    if (Object.keys(customer).length > 0) record.customer = customer;
    const shipTo: ShippingAddress = {};
    for (const [field, key] of SHIP_FIELDS) {
      const column = columns[field];
      const value = column !== undefined ? readText(cell(column), field) : undefined;
      if (value !== undefined) shipTo[key] = value;
    }
    if (Object.keys(shipTo).length > 0) record.shipTo = shipTo;
    const items = columns.items !== undefined ? readText(cell(columns.items), 'items') : undefined;
    if (items !== undefined) record.items = parseItems(items);
    return { ok: true, record };
  } catch (err) {
    if (!(err instanceof CellError)) throw err;
    const id = readIdForMessage(cell(columns.orderId));
    return { ok: false, message: id ? `order ${id}: ${err.message}` : err.message };
  }
}

function readIdForMessage(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() || undefined : undefined;
}

/** Every column name a map refers to. */
export function mappedColumns(columns: ColumnMap): { field: keyof ColumnMap; column: string }[] {
  return (Object.keys(columns) as (keyof ColumnMap)[]).flatMap((field) => {
    const column = columns[field];
    return column === undefined ? [] : [{ field, column }];
  });
}
