// Shipping addresses: the comparison key two systems' addresses are matched by, which parts are missing, the one line
// a customer is asked to confirm (cards/address.ts masks it for staff).
import type { ShippingAddress } from './order.ts';

/** The parts an address is compared and checked by. */
export const ADDRESS_PARTS = ['name', 'phone', 'country', 'region', 'city', 'district', 'street', 'postalCode'] as const;
/** One part of an address. */
export type AddressPart = (typeof ADDRESS_PARTS)[number];

/** Parts that decide where a parcel goes (name and phone may differ between systems without the parcel going astray). */
export const PLACE_PARTS: readonly AddressPart[] = ['country', 'region', 'city', 'district', 'street', 'postalCode'];

// A one-line address (no city, no postal code) this long or longer is taken to name its locality too.
const ONE_LINE_MIN = 12;

/**
 * One part as compared: Unicode-compatibility folded (full-width → ASCII), lower case, without spaces and punctuation, so
 * "文三路 90 号" and "文三路90号", or "Baker St." and "baker st" are the same.
 */
export function normalizePart(text: string | undefined): string {
  return text ? text.normalize('NFKC').toLowerCase().replace(NOISE, '') : '';
}

// Spaces and punctuation as they remain after NFKC (full-width forms are ASCII by then): ASCII punctuation and
// symbols, and the CJK marks NFKC keeps. An explicit class: Unicode property escapes cost 4x on every sync write.
const NOISE = /[\s!-/:-@[-`{-~\u00a0-\u00bf\u2010-\u2027\u2030-\u205e\u3000-\u303f\u30fb\uff5f-\uff65]+/g;
// Separates the parts inside a key (a control character: never in an address, never stripped as noise).
const SEP = '\u0001';

/** The address's comparison key (its place parts, normalized); '' when it names no place. Computed on every sync write. */
export function addressKey(a: ShippingAddress): string {
  const key = normalizePart(PLACE_PARTS.map((p) => a[p] ?? '').join(SEP));
  return key.length > PLACE_PARTS.length - 1 ? key : '';
}

/** The place parts on which two addresses differ (a part one of them lacks does not count as a difference). */
export function differingParts(a: ShippingAddress, b: ShippingAddress): AddressPart[] {
  return PLACE_PARTS.filter((p) => {
    const x = normalizePart(a[p]);
    const y = normalizePart(b[p]);
    return x !== '' && y !== '' && x !== y;
  });
}

/**
 * What a courier would miss: `street` without a street line; `city` when neither a city nor a postal code is given and
 * the street line is too short to name its locality itself (a one-line address of 12 characters or more is taken as whole).
 */
export function missingParts(a: ShippingAddress): ('street' | 'city')[] {
  const street = (a.street ?? '').trim();
  const out: ('street' | 'city')[] = [];
  if (!street) out.push('street');
  const hasLocality = [a.city, a.postalCode].some((p) => (p ?? '').trim() !== '');
  if (!hasLocality && [...street].length < ONE_LINE_MIN) out.push('city');
  return out;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;

/** True when the text has Chinese characters (such addresses run from the region down, without separators). */
export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

/**
 * The address on one line, as the customer is asked to confirm it: a Chinese address runs from the region down to the door
 * without separators ("浙江省杭州市西湖区文三路 90 号"), any other from the door up to the country, comma-separated.
 * Receiver name and phone are not part of it.
 */
export function formatAddress(a: ShippingAddress): string {
  const clean = (s: string | undefined): string => (s ?? '').trim();
  const place = [a.region, a.city, a.district, a.street].map(clean);
  if (place.some((p) => hasCjk(p))) {
    // 上海市 as region and city (or a street line that repeats them) is written once.
    const line = place.filter((p, i) => p !== '' && !place.slice(i + 1).some((later) => later.startsWith(p))).join('');
    return [line, clean(a.postalCode)].filter((p) => p !== '').join(' ');
  }
  const regionZip = [clean(a.region), clean(a.postalCode)].filter((p) => p !== '').join(' ');
  return [clean(a.street), clean(a.district), clean(a.city), regionZip, clean(a.country)].filter((p) => p !== '').join(', ');
}

/** A source's address with empty parts dropped and text trimmed; undefined when nothing is left. */
export function cleanShipTo(a: ShippingAddress | undefined): ShippingAddress | undefined {
  if (!a) return undefined;
  const out: ShippingAddress = {};
  for (const p of ADDRESS_PARTS) {
    const v = a[p]?.trim();
    if (v) out[p] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
