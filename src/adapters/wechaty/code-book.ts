// The durable side of reply codes (store.adapterState): card numbers, the code letters each place hands out, which
// button each printed code stands for, and which letters a card's current version carries (to retire them).
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import type { AdapterStateRepo } from '../../store/adapter-state.ts';
import { slotLetters, type ReplyCode } from './codes.ts';
import { WECHATY_CARD_TTL_MS, WECHATY_CODE_TTL_MS } from './limits.ts';
import type { WechatyButtonCode } from './render.ts';

const SCOPE_SEQ = 'wechat.seq';
const SCOPE_CODES = 'wechat.codes';
const SCOPE_CARDS = 'wechat.cards';

const CounterSchema = z.number().int().min(0);
// One row per card version with buttons: `<channel>:<letters>` → the message and its buttons in code order.
const CodesSchema = z.object({ messageId: z.string().min(1), buttons: z.array(z.object({ actionId: z.string(), value: z.string() })) });
const CardSchema = z.object({ slot: z.string().optional(), version: z.number().int().min(1) });

/** What a card's latest version carries. */
export type CardRecord = z.infer<typeof CardSchema>;

/** What a reply code resolves to: the button and the message of the card it was printed on. */
export interface ResolvedCode {
  actionId: string;
  value: string;
  messageId: string;
}

/** Reply codes and card numbers in store.adapterState; every read is checked, every change serialised. */
export class ReplyCodeBook {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly state: Pick<AdapterStateRepo, 'get' | 'put' | 'take' | 'prune'>,
    private readonly clock: Clock,
  ) {}

  // get-then-put is not atomic in SQL: one chain per adapter keeps counters from handing out a number twice.
  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async read<T>(schema: z.ZodType<T>, scope: string, key: string): Promise<T | undefined> {
    const parsed = schema.safeParse(await this.state.get<unknown>(scope, key, this.clock.now()));
    return parsed.success ? parsed.data : undefined;
  }

  private next(key: string): Promise<number> {
    return this.locked(async () => {
      const n = ((await this.read(CounterSchema, SCOPE_SEQ, key)) ?? 0) + 1;
      await this.state.put(SCOPE_SEQ, key, n, this.clock.now());
      return n;
    });
  }

  /** The next card number (the visible "[#12]"), unique for the whole account. */
  nextCardNo(): Promise<number> {
    return this.next('card');
  }

  /** The next code letters of a place; the oldest letters come round again after SLOTS_PER_PLACE versions. */
  async nextSlot(channelId: string): Promise<string> {
    return slotLetters((await this.next(`slot:${channelId}`)) - 1);
  }

  /** Remembers the codes a card version printed in `channelId` under `slot` (replacing the slot's previous card). */
  async bind(channelId: string, slot: string, messageId: string, buttons: readonly WechatyButtonCode[]): Promise<void> {
    const now = this.clock.now();
    const value = { messageId, buttons: buttons.map((b) => ({ actionId: b.actionId, value: b.value })) };
    await this.state.put(SCOPE_CODES, `${channelId}:${slot}`, value, now, now + WECHATY_CODE_TTL_MS);
  }

  /** The button a reply code in `channelId` stands for, unless unknown, expired or retired. */
  async resolve(channelId: string, code: ReplyCode): Promise<ResolvedCode | undefined> {
    const row = await this.read(CodesSchema, SCOPE_CODES, `${channelId}:${code.slot}`);
    const button = row?.buttons[code.index - 1];
    return row && button ? { actionId: button.actionId, value: button.value, messageId: row.messageId } : undefined;
  }

  /** Retires the codes `slot` carries in `channelId`, if they still belong to `messageId` (the letters may be reused). */
  async retire(channelId: string, slot: string, messageId: string): Promise<void> {
    await this.locked(async () => {
      const row = await this.read(CodesSchema, SCOPE_CODES, `${channelId}:${slot}`);
      if (row?.messageId === messageId) await this.state.take(SCOPE_CODES, `${channelId}:${slot}`);
    });
  }

  /** What the latest version of a card carries. */
  card(channelId: string, messageId: string): Promise<CardRecord | undefined> {
    return this.read(CardSchema, SCOPE_CARDS, `${channelId}:${messageId}`);
  }

  /** Records the latest version of a card. */
  async saveCard(channelId: string, messageId: string, record: CardRecord): Promise<void> {
    const now = this.clock.now();
    await this.state.put(SCOPE_CARDS, `${channelId}:${messageId}`, record, now, now + WECHATY_CARD_TTL_MS);
  }

  /** Drops expired state (every adapter's expired rows: they are dead anyway). */
  async prune(): Promise<number> {
    return this.state.prune(this.clock.now());
  }
}
