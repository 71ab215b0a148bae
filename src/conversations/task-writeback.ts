// The conversation's outcome written back: a cancel goes to the order through the executor ports, and the answer
// (or the handoff, with its transcript) becomes a note on the task that started the conversation, so the original
// task card shows it in every reader's language. A conversation without a task gets a card of its own, as before.
import type { TFunction } from 'i18next';
import { cardLocale, maskAddress } from '../../cards/format.ts';
import { noteLine } from '../../cards/task-parts.ts';
import { card, type Card } from '../core/card.ts';
import type { CardFactory } from '../core/command.ts';
import { describeError, RetryableError } from '../core/errors.ts';
import { resolveLanguage, type Language } from '../core/i18n.ts';
import type { Logger } from '../core/logger.ts';
import type { CanonicalStatus } from '../core/status.ts';
import { TASK_DETAILS } from '../tasks/details.ts';
import { applyCorrectedPrice } from '../tasks/executors.ts';
import type { TaskExecutorPorts } from '../tasks/ports.ts';
import type { Task, TaskNote, TaskNoteInput, TaskNoteLine } from '../tasks/types.ts';
import { describeOutcome, formatTranscript, handoffSummary } from './texts.ts';
import type { Conversation, ConversationPorts, TranscriptEntry } from './types.ts';

/** Transcript messages a task note carries; a longer transcript (or a longer message) also gets its own card. */
export const TRANSCRIPT_INLINE_MAX = 8;
/** Characters of one message a task note shows (a reply can be 4000 characters; Slack sections hold 3000). */
export const TRANSCRIPT_TEXT_MAX = 200;

/** What the write-back works through (the composition root wires the task service, the executor ports and the hub). */
export interface TaskWritebackDeps {
  tasks: { note(id: number, entry: TaskNoteInput): Promise<TaskNote | undefined>; get(id: number): Promise<Task | undefined> };
  ports: Pick<TaskExecutorPorts, 'canPush' | 'pushStatus' | 'applyPrice' | 'resync' | 'acceptAddresses'>;
  /** Every system's current view of the order (what a cancel writes to). */
  views(orderId: string): Promise<{ system: string; status: CanonicalStatus }[]>;
  /** Posts a staff card that is not a task card under `cardKey`; called again with the same key, updates it instead. */
  postCard(cardKey: string, card: CardFactory): Promise<void>;
  /** Language of the transcript card. */
  language(): Language;
  timeZone: string;
  log: Logger;
}

/** A declined price's cancel, noted as such. */
const DECLINE_KEYS: Readonly<Record<string, string>> = { cancelled: 'declined', cancelIncomplete: 'declineIncomplete', cancelRetrying: 'declineRetrying' };

/** What a write-back (a cancel, a price correction) did, system by system; `key` names the note. */
interface WriteOutcome {
  key: string;
  done: string[];
  lines: TaskNoteLine[];
  attention: boolean;
  retry: boolean;
}

