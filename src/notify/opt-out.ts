// Opt-out and opt-in by reply: TD / STOP / 退订 / BAJA stop notifications, START / 订阅 turn them back on.
import type { Db } from '../store/db.ts';
import { OutboxRepo } from './outbox-repo.ts';
import type { PrefsRepo } from './prefs.ts';
import { OPT_IN_KEYWORD } from './texts.ts';

/** Replies that opt a customer out (compared trimmed and case-insensitively). */
export const OPT_OUT_KEYWORDS: readonly string[] = ['TD', 'STOP', '退订', 'BAJA'];
/** Replies that opt a customer back in. */
export const OPT_IN_KEYWORDS: readonly string[] = [OPT_IN_KEYWORD, '订阅'];

/** What a reply means for notifications. */
export type ReplyKind = 'opt_out' | 'opt_in';

/** The outcome of `handleCustomerReply`: not ours (the conversation work handles it), or an opt-out/in. */
export type ReplyOutcome = { handled: false } | { handled: true; kind: ReplyKind; cancelled: number };

/** Classifies a reply: the whole text must be a keyword (full-width letters and a closing punctuation mark are fine). */
export function classifyReply(text: string): ReplyKind | undefined {
  const word = text.normalize('NFKC').trim().replace(/[.!。！]+$/u, '').trim().toUpperCase();
  if (OPT_OUT_KEYWORDS.includes(word)) return 'opt_out';
  if (OPT_IN_KEYWORDS.includes(word)) return 'opt_in';
  return undefined;
}

/** What `handleCustomerReply` needs. */
export interface OptOutDeps {
  db: Db;
  prefs: PrefsRepo;
  now: () => number;
}

/**
 * Handles a customer's reply if it is an opt-out or opt-in: stores the choice and, on opt-out, cancels their messages
 * not yet being sent (one already with a provider finishes). Anything else is `{ handled: false }`.
 */
export async function handleCustomerReply(deps: OptOutDeps, customerId: string, text: string): Promise<ReplyOutcome> {
  const kind = classifyReply(text);
  if (!kind) return { handled: false };
  const now = deps.now();
  return deps.db.transaction(async () => {
    await deps.prefs.setOptedOut(customerId, kind === 'opt_out', now);
    const cancelled = kind === 'opt_out' ? await new OutboxRepo(deps.db).cancelPending(customerId, 'opted_out', now) : 0;
    return { handled: true, kind, cancelled };
  });
}
