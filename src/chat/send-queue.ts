import type { ChatLimits } from '../core/chat.ts';
import type { Clock } from '../core/clock.ts';

interface Lane {
  tail: Promise<unknown>;
  tokens: number;
  refilledAt: number;
}

/** Per-channel send queues: sends to one channel go in order, within the platform's rate (token bucket). */
export class SendQueues {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly clock: Clock) {}

  /** Runs `send` after every earlier send to the same channel, waiting for a token first. */
  enqueue<T>(platform: string, channelId: string, limits: ChatLimits, send: () => Promise<T>): Promise<T> {
    const key = `${platform}:${channelId}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { tail: Promise.resolve(), tokens: limits.burst, refilledAt: this.clock.now() };
      this.lanes.set(key, lane);
    }
    const l = lane;
    const run = l.tail.then(async () => {
      await this.takeToken(l, limits);
      return send();
    });
    l.tail = run.catch(() => undefined);
    return run;
  }

  private async takeToken(lane: Lane, limits: ChatLimits): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      lane.tokens = Math.min(limits.burst, lane.tokens + ((now - lane.refilledAt) / 1000) * limits.perChannelPerSecond);
      lane.refilledAt = now;
      if (lane.tokens >= 1) {
        lane.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - lane.tokens) / limits.perChannelPerSecond) * 1000));
    }
  }
}
