// Ack-first scheduling: handlers start one per event-loop turn, so requests already waiting on the socket are
// read and acknowledged before more post-ack work (rendering, Web API calls) takes the CPU. There is no cap on
// how many run at once: a slow handler never delays the others.
type Job = () => void;

/** Starts queued jobs one per turn of the event loop (after pending I/O). */
export class PacedStarter {
  private readonly jobs: Job[] = [];
  private head = 0;
  private scheduled = false;

  /** Queues `job` to start after the I/O already pending. */
  push(job: Job): void {
    this.jobs.push(job);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.head >= this.jobs.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const job = this.jobs[this.head];
      this.jobs[this.head++] = undefined as unknown as Job;
      if (this.head > 1024 && this.head * 2 > this.jobs.length) {
        this.jobs.splice(0, this.head);
        this.head = 0;
      }
      job?.();
      this.schedule();
    });
  }
}
