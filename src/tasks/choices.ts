// The decisions a person can take per task kind, and which one is suggested.
import { STATUS_RANK, type CanonicalStatus } from '../core/status.ts';
import { TASK_DETAILS } from './details.ts';
import type { ChoiceId, TaskKind } from './types.ts';

/** Choices that destroy something and need a confirmation dialog. */
export const DESTRUCTIVE_CHOICES: ReadonlySet<ChoiceId> = new Set(['cancel']);

// How far an order has physically gone, to suggest whose view to trust in a mismatch: the canonical ranking,
// except that a cancellation only outranks what has not left the warehouse (it can be reached from packed,
// not from shipped): goods on their way, delivered or coming back are a fact a status push cannot undo.
function physicalRank(status: CanonicalStatus): number {
  return status === 'cancelled' ? (STATUS_RANK.packed + STATUS_RANK.shipped) / 2 : STATUS_RANK[status];
}

/** Choices and the suggested one for a finding of a task kind; undefined when its details cannot be read. */
export function choicesFor(kind: TaskKind, details: Record<string, unknown>): { choices: ChoiceId[]; suggested: ChoiceId } | undefined {
  switch (kind) {
    case 'mismatch': {
      const d = TASK_DETAILS.mismatch.safeParse(details);
      if (!d.success) return undefined;
      // One choice per system with its own opinion; systems that agree with another are one choice (the first named).
      const seen = new Set<string>();
      const opinions = d.data.views.filter((v) => (seen.has(v.status) ? false : (seen.add(v.status), true)));
      // Suggested: the view furthest along physically. Opinions have distinct statuses and the rank is strict, so
      // there is no tie to break; on equal ranks the first named would stay (reduce keeps the earlier one).
      const best = opinions.reduce<(typeof opinions)[number] | undefined>((a, v) => (a === undefined || physicalRank(v.status) > physicalRank(a.status) ? v : a), undefined);
      return best ? { choices: opinions.map((v) => `trust:${v.system}`), suggested: `trust:${best.system}` } : undefined;
    }
    case 'stock':
      return TASK_DETAILS.stock.safeParse(details).success ? { choices: ['wait', 'contact', 'cancel'], suggested: 'wait' } : undefined;
    case 'price':
      return TASK_DETAILS.price.safeParse(details).success ? { choices: ['apply', 'ask', 'keep'], suggested: 'apply' } : undefined;
    case 'source_down': {
      const d = TASK_DETAILS.source_down.safeParse(details);
      if (!d.success) return undefined;
      return d.data.fallback ? { choices: ['fallback', 'ack'], suggested: d.data.fallbackOk === false ? 'ack' : 'fallback' } : { choices: ['ack'], suggested: 'ack' };
    }
    case 'regression':
      return TASK_DETAILS.regression.safeParse(details).success ? { choices: ['restore', 'accept'], suggested: 'restore' } : undefined;
    case 'undeliverable':
      return TASK_DETAILS.undeliverable.safeParse(details).success ? { choices: ['resend', 'contacted'], suggested: 'resend' } : undefined;
    case 'address':
      // Nothing here can write an address into a system: the customer is asked, or a person says they sorted it out.
      return TASK_DETAILS.address.safeParse(details).success ? { choices: ['verify', 'contacted'], suggested: 'verify' } : undefined;
  }
}

/** The system a `trust:<system>` choice names. */
export function trustedSystem(choice: ChoiceId): string | undefined {
  return choice.startsWith('trust:') ? choice.slice('trust:'.length) : undefined;
}
