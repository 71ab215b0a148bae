// Price: an order's amounts differ between systems, or from the sum of its items, by more than the tolerance.
//
// Amounts are compared only within one currency (a view without a currency joins the order's currency).
// The reference is what the customer owes by a system's priced items (their sum less discounts, plus shipping and
// tax) when that system also said those adjustments, else the amount of the first payment-authoritative system, else
// the largest amount. The items' sum alone is no reference: a discount code, a shipping fee or tax moves the total
// away from it in any shop, and would raise a false "wrong amount" on every such order. The deviation is the largest of
// (largest − smallest) / largest and |amount − reference| / reference, in percent; the finding is
// labelled with the system furthest from the reference. One finding per order: `price:<order>`.
import type { Authority } from '../sync/canonical.ts';
import type { Detected, SourceOfSystem } from './detected.ts';
import type { OrderView } from './mismatch.ts';
import { fingerprintOf } from './types.ts';

/** The sum of one system's priced items for an order, and its shipping + tax − discount when it said them. */
export interface ItemsTotal {
  system: string;
  total: number;
  /** null or undefined: the system did not say its discounts, shipping and tax. */
  adjust?: number | null | undefined;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The price finding of one order, if its amounts deviate by more than `tolerancePercent`. */
export function findPriceProblem(
  orderId: string,
  views: readonly OrderView[],
  items: readonly ItemsTotal[],
  opts: { authority: Authority; tolerancePercent: number; sourceOf: SourceOfSystem },
): Detected<'price'> | undefined {
  const priced = views.filter((v): v is OrderView & { amount: number } => v.amount !== null && Number.isFinite(v.amount));
  if (priced.length === 0) return undefined;
  const currencies = new Set(priced.flatMap((v) => (v.currency ? [v.currency.toUpperCase()] : [])));
  if (currencies.size > 1) return undefined;
  const amounts = priced.map((v) => v.amount);
  const max = Math.max(...amounts);
  const min = Math.min(...amounts);
  const payer = priced.find((v) => opts.authority.payment.includes(v.system));
  const owed = items.find((i) => Number.isFinite(i.total) && i.total > 0 && typeof i.adjust === 'number' && Number.isFinite(i.adjust));
  const expected = owed ? owed.total + (owed.adjust ?? 0) : undefined;
  const reference = expected ?? payer?.amount ?? max;
  if (!(reference > 0) && !(max > 0)) return undefined;
  let worst = priced[0] as OrderView & { amount: number };
  let worstDev = 0;
  for (const v of priced) {
    const dev = reference > 0 ? (Math.abs(v.amount - reference) / reference) * 100 : 0;
    if (dev > worstDev) {
      worst = v;
      worstDev = dev;
    }
  }
  const spread = max > 0 ? ((max - min) / max) * 100 : 0;
  const deviation = Math.max(spread, worstDev);
  if (deviation <= opts.tolerancePercent) return undefined;
  return {
    kind: 'price',
    fingerprint: fingerprintOf('price', [orderId]),
    source: opts.sourceOf(worst.system),
    orderId,
    details: {
      amounts: [...priced].sort((a, b) => a.system.localeCompare(b.system)).map((v) => ({ system: v.system, amount: v.amount, currency: v.currency })),
      ...(expected !== undefined ? { expected: round2(expected) } : {}),
      deviationPercent: round2(deviation),
    },
  };
}
