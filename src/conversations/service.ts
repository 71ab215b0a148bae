// The conversation service: asks a customer (wechaty, else a template message), reads replies, clarifies once,
// hands off to staff, applies the default at the deadline, and writes each decision back exactly once.
import type { Clock } from '../core/clock.ts';
import { describeError, PermanentError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ReplyOutcome } from '../notify/opt-out.ts';
import type { Db } from '../store/db.ts';
import { Messenger } from './messenger.ts';
import { choicesOf, parseReply } from './parse.ts';
import { ConversationRepo } from './repo.ts';
import { OPEN_STATES, type Conversation, type ConversationPorts, type StartInput, type TranscriptChannel, type TranscriptEntry } from './types.ts';

/** What the service needs. */
export interface ConversationServiceDeps {
  db: Db;
  ports: ConversationPorts;
  clock: Clock;
  log: Logger;
}

/** Who sent a reply and how it arrived. */
export interface ReplyFrom {
  /** The wechaty contact name (customers may be linked by name until their contact id is known). */
  name?: string | undefined;
  /** Default `reply`. */
  channel?: TranscriptChannel | undefined;
}

/** What a reply did. */
export type ReplyResult =
  | { kind: 'opt'; outcome: Extract<ReplyOutcome, { handled: true }>; customerId: string; conversation?: Conversation | undefined }
  | { kind: 'no_conversation'; customerId: string }
  | { kind: 'decided'; conversation: Conversation; choice: string }
  | { kind: 'clarify'; conversation: Conversation }
  | { kind: 'handed_off'; conversation: Conversation };

/** What one tick did. */
export interface ConversationTick {
  /** Conversations whose default was applied now. */
  timedOut: Conversation[];
  /** Questions sent now that had not gone out before. */
  asked: number;
  /** Write-backs retried. */
  retried: number;
}

