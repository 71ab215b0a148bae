// SQLite access for conversations and their transcripts; rows are parsed with zod on the way out.
import { z } from 'zod';
import { SUPPORTED_LANGUAGES } from '../core/i18n.ts';
import type { Db } from '../store/db.ts';
import { ASK_TEMPLATES, CONVERSATION_STATES, OPEN_STATES, type Conversation, type ConversationState, type TranscriptEntry } from './types.ts';

const RecipientSchema = z.object({
  customerId: z.string(),
  name: z.string().optional(),
  openid: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  wechatyId: z.string().optional(),
  language: z.enum(SUPPORTED_LANGUAGES),
  timeZone: z.string().optional(),
});
const TranscriptChannelSchema = z.enum(['wechaty', 'wechat_template', 'reply']);

const RowSchema = z.object({
  id: z.number(),
  key: z.string(),
  order_id: z.string(),
  customer_id: z.string(),
  recipient: z.string().transform((s) => RecipientSchema.parse(JSON.parse(s))),
  template: z.enum(ASK_TEMPLATES),
  vars: z.string().transform((s) => z.record(z.string(), z.string()).parse(JSON.parse(s))),
  task_id: z.number().nullable(),
  state: z.enum(CONVERSATION_STATES),
  channel: TranscriptChannelSchema.nullable(),
  default_choice: z.string(),
  decision: z.string().nullable(),
  decided_by: z.enum(['customer', 'default']).nullable(),
  clarifications: z.number(),
  opted_out: z.number(),
  deadline_ms: z.number(),
  deadline_at: z.number().nullable(),
  writeback: z.enum(['pending', 'done']).nullable(),
  writeback_error: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
  closed_at: z.number().nullable(),
});

const MessageSchema = z.object({ direction: z.enum(['out', 'in']), channel: TranscriptChannelSchema, kind: z.string(), text: z.string(), at: z.number() });

function toConversation(row: unknown): Conversation {
  const r = RowSchema.parse(row);
  return {
    id: r.id,
    key: r.key,
    orderId: r.order_id,
    customerId: r.customer_id,
    recipient: r.recipient,
    template: r.template,
    vars: r.vars,
    taskId: r.task_id,
    state: r.state,
    channel: r.channel,
    defaultChoice: r.default_choice,
    decision: r.decision,
    decidedBy: r.decided_by,
    clarifications: r.clarifications,
    optedOut: r.opted_out === 1,
    deadlineMs: r.deadline_ms,
    deadlineAt: r.deadline_at,
    writeback: r.writeback,
    writebackError: r.writeback_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
  };
}

const OPEN_SQL = OPEN_STATES.map((s) => `'${s}'`).join(', ');

/** New-conversation fields. */
export type NewConversation = Pick<Conversation, 'key' | 'orderId' | 'customerId' | 'recipient' | 'template' | 'vars' | 'taskId' | 'defaultChoice' | 'deadlineMs'>;

/** Reads and writes the conversation tables. */
export class ConversationRepo {
  constructor(private readonly db: Db) {}

