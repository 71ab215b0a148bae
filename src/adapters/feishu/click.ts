// Card clicks answered inline: while the hub handles a click (within the budget), an update of the clicked
// message becomes the callback answer's card and an ephemeral notice its toast, instead of a PATCH and a
// message. After the budget the answer goes out with what it has, and later updates are PATCHed as usual.
import type { FeishuCard } from './render.ts';

/** The body of a card callback answer (PLATFORMS.md 2.5). */
export interface ClickAnswer {
  toast?: { type: 'info'; content: string };
  card?: { type: 'raw'; data: FeishuCard };
}

/** One click being handled. */
export class ClickSession {
  card: FeishuCard | undefined;
  readonly toasts: string[] = [];
  open = true;
  constructor(readonly messageId: string) {}
}

/** The clicks whose answer has not gone out yet, by clicked message. */
export class ClickSessions {
  private readonly byMessage = new Map<string, Set<ClickSession>>();

  /** Opens a session for a click on `messageId`. */
  begin(messageId: string): ClickSession {
    const session = new ClickSession(messageId);
    let set = this.byMessage.get(messageId);
    if (!set) this.byMessage.set(messageId, (set = new Set()));
    set.add(session);
    return session;
  }

  /** True while a click on `messageId` is being answered (an update now goes in that answer, not through the API). */
  isOpen(messageId: string): boolean {
    return (this.byMessage.get(messageId)?.size ?? 0) > 0;
  }

  /** Hands an update of `messageId` to its open clicks; false when there is none (the caller PATCHes). */
  offerCard(messageId: string, card: FeishuCard): boolean {
    const set = this.byMessage.get(messageId);
    if (!set || set.size === 0) return false;
    for (const s of set) s.card = card;
    return true;
  }

  /** Closes a session and builds its answer (`{}` when nothing happened in time). */
  end(session: ClickSession, toastMax: number): ClickAnswer {
    session.open = false;
    const set = this.byMessage.get(session.messageId);
    set?.delete(session);
    if (set?.size === 0) this.byMessage.delete(session.messageId);
    const answer: ClickAnswer = {};
    const text = session.toasts.join('\n').trim();
    if (text !== '') answer.toast = { type: 'info', content: [...text].length > toastMax ? `${[...text].slice(0, toastMax - 1).join('')}…` : text };
    if (session.card) answer.card = { type: 'raw', data: session.card };
    return answer;
  }
}
