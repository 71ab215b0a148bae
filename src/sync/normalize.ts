import type { NormalizedRecord, QuarantinedRecord, SourceRecord } from '../core/order.ts';
import type { CanonicalStatus } from '../core/status.ts';

/** Maps one raw status to a canonical one, or undefined when nothing matches (never a guess). */
export type StatusMapper = (raw: string) => CanonicalStatus | undefined;

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 'i');
}

/**
 * Compiles mapping sets (applied in order, first hit wins) into a memoized mapper.
 * Lookup order per set: exact key, then the key ignoring case and surrounding spaces, then `*` patterns.
 */
export function compileMapping(sets: readonly Readonly<Record<string, CanonicalStatus>>[]): StatusMapper {
  const compiled = sets.map((set) => {
    const exact = new Map<string, CanonicalStatus>();
    const folded = new Map<string, CanonicalStatus>();
    const patterns: [RegExp, CanonicalStatus][] = [];
    for (const [key, value] of Object.entries(set)) {
      if (key.includes('*')) patterns.push([globToRegExp(key.trim()), value]);
      else {
        exact.set(key, value);
        folded.set(key.trim().toLowerCase(), value);
      }
    }
    return { exact, folded, patterns };
  });
  const memo = new Map<string, CanonicalStatus | null>();
  return (raw) => {
    const hit = memo.get(raw);
    if (hit !== undefined) return hit ?? undefined;
    let found: CanonicalStatus | undefined;
    const trimmed = raw.trim();
    const lower = trimmed.toLowerCase();
    for (const set of compiled) {
      found = set.exact.get(raw) ?? set.folded.get(lower) ?? set.patterns.find(([re]) => re.test(trimmed))?.[1];
      if (found) break;
    }
    // The raw vocabulary of a system is small; a bounded memo keeps the hot path to one Map lookup.
    if (memo.size < 10_000) memo.set(raw, found ?? null);
    return found;
  };
}

/** A page split into records with a canonical status and records to quarantine. */
export interface NormalizedPage {
  records: NormalizedRecord[];
  quarantined: QuarantinedRecord[];
}

/** Maps every record of a page; unmapped raw statuses go to quarantine with the reason. */
export function normalizeRecords(records: readonly SourceRecord[], system: string, mapper: StatusMapper): NormalizedPage {
  const out: NormalizedRecord[] = [];
  const quarantined: QuarantinedRecord[] = [];
  for (const r of records) {
    const status = mapper(r.rawStatus);
    if (status) out.push({ ...r, system, status });
    else quarantined.push({ ...r, system, reason: 'unknown_status' });
  }
  return { records: out, quarantined };
}
