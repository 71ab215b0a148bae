// Labels: how alerts are grouped (group keys), silenced (matchers) and inhibited (equal labels).
import { FINDING_KINDS, type FindingKind, type FindingLabels } from '../detect/types.ts';

/** Label names a matcher may use. */
export const MATCHER_LABELS = ['kind', 'source', 'shop', 'orderId'] as const;
/** One matchable label name. */
export type MatcherLabel = (typeof MATCHER_LABELS)[number];
/** Label equality matchers (every given label must equal). */
export type Matchers = Partial<Record<MatcherLabel, string>>;

/** Label names a group may be keyed by. */
export type GroupLabel = 'kind' | 'source' | 'shop';

/** The default shop label (until multi-shop settings exist). */
export const DEFAULT_SHOP = 'default';

/** True when `value` is a finding kind. */
export function isFindingKind(value: string): value is FindingKind {
  return (FINDING_KINDS as readonly string[]).includes(value);
}

/** The group key: `kind=stale,source=wms,shop=default` over the configured group_by labels, in that order. */
export function groupKeyOf(labels: FindingLabels, groupBy: readonly GroupLabel[]): string {
  return groupBy.map((l) => `${l}=${labels[l]}`).join(',');
}

/** The labels a group key names (the group's common labels). */
export function parseGroupKey(key: string): Matchers {
  const out: Matchers = {};
  for (const part of key.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq);
    if ((MATCHER_LABELS as readonly string[]).includes(name)) out[name as MatcherLabel] = part.slice(eq + 1);
  }
  return out;
}

/** True when every matcher equals the alert's label. */
export function matchesAll(matchers: Matchers, labels: FindingLabels): boolean {
  for (const name of MATCHER_LABELS) {
    const want = matchers[name];
    if (want !== undefined && labels[name] !== want) return false;
  }
  return true;
}

/** `kind=stale source=wms` for people. */
export function formatMatchers(m: Matchers): string {
  return MATCHER_LABELS.flatMap((l) => (m[l] !== undefined ? [`${l}=${m[l]}`] : [])).join(' ');
}
