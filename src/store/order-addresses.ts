// Shipping addresses, one row per order and system, written with the sync batch that carried them. `akey` is the
// comparison key (src/core/address.ts) and `complete` whether a courier has what it needs, both computed once at write
// time so the address check reads plain columns; `changed_at` (the source's update time of the record that brought the
// change) moves only when the key changes, not on every re-sync.
import { addressKey, cleanShipTo, missingParts } from '../core/address.ts';
import type { ShippingAddress } from '../core/order.ts';
import type { Authority } from '../sync/canonical.ts';
import type { Db, SqlValue } from './db.ts';

/** Schema of the address table (module step `sync.order_addresses`). */
export const ORDER_ADDRESSES_SQL = `
CREATE TABLE IF NOT EXISTS order_addresses (
  order_id TEXT NOT NULL,
  system TEXT NOT NULL,
  address TEXT NOT NULL,
  akey TEXT NOT NULL,
  complete INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  PRIMARY KEY (order_id, system)
) WITHOUT ROWID;
-- A person (or the customer) vouched for an order's addresses as they stood: \`akeys\` is their signature then. An
-- incomplete address accepted this way is no longer a problem until an address of the order changes.
CREATE TABLE IF NOT EXISTS address_checks (
  order_id TEXT PRIMARY KEY,
  akeys TEXT NOT NULL,
  by TEXT NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Orders whose systems hold two different addresses or an incomplete one, kept with every address write (module step
 * `sync.address_doubts`): the address check reads this short list instead of grouping every order's addresses.
 */
// An order is in doubt when its systems hold two different addresses or an incomplete one (grouped by order_id).
const IN_DOUBT = `HAVING count(DISTINCT nullif(akey, '')) > 1 OR min(complete) = 0`;

export const ADDRESS_DOUBTS_SQL = `
CREATE TABLE IF NOT EXISTS address_doubts (order_id TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO address_doubts (order_id) SELECT order_id FROM order_addresses GROUP BY order_id ${IN_DOUBT};
`;

const DOUBTS_CLEAR = 'DELETE FROM address_doubts WHERE order_id IN (SELECT value->>0 FROM jsonb_each(?1))';
const DOUBTS_ADD = `INSERT OR IGNORE INTO address_doubts (order_id)
   SELECT order_id FROM order_addresses WHERE order_id IN (SELECT value->>0 FROM jsonb_each(?1)) GROUP BY order_id ${IN_DOUBT}`;

/** The statements a batch's address rows need: the upsert, then the doubts of those orders recomputed. */
export function addressWrites(rows: readonly (readonly unknown[])[]): { sql: string; params: SqlValue[] }[] {
  if (rows.length === 0) return [];
  const json = JSON.stringify(rows);
  return [ADDRESS_UPSERT, DOUBTS_CLEAR, DOUBTS_ADD].map((sql) => ({ sql, params: [json] }));
}

/** Upserts `[[orderId, system, address, key, complete, changedAt], …]` (one JSON parameter, like the other batch writes). */
const ADDRESS_UPSERT = `INSERT INTO order_addresses (order_id, system, address, akey, complete, changed_at)
   SELECT value->>0, value->>1, value->2, value->>3, value->>4, value->>5 FROM jsonb_each(?1) WHERE true
   ON CONFLICT(order_id, system) DO UPDATE SET address = excluded.address, complete = excluded.complete,
   changed_at = CASE WHEN akey = excluded.akey THEN changed_at ELSE excluded.changed_at END, akey = excluded.akey`;

/** The row a record's address becomes, or undefined when it has none worth keeping. */
export function addressRow(orderId: string, system: string, shipTo: ShippingAddress | undefined, at: number): [string, string, ShippingAddress, string, number, number] | undefined {
  const a = cleanShipTo(shipTo);
  if (!a) return undefined;
  // The address goes in as an object: the statement stores it as JSON text (value->2), with no second encoding here.
  return [orderId, system, a, addressKey(a), missingParts(a).length === 0 ? 1 : 0, at];
}

/** One system's address of an order. */
export interface StoredAddress {
  system: string;
  address: ShippingAddress;
  /** When this system's address last changed (the source's update time of the record that changed it). */
  changedAt: number;
}

function parseAddress(json: string): ShippingAddress | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const out: ShippingAddress = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (typeof v === 'string') (out as Record<string, string>)[k] = v;
    return cleanShipTo(out);
  } catch {
    return undefined; // written by us as JSON; a damaged row is skipped rather than fatal
  }
}

/** Every system's address of one order, by system name. */
export async function addressesOf(db: Db, orderId: string): Promise<StoredAddress[]> {
  const rows = await db.all<{ system: string; address: string; changed_at: number }>('SELECT system, address, changed_at FROM order_addresses WHERE order_id = ? ORDER BY system', [orderId]);
  return rows.flatMap((r) => {
    const address = parseAddress(r.address);
    return address ? [{ system: r.system, address, changedAt: r.changed_at }] : [];
  });
}

/**
 * The system whose address counts: the most recently changed (the customer's latest word, usually the storefront);
 * on a tie, the one authoritative for fulfilment (it ships), then the first by name.
 */
export function addressToConfirm(addresses: readonly StoredAddress[], authority: Authority): StoredAddress | undefined {
  const ships = (s: string): number => (authority.fulfilment.includes(s) ? 1 : 0);
  return [...addresses].sort((a, b) => b.changedAt - a.changedAt || ships(b.system) - ships(a.system) || a.system.localeCompare(b.system))[0];
}

/** The address an order ships to: `system`'s when given and stored, else the one that counts (addressToConfirm). */
export async function shippingAddressOf(db: Db, orderId: string, authority: Authority, system?: string): Promise<StoredAddress | undefined> {
  const all = await addressesOf(db, orderId);
  return all.find((a) => a.system === system) ?? addressToConfirm(all, authority);
}

/** An order whose addresses could break the address check, with its canonical status. */
export interface AddressCandidate {
  orderId: string;
  status: string;
  addresses: StoredAddress[];
  /** True when someone accepted exactly these addresses (acceptAddresses). */
  accepted: boolean;
}

// The signature of an order's addresses: every system's comparison key, by system. acceptAddresses stores it;
// addressCandidates compares the current one with it.
const SIGNATURE_OF = (alias: string): string => `group_concat(${alias}.system || '=' || ${alias}.akey, char(31) ORDER BY ${alias}.system)`;
const SIGNATURE = `SELECT ${SIGNATURE_OF('a')} FROM order_addresses a WHERE a.order_id = ?1`;

/** Records that `by` vouched for the order's addresses as they stand now; false when the order has none. */
export async function acceptAddresses(db: Db, orderId: string, by: string, now: number): Promise<boolean> {
  const res = await db.run(
    `INSERT INTO address_checks (order_id, akeys, by, at) SELECT ?1, s, ?2, ?3 FROM (SELECT (${SIGNATURE}) AS s) WHERE s IS NOT NULL
     ON CONFLICT(order_id) DO UPDATE SET akeys = excluded.akeys, by = excluded.by, at = excluded.at`,
    [orderId, by, now],
  );
  return res.changes > 0;
}

/**
 * Orders in one of `statuses` whose systems hold two different addresses or an incomplete one. Driven by the doubts list
 * (CROSS JOIN keeps it the outer loop: without statistics SQLite would rather walk every stored address).
 */
export async function addressCandidates(db: Db, statuses: readonly string[]): Promise<AddressCandidate[]> {
  const rows = await db.all<{ id: string; status: string; rows: string; signature: string; accepted: string | null }>(
    `SELECT a.order_id AS id, o.status AS status, json_group_array(json_array(a.system, a.address, a.changed_at)) AS rows,
       ${SIGNATURE_OF('a')} AS signature, (SELECT akeys FROM address_checks c WHERE c.order_id = a.order_id) AS accepted
     FROM address_doubts d CROSS JOIN orders o ON o.order_id = d.order_id CROSS JOIN order_addresses a ON a.order_id = d.order_id
     WHERE o.status IN (SELECT value FROM json_each(?1))
     GROUP BY d.order_id`,
    [JSON.stringify(statuses)],
  );
  return rows.map((r) => {
    const parsed: unknown = JSON.parse(r.rows);
    const addresses = (Array.isArray(parsed) ? (parsed as unknown[]) : []).flatMap((row): StoredAddress[] => {
      if (!Array.isArray(row)) return [];
      const [system, json, changedAt] = row as unknown[];
      const address = typeof json === 'string' ? parseAddress(json) : undefined;
      return typeof system === 'string' && address && typeof changedAt === 'number' ? [{ system, address, changedAt }] : [];
    });
    return { orderId: r.id, status: r.status, addresses: addresses.sort((a, b) => a.system.localeCompare(b.system)), accepted: r.accepted !== null && r.accepted === r.signature };
  });
}
