// One line per open finding, in the reader's language; kinds added later by detect rules get a generic line.
import type { TFunction } from 'i18next';
import type { FindingRecord } from '../src/store/findings.ts';
import { code, formatTime, redactText } from './format.ts';
import { TASK_DETAILS } from '../src/tasks/details.ts';
import { addressSummary } from './address.ts';
import { channelLabel } from './undeliverable.ts';

/** What a card needs of a finding. */
export type FindingView = Pick<FindingRecord, 'kind' | 'source' | 'details' | 'count' | 'firstSeen' | 'lastSeen'>;

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

function scalarDetails(details: Readonly<Record<string, unknown>>): string {
  return Object.entries(details)
    .filter(([, v]) => str(v) !== '')
    .slice(0, 4)
    .map(([k, v]) => `${k}=${redactText(str(v))}`)
    .join(', ');
}

function describeKind(t: TFunction, f: FindingView): string {
  const d = f.details;
  switch (f.kind) {
    case 'unknown_status':
      return t('cards:finding.unknown_status', { raw: code(str(d.rawStatus)), system: str(d.system) || (f.source ?? '') });
    case 'source_down':
      return t('cards:finding.source_down', { source: f.source ?? '', error: code(redactText(str(d.error))) });
    case 'bad_record':
      return t('cards:finding.bad_record', { count: Number(d.count ?? 0), source: f.source ?? '' });
    case 'undeliverable': {
      // Only the template and the channels tried: this line is a summary; the task card carries the reasons.
      const channels = Array.isArray(d.reasons) ? d.reasons.flatMap((r: unknown) => (typeof r === 'object' && r !== null && 'channel' in r ? [channelLabel(t, str(r.channel))] : [])) : [];
      return t('cards:finding.undeliverable', { template: code(str(d.template)), channels: channels.join(', ') || '—' });
    }
    case 'address': {
      // Only the problem: the masked addresses are on the alert and the task card.
      const parsed = TASK_DETAILS.address.safeParse(d);
      return parsed.success ? t('cards:finding.address', { problem: addressSummary(t, parsed.data) }) : t('cards:finding.genericBare', { kind: code(f.kind) });
    }
    default: {
      const details = scalarDetails(d);
      return details ? t('cards:finding.generic', { kind: code(f.kind), details: code(details) }) : t('cards:finding.genericBare', { kind: code(f.kind) });
    }
  }
}

/** One localized line describing a finding and how long it has been open. */
export function describeFinding(t: TFunction, f: FindingView, locale: string, timeZone?: string): string {
  return t('cards:finding.seen', { text: describeKind(t, f), since: formatTime(f.firstSeen, locale, timeZone), count: f.count });
}
