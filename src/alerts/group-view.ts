// Reads one group's firing alerts, sorts them into shown / silenced / inhibited, and builds its card view.
import { WORST_SHOWN, type AlertCardView, type AlertItemView } from '../../cards/alert.ts';
import { FINDING_KINDS, type FindingKind } from '../detect/types.ts';
import { parseDetails } from '../detect/details.ts';
import type { Inhibitor } from './inhibit.ts';
import { parseGroupKey } from './labels.ts';
import type { AlertRepo, FiringAlert, GroupRow } from './repo.ts';
import { silenceFor, type Silence } from './silences.ts';

/** What a flush needs to decide: the view, a fingerprint of the shown set, and how many fire at all. */
export interface GroupSnapshot {
  view: AlertCardView;
  /** Changes exactly when the set of shown alerts changes. */
  hash: string;
  firing: number;
}

/** Context shared by every group of one pass. */
export interface ViewContext {
  silences: readonly Silence[];
  inhibitor: Inhibitor;
  now: number;
  timeZone?: string | undefined;
  /** Display name of a silence's creator (`platform:userId`). */
  nameOf(createdBy: string): string;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** An order-independent digest of a set of fingerprints (count, sum and xor of their hashes). */
export function setHash(fingerprints: Iterable<string>): string {
  let n = 0;
  let sum = 0;
  let xor = 0;
  for (const f of fingerprints) {
    const h = fnv1a(f);
    n++;
    sum = (sum + h) >>> 0;
    xor = (xor ^ h) >>> 0;
  }
  return `${n}:${sum.toString(36)}:${xor.toString(36)}`;
}

function kindOf(group: GroupRow, firing: readonly FiringAlert[]): FindingKind {
  const k = parseGroupKey(group.groupKey).kind;
  return FINDING_KINDS.find((f) => f === k) ?? firing[0]?.labels.kind ?? 'stale';
}

/** The group's current snapshot; `firing` 0 when every alert of the group has resolved. */
export async function snapshotGroup(repo: AlertRepo, group: GroupRow, ctx: ViewContext): Promise<GroupSnapshot> {
  const firing = await repo.firing(group.groupKey);
  const shown: FiringAlert[] = [];
  let silenced = 0;
  let inhibited = 0;
  let silence: Silence | undefined;
  const inhibitors = new Set<string>();
  for (const a of firing) {
    const s = silenceFor(a.labels, ctx.silences);
    if (s) {
      silenced++;
      silence ??= s;
      continue;
    }
    const by = ctx.inhibitor.inhibitedBy(a.labels);
    if (by) {
      inhibited++;
      inhibitors.add(by.source);
      continue;
    }
    shown.push(a);
  }
  const worst = (shown.length > 0 ? shown : firing).slice(0, WORST_SHOWN);
  const details = await repo.details(worst.map((a) => a.fingerprint));
  const items: AlertItemView[] = worst.map((a) => {
    const json = details.get(a.fingerprint);
    return { kind: a.labels.kind, orderId: a.labels.orderId, source: a.labels.source, startsAt: a.startsAt, parsed: json === undefined ? undefined : parseDetails(a.labels.kind, json) };
  });
  const labels = parseGroupKey(group.groupKey);
  const view: AlertCardView = {
    groupKey: group.groupKey,
    kind: kindOf(group, firing),
    source: labels.source,
    shop: labels.shop,
    state: shown.length > 0 ? 'firing' : 'muted',
    active: shown.length,
    silenced,
    inhibited,
    startsAt: firing.reduce((m, a) => Math.min(m, a.startsAt), Number.POSITIVE_INFINITY),
    worst: items,
    silence: silence ? { id: silence.id, until: Date.parse(silence.until), by: ctx.nameOf(silence.createdBy) } : undefined,
    inhibitedBy: inhibitors.size > 0 ? [...inhibitors].sort() : undefined,
    now: ctx.now,
    timeZone: ctx.timeZone,
  };
  return { view, hash: setHash(shown.map((a) => a.fingerprint)), firing: firing.length };
}
