import schedule from 'node-schedule';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { SourceSettings } from '../settings/schema.ts';
import type { SyncEngine } from './engine.ts';

/** Runs each source on its own cron; jobs are upserted by source name, so re-applying settings is safe. */
export class SyncScheduler {
  private readonly jobs = new Map<string, { spec: string; job: schedule.Job }>();

  constructor(
    private readonly engine: SyncEngine,
    private readonly log: Logger,
  ) {}

  /** Makes the scheduled jobs match `sources`: new ones added, changed ones replaced, removed ones cancelled. */
  apply(sources: readonly SourceSettings[]): void {
    const wanted = new Map(sources.filter((s) => s.enabled && s.schedule && this.engine.sourceNames().includes(s.name)).map((s) => [s.name, s]));
    for (const [name, entry] of this.jobs) {
      const s = wanted.get(name);
      if (!s || `${s.schedule ?? ''}@${s.tz ?? ''}` !== entry.spec) {
        entry.job.cancel();
        this.jobs.delete(name);
      }
    }
    for (const [name, s] of wanted) {
      if (this.jobs.has(name) || !s.schedule) continue;
      const rule = s.tz ? { rule: s.schedule, tz: s.tz } : s.schedule;
      const job = schedule.scheduleJob(`sync:${name}`, rule, () => this.fire(name));
      if (job) this.jobs.set(name, { spec: `${s.schedule}@${s.tz ?? ''}`, job });
      else this.log.error({ source: name, schedule: s.schedule }, 'invalid schedule');
    }
  }

  /** Names of the scheduled sources and when each runs next. */
  planned(): { source: string; next: Date | null }[] {
    return [...this.jobs].map(([source, { job }]) => ({ source, next: job.nextInvocation() ?? null }));
  }

  private fire(name: string): void {
    // A run still going when its next tick comes is left alone: runs of one source never overlap.
    if (this.engine.isRunning(name)) {
      this.log.info({ source: name }, 'previous run still going; tick skipped');
      return;
    }
    this.engine.run(name, { trigger: 'schedule' }).catch((err: unknown) => this.log.error({ source: name, err: describeError(err) }, 'scheduled run failed'));
  }

  /** Cancels every job. */
  stop(): void {
    for (const { job } of this.jobs.values()) job.cancel();
    this.jobs.clear();
  }
}
