import { ADDRESS_PARTS, cleanShipTo } from '../../core/address.ts';
import type { CustomerInfo, OrderItem, ShippingAddress, SourceRecord, OrderAdjustments } from '../../core/order.ts';
import { compileJsonPath, firstMatch, type CompiledJsonPath } from './json-path.ts';
import type { HttpJsonOptions } from './http-json-options.ts';

type Fields = HttpJsonOptions['fields'];
type TimeFormat = Fields['updatedAtFormat'];
const CUSTOMER_KEYS = ['id', 'name', 'phone', 'email', 'openid', 'language', 'timeZone', 'preferredChannel'] as const;

/** Field paths compiled once per source. */
export interface CompiledFields {
  orderId: CompiledJsonPath;
  status: CompiledJsonPath;
  updatedAt: CompiledJsonPath;
  updatedAtFormat: TimeFormat;
  amount?: CompiledJsonPath;
  currency?: CompiledJsonPath;
  adjustments: [keyof OrderAdjustments, CompiledJsonPath][];
  customer: [keyof CustomerInfo, CompiledJsonPath][];
  shipTo: [keyof ShippingAddress, CompiledJsonPath][];
  items?: { path: CompiledJsonPath; sku: CompiledJsonPath; name?: CompiledJsonPath; qty?: CompiledJsonPath; price?: CompiledJsonPath };
  /** The configured paths, for error messages. */
  paths: Fields;
}

/** Compiles every configured field path. */
export function compileFields(fields: Fields): CompiledFields {
  const opt = (p: string | undefined): CompiledJsonPath | undefined => (p === undefined ? undefined : compileJsonPath(p));
  const customer: [keyof CustomerInfo, CompiledJsonPath][] = [];
  for (const key of CUSTOMER_KEYS) {
    const p = fields.customer?.[key];
    if (p !== undefined) customer.push([key, compileJsonPath(p)]);
  }
  const shipTo: [keyof ShippingAddress, CompiledJsonPath][] = [];
  for (const key of ADDRESS_PARTS) {
    const p = fields.shipTo?.[key];
    if (p !== undefined) shipTo.push([key, compileJsonPath(p)]);
  }
  const items = fields.items;
  const compiled: CompiledFields = {
    orderId: compileJsonPath(fields.orderId),
    status: compileJsonPath(fields.status),
    updatedAt: compileJsonPath(fields.updatedAt),
    updatedAtFormat: fields.updatedAtFormat,
    customer,
    shipTo,
    adjustments: (['discount', 'shipping', 'tax'] as const).flatMap((k) => {
      const path = opt(fields[k]);
      return path ? [[k, path] as [keyof OrderAdjustments, CompiledJsonPath]] : [];
    }),
    paths: fields,
  };
  const amount = opt(fields.amount);
  const currency = opt(fields.currency);
  if (amount) compiled.amount = amount;
  if (currency) compiled.currency = currency;
  if (items) {
    compiled.items = { path: compileJsonPath(items.path), sku: compileJsonPath(items.sku) };
    const name = opt(items.name);
    const qty = opt(items.qty);
    const price = opt(items.price);
    if (name) compiled.items.name = name;
    if (qty) compiled.items.qty = qty;
    if (price) compiled.items.price = price;
  }
  return compiled;
}

/** A string for ids and text fields: strings trimmed, finite numbers printed, anything else undefined. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A number from a JSON number or a numeric string ("129.50"). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** Epoch milliseconds from an ISO string or an epoch number (seconds or milliseconds); undefined when unparsable. */
export function parseTime(value: unknown, format: TimeFormat): number | undefined {
  const numeric = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined;
  if (format === 'epoch_ms' || format === 'epoch_s' || (format === 'auto' && numeric !== undefined)) {
    if (numeric === undefined || !Number.isFinite(numeric)) return undefined;
    const seconds = format === 'epoch_s' || (format === 'auto' && numeric < 1e11);
    return Math.round(seconds ? numeric * 1000 : numeric);
  }
  if (typeof value !== 'string') return undefined;
  // An ISO time with a date and a time part; Date.parse alone accepts far too much ("1", "May").
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(value.trim())) return undefined;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

/** Renders the resume point in the format an API expects for its `updated since` parameter. */
export function formatSince(ms: number, format: 'iso' | 'epoch_ms' | 'epoch_s'): string {
  if (format === 'epoch_ms') return String(ms);
  if (format === 'epoch_s') return String(Math.floor(ms / 1000));
  return new Date(ms).toISOString();
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? 'undefined';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function extractItems(raw: unknown, spec: NonNullable<CompiledFields['items']>): OrderItem[] | undefined {
  let lines = spec.path(raw);
  if (lines.length === 1 && Array.isArray(lines[0])) lines = lines[0] as unknown[];
  const items: OrderItem[] = [];
  for (const line of lines) {
    const sku = asText(firstMatch(spec.sku, line));
    if (sku === undefined) continue;
    const qty = spec.qty ? asNumber(firstMatch(spec.qty, line)) : undefined;
    const item: OrderItem = { sku, qty: qty ?? 1 };
    const name = spec.name ? asText(firstMatch(spec.name, line)) : undefined;
    const price = spec.price ? asNumber(firstMatch(spec.price, line)) : undefined;
    if (name !== undefined) item.name = name;
    if (price !== undefined) item.price = price;
    items.push(item);
  }
  return items.length > 0 ? items : undefined;
}

/** Reads one record; a missing id, status or update time, or an unparsable time, is an error message (never a throw). */
export function extractRecord(raw: unknown, f: CompiledFields): { record: SourceRecord } | { error: string } {
  const orderId = asText(firstMatch(f.orderId, raw));
  if (orderId === undefined) return { error: `missing order id at ${f.paths.orderId}` };
  const rawStatus = asText(firstMatch(f.status, raw));
  if (rawStatus === undefined) return { error: `order ${orderId}: missing status at ${f.paths.status}` };
  const timeValue = firstMatch(f.updatedAt, raw);
  if (timeValue === undefined || timeValue === null || timeValue === '') return { error: `order ${orderId}: missing updated time at ${f.paths.updatedAt}` };
  const updatedAt = parseTime(timeValue, f.updatedAtFormat);
  if (updatedAt === undefined) return { error: `order ${orderId}: unparsable updated time ${describe(timeValue)} at ${f.paths.updatedAt}` };
  const record: SourceRecord = { orderId, rawStatus, updatedAt };
  const amount = f.amount ? asNumber(firstMatch(f.amount, raw)) : undefined;
  const currency = f.currency ? asText(firstMatch(f.currency, raw)) : undefined;
  if (amount !== undefined) record.amount = amount;
  if (currency !== undefined) record.currency = currency;
  const adjustments: OrderAdjustments = {};
  for (const [key, path] of f.adjustments) {
    const value = asNumber(firstMatch(path, raw));
    if (value !== undefined) adjustments[key] = value;
  }
  if (Object.keys(adjustments).length > 0) record.adjustments = adjustments;
  const customer: CustomerInfo = {};
  let any = false;
  for (const [key, path] of f.customer) {
    const value = asText(firstMatch(path, raw));
    if (value !== undefined) {
      customer[key] = value;
      any = true;
    }
  }
  if (any) record.customer = customer;
  const shipTo: ShippingAddress = {};
  for (const [key, path] of f.shipTo) shipTo[key] = asText(firstMatch(path, raw));
  const address = cleanShipTo(shipTo);
  if (address) record.shipTo = address;
  const items = f.items ? extractItems(raw, f.items) : undefined;
  if (items) record.items = items;
  return { record };
}
