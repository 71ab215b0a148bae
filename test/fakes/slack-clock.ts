// A clock for adapter tests (Slack, Feishu): `now` is set by hand, `sleep` returns at once and records what was asked,
// moving time forward by that much (so retries honouring Retry-After run instantly but are observable).
import type { Clock } from '../../src/core/clock.ts';

/** A settable clock whose sleeps are recorded and skipped. */
export class SkippingClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += ms;
  }

  /** Sets the time (ms since the epoch). */
  set(ms: number): void {
    this.current = ms;
  }
}