/** The decide and handoff ports of the conversation service, over tasks, executor ports and the hub. */
export function createTaskWriteback(deps: TaskWritebackDeps): Pick<ConversationPorts, 'decide' | 'handoff'> {
  const { log } = deps;

  // Pushes cancelled to every system of the order that takes status writes; each system's result is a note line.
  async function cancelEverywhere(orderId: string): Promise<WriteOutcome> {
    const views = await deps.views(orderId);
    const already = views.filter((v) => v.status === 'cancelled').map((v) => v.system);
    const lines: TaskNoteLine[] = [];
    const done: string[] = [];
    const cannot: string[] = [];
    let failed = false;
    let retry = false;
    for (const v of views.filter((x) => x.status !== 'cancelled')) {
      if (!deps.ports.canPush(v.system)) {
        cannot.push(v.system);
        continue;
      }
      try {
        await deps.ports.pushStatus(v.system, orderId, 'cancelled');
        done.push(v.system);
        lines.push({ key: 'result.cancelled', vars: { system: v.system } });
      } catch (err) {
        failed = true;
        retry ||= err instanceof RetryableError;
        log.warn({ orderId, system: v.system, err: describeError(err) }, 'cancelling the order for the customer failed');
        lines.push({ key: 'result.failed', vars: { system: v.system, error: describeError(err).slice(0, 300) } });
      }
    }
    if (cannot.length > 0) lines.push({ key: 'result.noPush', vars: { systems: cannot.join(', ') } });
    if (views.length === 0) lines.push({ key: 'result.nothing' });
    const cancelled = [...already, ...done];
    // Like the cancel executor: done when at least one system took it and none failed; systems that take no writes are
    // listed for a person to finish by hand.
    const key = retry ? 'cancelRetrying' : failed || cancelled.length === 0 ? 'cancelIncomplete' : 'cancelled';
    return { key, done: cancelled, lines, attention: key !== 'cancelled' || cannot.length > 0, retry };
  }

  // The customer accepted a corrected price: the price task's own executor writes it to every system that differs.
  async function applyPriceOf(c: Conversation): Promise<WriteOutcome> {
    const task = c.taskId === null ? undefined : await deps.tasks.get(c.taskId);
    const fail = (err: unknown): WriteOutcome => {
      const retry = err instanceof RetryableError;
      log.warn({ orderId: c.orderId, err: describeError(err) }, 'applying the price the customer accepted failed');
      return { key: retry ? 'acceptRetrying' : 'acceptIncomplete', done: [], lines: [{ key: 'result.priceFailed', vars: { error: describeError(err).slice(0, 300) } }], attention: true, retry };
    };
    if (!task || task.kind !== 'price') return fail(new Error(`no price task behind conversation ${c.id}`));
    try {
      const result = await applyCorrectedPrice(task, deps.ports);
      const priced = result.lines.filter((l) => l.key === 'priced');
      return { key: 'accepted', done: priced.map((l) => String(l.vars?.system ?? '')), lines: priced.map((l) => ({ key: 'result.priced', vars: l.vars ?? {} })), attention: false, retry: false };
    } catch (err) {
      return fail(err);
    }
  }

  // What the answer writes back to the order: a cancel (stock: cancel; price: decline, as the question told the
  // customer), a price correction (price: accept); nothing for the others.
  async function writeBack(c: Conversation, choice: string): Promise<WriteOutcome | undefined> {
    if (choice === 'cancel') return cancelEverywhere(c.orderId);
    if (c.template !== 'ask_price') return undefined;
    if (choice === 'accept') return applyPriceOf(c);
    if (choice !== 'decline') return undefined;
    const cancel = await cancelEverywhere(c.orderId);
    return { ...cancel, key: DECLINE_KEYS[cancel.key] ?? cancel.key };
  }

  // An address check: nothing can be written into the systems from here. "confirm" accepts the addresses as they stand
  // (an incomplete one stops being a problem), but systems holding another address must still be updated by hand;
  // "change", and no answer at all, need a person.
  async function addressNote(c: Conversation, choice: string, base: Pick<TaskNoteInput, 'ref' | 'who' | 'actor'>): Promise<TaskNoteInput> {
    const system = c.vars.system ?? '';
    const task = c.taskId === null ? undefined : await deps.tasks.get(c.taskId);
    const parsed = task?.kind === 'address' ? TASK_DETAILS.address.safeParse(task.details) : undefined;
    const views = parsed?.success ? parsed.data.views : [];
    const others = views.map((v) => v.system).filter((s) => s !== system);
    const systems = views.map((v) => v.system).join(', ') || system;
    if (c.decidedBy === 'default') return { ...base, key: 'addressNoAnswer', vars: { system }, tone: 'attention' };
    if (choice === 'change') return { ...base, key: 'addressChange', vars: { systems }, tone: 'attention' };
    await deps.ports.acceptAddresses(c.orderId, `customer:${c.customerId}`);
    const disagree = parsed?.success === true && parsed.data.problems.includes('disagree') && others.length > 0;
    return disagree ? { ...base, key: 'addressConfirmedUpdate', vars: { system, others: others.join(', ') }, tone: 'attention' } : { ...base, key: 'addressConfirmed', vars: { system }, tone: 'info' };
  }

  function noteBase(c: Conversation): Pick<TaskNoteInput, 'ref' | 'who' | 'actor'> {
    return { ref: `conversation:${c.id}`, ...(c.decidedBy === 'default' ? { who: 'system' as const } : { who: 'customer' as const, actor: { key: `customer:${c.customerId}`, name: c.customerId } }) };
  }

  function decisionNote(c: Conversation, choice: string, cancel: WriteOutcome | undefined): TaskNoteInput {
    const byDefault = c.decidedBy === 'default';
    const base = noteBase(c);
    const tone = cancel?.attention || choice === 'switch' ? ('attention' as const) : ('info' as const);
    if (byDefault) return { ...base, key: 'defaulted', vars: { choice }, lines: cancel?.lines ?? [], tone };
    if (cancel) return { ...base, key: cancel.key, vars: { choice, systems: cancel.done.join(', ') }, lines: cancel.lines, tone };
    if (choice === 'wait' || choice === 'switch') return { ...base, key: choice, tone };
    return { ...base, key: 'chose', vars: { choice }, tone };
  }

  // Appends the note to the conversation's task; false when it has none (or the task is gone).
  async function onTask(c: Conversation, note: TaskNoteInput): Promise<boolean> {
    if (c.taskId === null) return false;
    return (await deps.tasks.note(c.taskId, note)) !== undefined;
  }

  return {
    async decide({ conversation: c, choice }) {
      const cancel = await writeBack(c, choice);
      const note = c.template === 'ask_address' ? await addressNote(c, choice, noteBase(c)) : decisionNote(c, choice, cancel);
      if (!(await onTask(c, note))) {
        await deps.postCard(`conversation:${c.id}:decision`, (t) => decisionCard(t, c, note, deps.timeZone));
      }
      // Shown on the card first; then the conversation's tick tries again (the note is replaced, never repeated).
      if (cancel?.retry) throw new RetryableError('conversation.writeback_incomplete', `the answer to conversation ${c.id} is not written to order ${c.orderId} everywhere yet`, { details: { orderId: c.orderId } });
    },
    async handoff({ conversation: c, transcript: raw }) {
      const transcript = maskTranscript(c, raw);
      const inline = inlineTranscript(transcript);
      const note: TaskNoteInput = { ref: `conversation:${c.id}`, who: 'system', key: inline.complete ? 'handoff' : 'handoffElsewhere', lines: inline.lines, tone: 'attention' };
      const noted = await onTask(c, note);
      // The whole transcript gets its own card when there is no task card, or when it would make the task card too long.
      if (!noted || !inline.complete) await deps.postCard(`conversation:${c.id}`, transcriptCard(c, transcript, deps.language(), deps.timeZone));
    },
  };
}

