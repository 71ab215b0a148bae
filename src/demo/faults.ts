import type { Clock } from '../core/clock.ts';
import type { DemoSystem } from './plan.ts';

/** A failure a test scripts for the next requests to one system. */
export type DemoFault =
  | { status: 429; retryAfterS?: number }
  | { status: 500 | 502 | 503 }
  /** A 200 whose body is not JSON (a half-written response). */
  | { garbage: true }
  /** Answers normally, but only after this many wall-clock milliseconds. */
  | { delayMs: number };

/** Scripted failures per system: queued faults are used up one per request; `down` answers 503 for a while. */
export class DemoFaults {
  private readonly queues = new Map<DemoSystem, { fault: DemoFault; left: number }[]>();
  private readonly downUntil = new Map<DemoSystem, number>();

  constructor(private readonly clock: Clock) {}

  /** The next `times` requests to `system` get `fault`, after any fault already queued. */
  queue(system: DemoSystem, fault: DemoFault, times = 1): void {
    if (times <= 0) return;
    const list = this.queues.get(system) ?? [];
    list.push({ fault, left: times });
    this.queues.set(system, list);
  }

  /** `system` answers 503 to everything for the next `forMs` clock milliseconds. */
  down(system: DemoSystem, forMs: number): void {
    this.downUntil.set(system, this.clock.now() + forMs);
  }

  /** Forgets every scripted fault (of one system, or all). */
  clear(system?: DemoSystem): void {
    if (system) {
      this.queues.delete(system);
      this.downUntil.delete(system);
    } else {
      this.queues.clear();
      this.downUntil.clear();
    }
  }

  /** True while a `down` window of `system` is open. */
  isDown(system: DemoSystem): boolean {
    return (this.downUntil.get(system) ?? -Infinity) > this.clock.now();
  }

  /** Faults still queued for `system`. */
  pending(system: DemoSystem): number {
    return (this.queues.get(system) ?? []).reduce((n, q) => n + q.left, 0);
  }

  /** Uses up the next queued fault of `system`, if any. */
  take(system: DemoSystem): DemoFault | undefined {
    const list = this.queues.get(system);
    const head = list?.[0];
    if (!list || !head) return undefined;
    head.left--;
    if (head.left <= 0) list.shift();
    return head.fault;
  }
}
