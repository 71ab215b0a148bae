// What the adapter keeps in store.adapterState, so it survives a restart: the newest unused response_code of each
// card (72 h, single use; a spent code is remembered so a retried delivery cannot bring it back), the channel each
// card was posted to (for its clicks) and the meaning of button keys too long to carry it.
import type { AdapterStateRepo } from '../../store/adapter-state.ts';
import type { ButtonTarget } from './button-key.ts';
import { WECOM_RESPONSE_CODE_TTL_MS, WECOM_TASK_TTL_MS } from './limits.ts';

const CODE = 'wecom.code';
const SPENT = 'wecom.spent';
const TASK = 'wecom.task';
const KEY = 'wecom.key';

/** The adapter's durable facts. */
export class WeComState {
  constructor(private readonly repo: AdapterStateRepo) {}

  /** Keeps `code` as the newest update code of card `taskId` (unless it was spent already). */
  async rememberCode(taskId: string, code: string, now: number): Promise<void> {
    if (await this.repo.get<number>(SPENT, code, now)) return;
    await this.repo.put(CODE, taskId, { code }, now, now + WECOM_RESPONSE_CODE_TTL_MS);
  }

  /** Takes the newest unused code of `taskId` (at most once), or undefined. */
  async takeCode(taskId: string, now: number): Promise<string | undefined> {
    const entry = await this.repo.get<{ code: string }>(CODE, taskId, now);
    if (!entry || !(await this.repo.take(CODE, taskId))) return undefined;
    await this.repo.put(SPENT, entry.code, 1, now, now + WECOM_RESPONSE_CODE_TTL_MS);
    return entry.code;
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