/**
 * The transcript as staff may read it: the address the question named is masked wherever it appears (phones are masked
 * when lines are rendered). What customers type themselves is shown as written, so staff can act on it.
 */
export function maskTranscript(c: Pick<Conversation, 'vars'>, transcript: readonly TranscriptEntry[]): TranscriptEntry[] {
  const address = c.vars.address?.trim();
  if (!address) return [...transcript];
  const masked = maskAddress(address);
  return transcript.map((e) => ({ ...e, text: e.text.split(address).join(masked) }));
}

/** The transcript lines a task note carries: all of it when short, else the latest messages (clipped) after a count. */
export function inlineTranscript(transcript: readonly TranscriptEntry[]): { lines: TaskNoteLine[]; complete: boolean } {
  const complete = transcript.length <= TRANSCRIPT_INLINE_MAX && transcript.every((e) => e.text.length <= TRANSCRIPT_TEXT_MAX);
  const kept = complete ? transcript : transcript.slice(-(TRANSCRIPT_INLINE_MAX - 1));
  const clip = (text: string): string => (text.length <= TRANSCRIPT_TEXT_MAX ? text : `${text.slice(0, TRANSCRIPT_TEXT_MAX - 1)}…`);
  const lines = kept.map((e): TaskNoteLine => ({ key: `transcript.${e.direction}`, vars: { time: e.at, channel: e.channel, text: clip(e.text) } }));
  const earlier = transcript.length - kept.length;
  return { lines: earlier > 0 ? [{ key: 'transcript.earlier', vars: { count: earlier } }, ...lines] : lines, complete };
}

/** The whole transcript for staff (the card handoffs had before task notes; still used when the task card cannot hold it). */
function transcriptCard(c: Conversation, transcript: readonly TranscriptEntry[], lang: Language, timeZone: string): CardFactory {
  const summary = handoffSummary(c, lang);
  return () => card().header(summary.title, 'warning').text(summary.body).list(formatTranscript(transcript, lang, timeZone)).fallback(summary.title).build();
}

/** A decision on a conversation no task started: the outcome line, and what a cancel did per system. */
function decisionCard(t: TFunction, c: Conversation, note: TaskNoteInput, timeZone: string): Card {
  const locale = cardLocale(t);
  const outcome = describeOutcome(c, resolveLanguage(locale));
  return card()
    .header(outcome, note.tone === 'attention' ? 'warning' : 'info')
    .list((note.lines ?? []).map((l) => noteLine(t, l, locale, timeZone)))
    .fallback(outcome)
    .build();
}
