// One token bucket for everything the account sends (the hub's queues pace each conversation, not the account).
import type { ChatLimits } from '../../core/chat.ts';
import type { Clock } from '../../core/clock.ts';

/** Paces sends of one WeChat account: `take()` resolves when a send may go, in call order. */
export class AccountPacer {
  private tail: Promise<unknown> = Promise.resolve();
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly pace: ChatLimits,
  ) {
    this.tokens = pace.burst;
    this.refilledAt = clock.now();
  }

  /** Waits for a token (in order behind earlier callers). */
  take(): Promise<void> {
    const run = this.tail.then(() => this.wait());
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async wait(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.pace.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.pace.perChannelPerSecond);
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.pace.perChannelPerSecond) * 1000));
    }
  }
}
