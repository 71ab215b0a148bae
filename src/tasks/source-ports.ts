// Executor ports over the sync layer: push through a source's `push`, resync through SyncEngine.run.
import type { Clock } from '../core/clock.ts';
import { PermanentError, RetryableError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Settings } from '../settings/schema.ts';
import type { RunSummary } from '../sync/engine.ts';
import type { OrderSource } from '../sync/sources/types.ts';
import type { TaskExecutorPorts } from './ports.ts';

/** What the default executor ports are built from; the parts the sync layer cannot do are passed in. */
export interface SourcePortsDeps {
  sources: ReadonlyMap<string, OrderSource>;
  settings: () => Settings;
  engine: { run(source: string, opts: { trigger?: string }): Promise<RunSummary> };
  clock: Clock;
  log: Logger;
  /** Customer notifications (the notify work); unset: the choice fails with a clear code. */
  requestCustomerNotification?: TaskExecutorPorts['requestCustomerNotification'];
  /** Price corrections (no source can write amounts yet); unset: the choice fails with a clear code. */
  applyPrice?: TaskExecutorPorts['applyPrice'];
  switchToFallback?: TaskExecutorPorts['switchToFallback'];
  restoreSource?: TaskExecutorPorts['restoreSource'];
}

const unsupported = (what: string) => async (): Promise<never> => {
  throw new PermanentError('tasks.unsupported', `${what} is not wired in this installation`);
};

/** Builds TaskExecutorPorts: systems are matched to enabled sources by their `system` (default: the name). */
export function createSourceExecutorPorts(deps: SourcePortsDeps): TaskExecutorPorts {
  const sourcesOf = (system: string): string[] =>
    deps
      .settings()
      .sources.filter((s) => s.enabled && (s.system ?? s.name) === system && deps.sources.has(s.name))
      .map((s) => s.name);
  const pusher = (system: string): OrderSource | undefined =>
    sourcesOf(system)
      .map((n) => deps.sources.get(n))
      .find((s): s is OrderSource => s?.push !== undefined);
  return {
    canPush: (system) => pusher(system) !== undefined,
    async pushStatus(system, orderId, status) {
      const source = pusher(system);
      if (!source?.push) throw new PermanentError('tasks.no_push', `no source of ${system} takes status writes`);
      await source.push(orderId, status, { clock: deps.clock, log: deps.log });
    },
    async resync(system) {
      const names = sourcesOf(system);
      if (names.length === 0) throw new PermanentError('tasks.no_source', `no enabled source for ${system}`);
      for (const name of names) {
        const summary = await deps.engine.run(name, { trigger: 'task' });
        if (summary.status === 'failed' && summary.fallback?.status !== 'ok') throw new RetryableError(summary.errorCode ?? 'tasks.resync_failed', summary.error ?? `resync of ${name} failed`);
      }
    },
    applyPrice: deps.applyPrice ?? unsupported('price correction'),
    requestCustomerNotification: deps.requestCustomerNotification ?? unsupported('customer notification'),
    switchToFallback: deps.switchToFallback ?? unsupported('switching to a fallback'),
    restoreSource: deps.restoreSource ?? unsupported('restoring a source'),
  };
}
