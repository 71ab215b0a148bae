// Posts the hour's digest card once, then updates it in place as more groups are counted in it.
import { z } from 'zod';
import { buildAlertDigestCard, type DigestGroupView } from '../../cards/alert-digest.ts';
import type { Settings } from '../settings/schema.ts';
import { FINDING_KINDS } from '../detect/types.ts';
import { hourOf, type DigestEntry, type NoiseBudget } from './budget.ts';
import { ALERT_ROUTE, type AlertPublisher } from './types.ts';

const HOUR = 3_600_000;
const labelsSchema = z.object({ kind: z.enum(FINDING_KINDS), source: z.string().optional(), shop: z.string().optional() });

function toGroup(e: DigestEntry): DigestGroupView | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(e.labels);
  } catch {
    return undefined; // written by us; a bad row is left out of the card rather than breaking it
  }
  const parsed = labelsSchema.safeParse(raw);
  return parsed.success ? { ...parsed.data, active: e.active } : undefined;
}

/** Adds `entries` to the current hour's digest and posts or updates its card. */
export async function publishDigest(deps: { budget: NoiseBudget; publisher: AlertPublisher; settings: Settings }, entries: readonly DigestEntry[], now: number, timeZone: string | undefined): Promise<void> {
  const hour = hourOf(now);
  const { cardKey, posted } = await deps.budget.addToDigest(hour, entries, now);
  const groups = (await deps.budget.entries(hour)).flatMap((e) => toGroup(e) ?? []);
  const view = { until: hour + HOUR, budget: deps.settings.alerts.noiseBudgetPerHour, groups, now, timeZone };
  const card = (t: Parameters<typeof buildAlertDigestCard>[1]) => buildAlertDigestCard(view, t);
  if (posted) {
    await deps.publisher.updateCard(cardKey, card);
    return;
  }
  const refs = await deps.publisher.publish(ALERT_ROUTE, cardKey, card);
  if (refs.length > 0) await deps.budget.markDigestPosted(hour);
}