/** Conversations with customers, persisted in SQLite. */
export class ConversationService {
  readonly repo: ConversationRepo;
  private readonly messenger: Messenger;
  // One step at a time: a reply racing the tick (or a second reply) must see the state the first one left.
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ConversationServiceDeps) {
    this.repo = new ConversationRepo(deps.db);
    this.messenger = new Messenger(this.repo, deps.ports, deps.log, () => deps.clock.now());
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Persists a conversation and asks the customer (queued behind another open one of the same customer). Idempotent on
   * `key`: calling again returns the same conversation and only re-sends a question that never went out.
   * Throws when the question could not be sent at all (the row stays; a tick or a retried call sends it).
   */
  start(input: StartInput): Promise<Conversation> {
    if (!choicesOf(input.template).includes(input.defaultChoice)) {
      throw new PermanentError('conversation.bad_default', `"${input.defaultChoice}" is not a choice of ${input.template}`, { template: input.template });
    }
    const vars = Object.fromEntries(Object.entries(input.vars).map(([k, v]) => [k, String(v)]));
    const taskId = input.taskId ?? taskIdOf(input.vars.taskId);
    const key = input.key ?? `${input.orderId}:${input.template}:${taskId ?? '-'}`;
    return this.serial(async () => {
      const { conversation } = await this.repo.create(
        { key, orderId: input.orderId, customerId: input.customer.customerId, recipient: input.customer, template: input.template, vars, taskId, defaultChoice: input.defaultChoice, deadlineMs: input.deadlineMs },
        this.now(),
      );
      if (conversation.state === 'asking' && conversation.deadlineAt === null) await this.ask(conversation);
      return (await this.repo.get(conversation.id)) ?? conversation;
    });
  }

  /**
   * A customer's reply, from a wechaty contact id / name or a customer id. Opt-out and opt-in keywords go to the
   * notifier first and do not advance the conversation; otherwise the open conversation reads the answer.
   */
  onReply(who: string, text: string, from: ReplyFrom = {}): Promise<ReplyResult> {
    return this.serial(async () => {
      const ids = [who, ...(from.name ? [from.name] : [])];
      const open = await this.repo.openFor(ids);
      const known = open ?? (await this.repo.latestFor(ids));
      const customerId = known?.customerId ?? (await this.deps.ports.resolveCustomer?.(who, from.name)) ?? who;
      const channel = from.channel ?? 'reply';
      const opt = await this.deps.ports.handleCustomerReply(customerId, text);
      if (opt.handled) {
        if (open) {
          await this.repo.append(open.id, { direction: 'in', channel, kind: opt.kind, text, at: this.now() });
          await this.repo.setOptedOut(open.id, opt.kind === 'opt_out', this.now());
        }
        if (opt.kind === 'opt_out' && known) await this.messenger.tell(open ?? known, { template: 'optout_done' });
        return { kind: 'opt', outcome: opt, customerId, conversation: open ? await this.repo.get(open.id) : undefined };
      }
      if (!open) return { kind: 'no_conversation', customerId };
      await this.repo.append(open.id, { direction: 'in', channel, kind: 'reply', text, at: this.now() });
      const parsed = parseReply(open.template, text);
      if (parsed.kind === 'choice') {
        const decided = await this.close(open, 'decided', parsed.choice, 'customer');
        return decided ? { kind: 'decided', conversation: decided, choice: parsed.choice } : { kind: 'no_conversation', customerId };
      }
      if (open.clarifications === 0) {
        const clarifying = await this.repo.transition(open.id, OPEN_STATES, 'clarifying', { clarifications: 1 }, this.now());
        if (!clarifying) return { kind: 'no_conversation', customerId };
        await this.messenger.tell(clarifying, { template: 'clarify' });
        return { kind: 'clarify', conversation: clarifying };
      }
      const handed = await this.close(open, 'handed_off', null, null);
      return handed ? { kind: 'handed_off', conversation: handed } : { kind: 'no_conversation', customerId };
    });
  }

  /** Applies the default to conversations past their deadline, sends questions that never went out, retries write-backs. */
  tick(now: number = this.now()): Promise<ConversationTick> {
    return this.serial(async () => {
      const timedOut: Conversation[] = [];
      for (const c of await this.repo.overdue(now)) {
        const closed = await this.close(c, 'timed_out', c.defaultChoice, 'default');
        if (!closed) continue;
        timedOut.push(closed);
        this.deps.ports.report?.({ kind: 'timed_out', conversation: closed, choice: c.defaultChoice });
      }
      let asked = 0;
      for (const c of await this.repo.unasked()) if (await this.ask(c).then(() => true, () => false)) asked++;
      const fresh = new Set(timedOut.map((c) => c.id));
      let retried = 0;
      for (const c of await this.repo.pendingWriteback()) {
        if (fresh.has(c.id)) continue;
        await this.writeBack(c);
        retried++;
      }
      return { timedOut, asked, retried };
    });
  }

  /** One conversation. */
  get(id: number): Promise<Conversation | undefined> {
    return this.repo.get(id);
  }

  /** A conversation's transcript, oldest first. */
  transcript(id: number): Promise<TranscriptEntry[]> {
    return this.repo.transcript(id);
  }

  /** Conversations a task started, newest first (for its card). */
  forTask(taskId: number): Promise<Conversation[]> {
    return this.repo.forTask(taskId);
  }

  private now(): number {
    return this.deps.clock.now();
  }

  private async ask(c: Conversation): Promise<void> {
    const channel = await this.messenger.ask(c);
    const now = this.now();
    await this.repo.markAsked(c.id, channel, now + c.deadlineMs, now);
  }

  // Moves an open conversation to its end state once (a second call finds it closed and does nothing), tells the
  // customer, writes the outcome back, then asks the customer's next queued question.
  private async close(c: Conversation, to: 'decided' | 'handed_off' | 'timed_out', choice: string | null, by: 'customer' | 'default' | null): Promise<Conversation | undefined> {
    const now = this.now();
    const closed = await this.repo.transition(c.id, OPEN_STATES, to, { decision: choice, decided_by: by, writeback: 'pending', closed_at: now }, now);
    if (!closed) return undefined;
    if (to === 'handed_off') await this.messenger.tell(closed, { template: 'handoff' });
    else if (choice !== null && !(to === 'timed_out' && closed.optedOut)) await this.messenger.tell(closed, { closing: to === 'decided' ? 'decided' : 'timedOut', choice });
    await this.writeBack(closed);
    await this.promote(closed.customerId);
    return (await this.repo.get(closed.id)) ?? closed;
  }

  private async writeBack(c: Conversation): Promise<void> {
    try {
      if (c.state === 'handed_off') await this.deps.ports.handoff({ conversation: c, transcript: await this.repo.transcript(c.id) });
      else if (c.decision !== null) await this.deps.ports.decide({ conversation: c, choice: c.decision });
      await this.repo.setWriteback(c.id, null, this.now());
    } catch (err) {
      const error = describeError(err);
      this.deps.log.error({ conversation: c.id, err: error }, 'conversation write-back failed; retried on the next tick');
      await this.repo.setWriteback(c.id, error.slice(0, 500), this.now());
      this.deps.ports.report?.({ kind: 'writeback_failed', conversation: c, error });
    }
  }

  private async promote(customerId: string): Promise<void> {
    const next = await this.repo.nextQueued(customerId);
    if (!next) return;
    const asking = await this.repo.transition(next.id, ['queued'], 'asking', {}, this.now());
    if (asking) await this.ask(asking).catch((err: unknown) => this.deps.log.warn({ conversation: asking.id, err: describeError(err) }, 'asking a queued question failed; the tick retries'));
  }
}

function taskIdOf(value: string | number | undefined): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : null;
}
