// Executor ports over the sync layer: writes through a source's `push` / `pushPrice`, resync and fallback switches through SyncEngine.
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
  /** The sync engine (SyncEngine satisfies it). */
  engine: {
    run(source: string, opts: { trigger?: string }): Promise<RunSummary>;
    switchToFallback(source: string): Promise<unknown>;
    restore(source: string, opts: { trigger?: string }): Promise<{ summary: RunSummary }>;
  };
  clock: Clock;
  log: Logger;
  /** Customer notifications (the notify work); unset: the choice fails with a clear code. */
  requestCustomerNotification?: TaskExecutorPorts['requestCustomerNotification'];
  /** Resending an undeliverable message (the notifier's desk); unset: the choice fails with a clear code. */
  resendNotification?: TaskExecutorPorts['resendNotification'];
  /** Accepting an order's addresses as they stand (the address store); unset: the choice fails with a clear code. */
  acceptAddresses?: TaskExecutorPorts['acceptAddresses'];
  /** Resolving a finding a person handled (the findings store); unset: the choice fails with a clear code. */
  resolveFinding?: TaskExecutorPorts['resolveFinding'];
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
  const capable = (system: string, can: (s: OrderSource) => boolean): OrderSource | undefined =>
    sourcesOf(system)
      .map((n) => deps.sources.get(n))
      .find((s): s is OrderSource => s !== undefined && can(s));
  const pusher = (system: string): OrderSource | undefined => capable(system, (s) => s.push !== undefined);
  const ctx = { clock: deps.clock, log: deps.log };
  async function resync(system: string): Promise<void> {
    const names = sourcesOf(system);
    if (names.length === 0) throw new PermanentError('tasks.no_source', `no enabled source for ${system}`);
    for (const name of names) {
      const summary = await deps.engine.run(name, { trigger: 'task' });
      if (summary.status === 'failed' && summary.fallback?.status !== 'ok') throw new RetryableError(summary.errorCode ?? 'tasks.resync_failed', summary.error ?? `resync of ${name} failed`);
    }
  }
  return {
    canPush: (system) => pusher(system) !== undefined,
    async pushStatus(system, orderId, status) {
      const source = pusher(system);
      if (!source?.push) throw new PermanentError('tasks.no_push', `no source of ${system} takes status writes`);
      await source.push(orderId, status, ctx);
    },
    resync,
    async applyPrice(orderId, system, amount, currency) {
      const source = capable(system, (s) => s.pushPrice !== undefined);
      if (!source?.pushPrice) throw new PermanentError('tasks.no_price_push', `no source of ${system} takes amount writes; correct the amount in ${system} by hand`, { system });
      await source.pushPrice(orderId, amount, currency, ctx);
      // Our view of the amount changes only when the system is pulled again.
      await resync(system);
    },
    requestCustomerNotification: deps.requestCustomerNotification ?? unsupported('customer notification'),
    resendNotification: deps.resendNotification ?? unsupported('resending a customer message'),
    resolveFinding: deps.resolveFinding ?? unsupported('resolving a finding'),
    acceptAddresses: deps.acceptAddresses ?? unsupported('accepting an address'),
    async switchToFallback(source) {
      await deps.engine.switchToFallback(source);
    },
    async restoreSource(source) {
      const { summary } = await deps.engine.restore(source, { trigger: 'task' });
      // The switch is over either way (that is the compensation); a failing source is reported by the engine as usual.
      if (summary.status === 'failed') deps.log.warn({ source, error: summary.error }, 'restored source failed its first run');
    },
  };
}
