// Address: before an order ships, the address it ships to is in doubt. Two problems count:
//  - disagree: two systems hold addresses that differ in a place part (street, city, postal code…; a part one of them
//    lacks is not a difference), for longer than `detect.mismatchGraceMinutes` since the latest change (a storefront
//    edit needs a sync or two to reach the warehouse);
//  - incomplete: a system's address has no street line, or no locality (see missingParts in src/core/address.ts), unless
//    someone accepted the order's addresses exactly as they stand (the customer confirmed them, or a person vouched).
// Only orders that are paid and not yet shipped are checked (PAID_UNSHIPPED): afterwards the question is moot, and the
// finding resolves. One finding per order: `address:<order>`. Details hold masked addresses only (they reach alerts
// and cards); the customer is asked about the full address, read from the store when the question is sent.
import { maskShipTo } from '../../cards/address.ts';
import { differingParts, missingParts, type AddressPart } from '../core/address.ts';
import type { CanonicalStatus } from '../core/status.ts';
import { addressToConfirm, type StoredAddress } from '../store/order-addresses.ts';
import type { Authority } from '../sync/canonical.ts';
import type { Detected, SourceOfSystem } from './detected.ts';
import { PAID_UNSHIPPED } from './stock.ts';
import { fingerprintOf } from './types.ts';

/** What is wrong with an order's address. */
export type AddressProblem = 'disagree' | 'incomplete';

/** The address finding of one order, if it is paid, not shipped, and its address is in doubt. */
export function findAddressProblem(
  orderId: string,
  status: CanonicalStatus,
  addresses: readonly StoredAddress[],
  opts: { authority: Authority; now: number; graceMs: number; sourceOf: SourceOfSystem; accepted?: boolean | undefined },
): Detected<'address'> | undefined {
  if (!PAID_UNSHIPPED.has(status) || addresses.length === 0) return undefined;
  const newest = Math.max(...addresses.map((a) => a.changedAt));
  const differs = new Set<AddressPart>();
  for (let i = 0; i < addresses.length; i++) {
    for (let j = i + 1; j < addresses.length; j++) {
      for (const p of differingParts((addresses[i] as StoredAddress).address, (addresses[j] as StoredAddress).address)) differs.add(p);
    }
  }
  const problems: AddressProblem[] = [];
  if (differs.size > 0 && opts.now - newest >= opts.graceMs) problems.push('disagree');
  const views = addresses.map((a) => ({ system: a.system, masked: maskShipTo(a.address), missing: missingParts(a.address), changedAt: a.changedAt }));
  if (views.some((v) => v.missing.length > 0) && opts.accepted !== true) problems.push('incomplete');
  if (problems.length === 0) return undefined;
  const confirm = addressToConfirm(addresses, opts.authority);
  // Labelled with the system that must act: the incomplete one, else the one that ships (it holds a stale address).
  const blamed = views.find((v) => v.missing.length > 0)?.system ?? addresses.find((a) => opts.authority.fulfilment.includes(a.system) && a.system !== confirm?.system)?.system ?? confirm?.system ?? orderId;
  return {
    kind: 'address',
    fingerprint: fingerprintOf('address', [orderId]),
    source: opts.sourceOf(blamed),
    orderId,
    details: { problems, status, since: newest, views, differs: [...differs], confirm: confirm?.system ?? '' },
  };
}
