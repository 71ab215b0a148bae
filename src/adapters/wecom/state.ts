// What the adapter keeps in store.adapterState, so it survives a restart: the unused response_codes of each card
// (72 h each, single use, newest taken first; a spent code is remembered so a retried delivery cannot bring it
// back), the channel each card was posted to (for its clicks) and the meaning of button keys too long to carry it.
// Codes of one card are read and written under a per-card lock: ten clicks at once leave ten codes, not one.
import type { AdapterStateRepo } from '../../store/adapter-state.ts';
import type { ButtonTarget } from './button-key.ts';
import { WECOM_RESPONSE_CODE_TTL_MS, WECOM_TASK_TTL_MS } from './limits.ts';

const CODE = 'wecom.code';
const SPENT = 'wecom.spent';
const TASK = 'wecom.task';
const KEY = 'wecom.key';

interface Code {
  code: string;
  at: number;
}

// A card keeps at most this many unused codes (the newest); older ones would expire unused anyway.
const MAX_CODES = 50;

/** The adapter's durable facts. */
export class WeComState {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly repo: AdapterStateRepo) {}

  private locked<T>(taskId: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(taskId) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    this.locks.set(taskId, tail);
    void tail.then(() => {
      if (this.locks.get(taskId) === tail) this.locks.delete(taskId);
    });
    return run;
  }

  private async codes(taskId: string, now: number): Promise<Code[]> {
    const list = (await this.repo.get<Code[]>(CODE, taskId, now)) ?? [];
    return list.filter((c) => c.at + WECOM_RESPONSE_CODE_TTL_MS > now);
  }

  /** Adds `code` as the newest update code of card `taskId` (unless it was spent or is known already). */
  rememberCode(taskId: string, code: string, now: number): Promise<void> {
    return this.locked(taskId, async () => {
      if (await this.repo.get<number>(SPENT, code, now)) return;
      const list = await this.codes(taskId, now);
      if (list.some((c) => c.code === code)) return;
      const next = [...list, { code, at: now }].slice(-MAX_CODES);
      await this.repo.put(CODE, taskId, next, now, (next[0]?.at ?? now) + WECOM_RESPONSE_CODE_TTL_MS);
    });
  }

  /** Takes the newest unused code of `taskId` (each at most once), or undefined. */
  takeCode(taskId: string, now: number): Promise<string | undefined> {
    return this.locked(taskId, async () => {
      const list = await this.codes(taskId, now);
      const newest = list.pop();
      if (!newest) return undefined;
      await this.repo.put(SPENT, newest.code, 1, now, newest.at + WECOM_RESPONSE_CODE_TTL_MS);
      if (list.length > 0) await this.repo.put(CODE, taskId, list, now, (list[0]?.at ?? now) + WECOM_RESPONSE_CODE_TTL_MS);
      else await this.repo.take(CODE, taskId);
      return newest.code;
    });
  }

  /** Remembers where card `taskId` was posted. */
  async rememberTask(taskId: string, channelId: string, now: number): Promise<void> {
    await this.repo.put(TASK, taskId, { channelId }, now, now + WECOM_TASK_TTL_MS);
  }

  /** Where card `taskId` was posted, if we know. */
  async channelOf(taskId: string, now: number): Promise<string | undefined> {
    return (await this.repo.get<{ channelId: string }>(TASK, taskId, now))?.channelId;
  }

  /** Keeps the meanings of hashed button keys. */
  async rememberKeys(stored: Record<string, ButtonTarget>, now: number): Promise<void> {
    for (const [key, target] of Object.entries(stored)) await this.repo.put(KEY, key, target, now, now + WECOM_TASK_TTL_MS);
  }

  /** The meaning of a hashed button key. */
  async keyTarget(key: string, now: number): Promise<ButtonTarget | undefined> {
    return this.repo.get<ButtonTarget>(KEY, key, now);
  }
}
