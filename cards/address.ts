// What is wrong with an order's shipping address, in localized lines (task card, alert card, finding line). The
// addresses themselves arrive masked (src/detect/address.ts): only the locality is ever shown to staff.
import type { TFunction } from 'i18next';
import { formatAddress, hasCjk } from '../src/core/address.ts';
import type { ShippingAddress } from '../src/core/order.ts';
import { code, maskAddress, maskPhone } from './format.ts';

/** An address finding's details as cards read them (src/detect/types.ts FindingDetails['address'], loosely). */
export interface AddressProblemView {
  problems: readonly string[];
  views: readonly { system: string; masked: string; missing?: readonly string[] | undefined }[];
  differs?: readonly string[] | undefined;
  confirm?: string | undefined;
}

function parts(t: TFunction, names: readonly string[]): string {
  return names.map((p) => t(`cards:address.part.${p}`, { defaultValue: p })).join(t('cards:address.separator'));
}

/** One short line: what is in doubt ("systems disagree (street) · incomplete in wms"). */
export function addressSummary(t: TFunction, d: AddressProblemView): string {
  const out: string[] = [];
  if (d.problems.includes('disagree')) out.push(t('cards:address.disagree', { parts: parts(t, d.differs ?? []) || '—' }));
  if (d.problems.includes('incomplete')) {
    const systems = d.views.filter((v) => (v.missing ?? []).length > 0).map((v) => v.system);
    out.push(t('cards:address.incomplete', { systems: systems.join(', ') || '—' }));
  }
  return out.join(' · ');
}

/** One line per system: its masked address, and what it lacks. */
export function addressViewLines(t: TFunction, d: AddressProblemView): string[] {
  return d.views.map((v) => {
    // As code: masks are runs of * that card markdown would otherwise read as bold.
    const line = t('cards:address.view', { system: v.system, address: code(v.masked) });
    return (v.missing ?? []).length > 0 ? t('cards:address.missing', { line, parts: parts(t, v.missing ?? []) }) : line;
  });
}

/**
 * The address for staff: the locality only (district, city, region, country; street, door and postal code hidden), the
 * receiver's name cut to its first character and their phone masked. A one-line address keeps only its city or region.
 */
export function maskShipTo(a: ShippingAddress): string {
  const locality = formatAddress({ district: a.district, city: a.city, region: a.region, country: a.country });
  const line = locality ? (hasCjk(locality) ? `${locality}****` : `****, ${locality}`) : maskAddress(a.street ?? '') || '****';
  const name = a.name?.trim();
  const who = [name ? `${[...name][0] ?? ''}**` : '', a.phone?.trim() ? maskPhone(a.phone) : ''].filter((p) => p !== '').join(' ');
  return who ? `${line} (${who})` : line;
}