  /** Inserts (queued or asking, depending on whether the customer has an open one) or returns the row with the same key. */
  async create(c: NewConversation, now: number): Promise<{ conversation: Conversation; created: boolean }> {
    return this.db.transaction(async () => {
      const existing = await this.byKey(c.key);
      if (existing) return { conversation: existing, created: false };
      const busy = await this.db.get<{ id: number }>(`SELECT id FROM conversations WHERE customer_id = ? AND state IN (${OPEN_SQL}, 'queued') LIMIT 1`, [c.customerId]);
      const state: ConversationState = busy ? 'queued' : 'asking';
      const { lastID } = await this.db.run(
        `INSERT INTO conversations (key, order_id, customer_id, wechaty_id, recipient, template, vars, task_id, state, default_choice, deadline_ms, deadline_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [c.key, c.orderId, c.customerId, c.recipient.wechatyId ?? null, JSON.stringify(c.recipient), c.template, JSON.stringify(c.vars), c.taskId, state, c.defaultChoice, c.deadlineMs, null, now, now],
      );
      const conversation = await this.get(lastID);
      if (!conversation) throw new Error(`conversation ${lastID} vanished`);
      return { conversation, created: true };
    });
  }

  /** One conversation. */
  async get(id: number): Promise<Conversation | undefined> {
    const row = await this.db.get<unknown>('SELECT * FROM conversations WHERE id = ?', [id]);
    return row ? toConversation(row) : undefined;
  }

  /** The conversation with this idempotency key. */
  async byKey(key: string): Promise<Conversation | undefined> {
    const row = await this.db.get<unknown>('SELECT * FROM conversations WHERE key = ?', [key]);
    return row ? toConversation(row) : undefined;
  }

  /** Conversations started for a task, newest first. */
  async forTask(taskId: number): Promise<Conversation[]> {
    return (await this.db.all<unknown>('SELECT * FROM conversations WHERE task_id = ? ORDER BY id DESC', [taskId])).map(toConversation);
  }

  /** The customer's conversation a reply belongs to: the open one, matched by customer id or wechaty contact id/name. */
  async openFor(who: readonly string[]): Promise<Conversation | undefined> {
    const ids = JSON.stringify(who);
    const row = await this.db.get<unknown>(
      `SELECT * FROM conversations WHERE state IN (${OPEN_SQL})
         AND (customer_id IN (SELECT value FROM json_each(?1)) OR wechaty_id IN (SELECT value FROM json_each(?1)))
       ORDER BY id LIMIT 1`,
      [ids],
    );
    return row ? toConversation(row) : undefined;
  }

  /** The latest conversation of anyone matching `who` (to know the customer behind a wechaty contact). */
  async latestFor(who: readonly string[]): Promise<Conversation | undefined> {
    const ids = JSON.stringify(who);
    const row = await this.db.get<unknown>(
      `SELECT * FROM conversations WHERE customer_id IN (SELECT value FROM json_each(?1)) OR wechaty_id IN (SELECT value FROM json_each(?1)) ORDER BY id DESC LIMIT 1`,
      [ids],
    );
    return row ? toConversation(row) : undefined;
  }

  /** The customer's oldest queued conversation. */
  async nextQueued(customerId: string): Promise<Conversation | undefined> {
    const row = await this.db.get<unknown>("SELECT * FROM conversations WHERE customer_id = ? AND state = 'queued' ORDER BY id LIMIT 1", [customerId]);
    return row ? toConversation(row) : undefined;
  }

  /** Open conversations whose deadline has passed. */
  async overdue(now: number, limit = 200): Promise<Conversation[]> {
    return (await this.db.all<unknown>(`SELECT * FROM conversations WHERE state IN (${OPEN_SQL}) AND deadline_at <= ? ORDER BY deadline_at LIMIT ?`, [now, limit])).map(toConversation);
  }

  /** Asking conversations whose question has not gone out yet (a failed send, a promotion from the queue). */
  async unasked(limit = 200): Promise<Conversation[]> {
    return (await this.db.all<unknown>("SELECT * FROM conversations WHERE state = 'asking' AND deadline_at IS NULL ORDER BY id LIMIT ?", [limit])).map(toConversation);
  }

  /** Closed conversations whose decision or handoff has not been taken by its port yet. */
  async pendingWriteback(limit = 200): Promise<Conversation[]> {
    return (await this.db.all<unknown>("SELECT * FROM conversations WHERE writeback = 'pending' ORDER BY id LIMIT ?", [limit])).map(toConversation);
  }

  /**
   * Moves a conversation from one of `from` to `to` with `patch`; returns the new row, or undefined when it was no
   * longer in `from` (someone else moved it: decisions happen once).
   */
  async transition(id: number, from: readonly ConversationState[], to: ConversationState, patch: Partial<Record<'decision' | 'decided_by' | 'clarifications' | 'deadline_at' | 'writeback' | 'closed_at', string | number | null>>, now: number): Promise<Conversation | undefined> {
    const cols = Object.entries(patch);
    const sets = ['state = ?', 'updated_at = ?', ...cols.map(([k]) => `${k} = ?`)].join(', ');
    const states = from.map(() => '?').join(', ');
    const { changes } = await this.db.run(`UPDATE conversations SET ${sets} WHERE id = ? AND state IN (${states})`, [to, now, ...cols.map(([, v]) => v ?? null), id, ...from]);
    return changes === 1 ? this.get(id) : undefined;
  }

  /** Records where the question went and starts its deadline. */
  async markAsked(id: number, channel: string, deadlineAt: number, now: number): Promise<void> {
    await this.db.run('UPDATE conversations SET channel = ?, deadline_at = ?, updated_at = ? WHERE id = ?', [channel, deadlineAt, now, id]);
  }

  /** Marks the customer as opted out for this conversation (no more messages to them from it). */
  async setOptedOut(id: number, optedOut: boolean, now: number): Promise<void> {
    await this.db.run('UPDATE conversations SET opted_out = ?, updated_at = ? WHERE id = ?', [optedOut ? 1 : 0, now, id]);
  }

  /** Marks the write-back done, or records why it failed (it stays pending for the next tick). */
  async setWriteback(id: number, error: string | null, now: number): Promise<void> {
    await this.db.run(
      error === null ? "UPDATE conversations SET writeback = 'done', writeback_error = NULL, updated_at = ?2 WHERE id = ?1" : 'UPDATE conversations SET writeback_error = ?3, updated_at = ?2 WHERE id = ?1',
      error === null ? [id, now] : [id, now, error],
    );
  }

  /** Appends one message to the transcript. */
  async append(id: number, entry: TranscriptEntry): Promise<void> {
    await this.db.run('INSERT INTO conversation_messages (conversation_id, direction, channel, kind, text, at) VALUES (?, ?, ?, ?, ?, ?)', [id, entry.direction, entry.channel, entry.kind, entry.text, entry.at]);
  }

  /** The whole transcript, oldest first. */
  async transcript(id: number): Promise<TranscriptEntry[]> {
    return (await this.db.all<unknown>('SELECT direction, channel, kind, text, at FROM conversation_messages WHERE conversation_id = ? ORDER BY id', [id])).map((r) => MessageSchema.parse(r));
  }
}
