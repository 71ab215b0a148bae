// Outcomes of sends are written in batches: one transaction per turn of the event loop, not one per message.
import type { Clock } from '../core/clock.ts';
import type { OutboxRepo, RowOutcome } from './outbox-repo.ts';

interface Waiting {
  outcome: RowOutcome;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 1000;

/** Collects row outcomes and writes them together; `write` resolves once its outcome is committed. */
export class OutcomeWriter {
  private buffer: Waiting[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly repo: OutboxRepo,
    private readonly owner: string,
    private readonly clock: Clock,
  ) {}

  /** Queues an outcome; resolves when it is committed (rejects when the batch could not be written). */
  write(outcome: RowOutcome): Promise<void> {
    return new Promise((resolve, reject) => {
      this.buffer.push({ outcome, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when everything queued so far is written (or has failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.buffer.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    // One turn of the event loop lets the other sends that finished meanwhile join this batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, MAX_BATCH);
      try {
        await this.repo.apply(this.owner, batch.map((w) => w.outcome), this.clock.now());
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  }
}
