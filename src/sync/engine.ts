import type { Clock } from '../core/clock.ts';
import { describeError, OrderOpsError, PermanentError, UserError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { OrderEvent, SourceRecord } from '../core/order.ts';
import type { Settings, SourceSettings } from '../settings/schema.ts';
import type { Store } from '../store/index.ts';
import type { SourceSwitch } from '../store/source-switches.ts';
import { preparedAt, prepareRecordsAsync, syncEventIds, type BatchResult, type CanonicalChange } from '../store/sync-store.ts';
import type { Authority } from './canonical.ts';
import type { SyncMetrics } from './metrics.ts';
import { compileMapping, normalizeRecords, type StatusMapper } from './normalize.ts';
import type { OrderSource, SourcePage } from './sources/types.ts';

/** What one run did. */
export interface RunSummary {
  runId: number;
  source: string;
  system: string;
  trigger: string;
  status: 'ok' | 'failed';
  fetched: number;
  changed: number;
  unchanged: number;
  stale: number;
  quarantined: number;
  errors: number;
  events: number;
  durationMs: number;
  error?: string | undefined;
  errorCode?: string | undefined;
  /** The fallback's own summary, when this run failed and a fallback was pulled instead. */
  fallback?: RunSummary | undefined;
  /** True when the caller joined a run that was already under way. */
  joined?: boolean | undefined;
  /** Set when the source asked for is switched to its fallback: this is the fallback's run, made in its place. */
  switchedFrom?: string | undefined;
}

/** Progress of a run, for TTY progress bars. */
export interface RunProgress {
  source: string;
  fetched: number;
  changed: number;
}

/** Listener for what committed batches produced (alerting and notifications subscribe here). */
export interface SyncListener {
  onBatch?(info: { source: string; system: string; runId: number; events: readonly OrderEvent[]; canonicalChanges: readonly CanonicalChange[] }): void | Promise<void>;
  onRun?(summary: RunSummary): void | Promise<void>;
}

/** What the engine needs. */
export interface SyncEngineDeps {
  store: Store;
  settings: () => Settings;
  sources: ReadonlyMap<string, OrderSource>;
  clock: Clock;
  log: Logger;
  metrics?: SyncMetrics;
  listeners?: SyncListener[];
  /** Runs inside every batch's transaction after its writes (the notification outbox). */
  afterWrite?: (result: BatchResult) => Promise<void>;
}

type Counters = Pick<RunSummary, 'fetched' | 'changed' | 'unchanged' | 'stale' | 'quarantined' | 'errors' | 'events'>;

const zero = (): Counters => ({ fetched: 0, changed: 0, unchanged: 0, stale: 0, quarantined: 0, errors: 0, events: 0 });

/** Pulls sources, normalizes, diffs and persists; one run per source at a time. */
export class SyncEngine {
  private readonly running = new Map<string, Promise<RunSummary>>();
  private readonly mappers = new Map<string, { key: string; mapper: StatusMapper }>();
  private readonly abort = new AbortController();

  constructor(private readonly deps: SyncEngineDeps) {}

  /** Names of the sources runs can be started for. */
  sourceNames(): string[] {
    return [...this.deps.sources.keys()];
  }

  /** True while a run of `source` is under way. */
  isRunning(source: string): boolean {
    return this.running.has(source);
  }

  /** Runs one source now (its fallback instead while it is switched); a run already under way is joined, never overlapped. */
  run(source: string, opts: { trigger?: string; onProgress?: (p: RunProgress) => void } = {}): Promise<RunSummary> {
    const inFlight = this.running.get(source);
    if (inFlight) return inFlight.then((s) => ({ ...s, joined: true }));
    const p = this.dispatch(source, opts.trigger ?? 'manual', opts.onProgress).finally(() => this.running.delete(source));
    this.running.set(source, p);
    return p;
  }

  /**
   * Stops pulling `source` and pulls its fallback in its place until `restore` (persisted: a restart keeps it).
   * The source's source_down finding is resolved: the condition is handled. A source without a fallback is a PermanentError.
   */
  async switchToFallback(source: string): Promise<SourceSwitch> {
    const cfg = this.sourceSettings(source);
    const { store, clock, log } = this.deps;
    if (!cfg.fallback) throw new PermanentError('sync.no_fallback', `source "${source}" has no fallback to switch to`, { source });
    if (!this.deps.sources.has(cfg.fallback)) throw new PermanentError('sync.fallback_unavailable', `fallback "${cfg.fallback}" of source "${source}" is not enabled`, { source, fallback: cfg.fallback });
    const now = clock.now();
    const switched = await store.switches.set(source, cfg.fallback, now);
    await store.findings.resolve(`source_down:${source}`, now);
    log.warn({ source, fallback: cfg.fallback }, 'source switched to its fallback');
    return switched;
  }

  /** Ends a switch (if any) and pulls `source` itself once; returns the switch that ended and that run's summary. */
  async restore(source: string, opts: { trigger?: string } = {}): Promise<{ ended: SourceSwitch | undefined; summary: RunSummary }> {
    this.sourceSettings(source);
    const ended = await this.deps.store.switches.clear(source);
    if (ended) this.deps.log.info({ source, fallback: ended.fallback }, 'source restored from its fallback');
    // A run started while switched is the fallback's: let it end so the pull below is the source's own.
    await this.running.get(source)?.catch(() => undefined);
    return { ended, summary: await this.run(source, { trigger: opts.trigger ?? 'restore' }) };
  }

  /** Sources switched to their fallback, by name. */
  switches(): Promise<SourceSwitch[]> {
    return this.deps.store.switches.list();
  }

  /** Runs every enabled source (each at most once at a time), in parallel. */
  runAll(opts: { trigger?: string; onProgress?: (p: RunProgress) => void } = {}): Promise<RunSummary[]> {
    const enabled = this.deps.settings().sources.filter((s) => s.enabled && this.deps.sources.has(s.name));
    const names = enabled.length > 0 ? enabled.map((s) => s.name) : this.sourceNames();
    return Promise.all(names.map((n) => this.run(n, opts)));
  }

  /** Commits records pushed to us (webhooks) as one run; `eventId` makes a redelivery a no-op. */
  async ingest(source: string, records: readonly SourceRecord[], opts: { eventId?: string; errors?: SourcePage['errors'] } = {}): Promise<RunSummary & { duplicate: boolean }> {
    const cfg = this.sourceSettings(source);
    const system = cfg.system ?? cfg.name;
    const { clock, store } = this.deps;
    const started = clock.now();
    const runId = await store.runs.start(source, system, 'webhook', started);
    const counters = zero();
    const result = await this.commit(cfg, runId, { records: [...records], errors: opts.errors ?? [] }, counters, opts.eventId === undefined ? undefined : { scope: `webhook:${source}`, key: opts.eventId });
    await store.runs.finish(runId, 'ok', counters, clock.now());
    const summary: RunSummary = { runId, source, system, trigger: 'webhook', status: 'ok', ...counters, durationMs: clock.now() - started };
    this.observe(summary);
    return { ...summary, duplicate: result.duplicate };
  }

  /** Aborts runs under way and waits for them to stop. */
  async stop(): Promise<void> {
    this.abort.abort(new OrderOpsError('sync.stopped', 'the sync engine is stopping'));
    await Promise.allSettled([...this.running.values()]);
  }

  private sourceSettings(name: string): SourceSettings {
    const cfg = this.deps.settings().sources.find((s) => s.name === name);
    if (!cfg || !this.deps.sources.has(name)) throw new UserError('sync.unknown_source', `no source named "${name}"`, { source: name });
    return cfg;
  }

  private mapperFor(cfg: SourceSettings): StatusMapper {
    const settings = this.deps.settings();
    const sets = cfg.mapping.map((m) => settings.mappings[m] ?? {});
    const key = JSON.stringify(sets);
    const cached = this.mappers.get(cfg.name);
    if (cached && cached.key === key) return cached.mapper;
    const mapper = compileMapping(sets);
    this.mappers.set(cfg.name, { key, mapper });
    return mapper;
  }

  private authority(): Authority {
    return this.deps.settings().authority;
  }

  // Fallback and switched runs are never redirected again, so fallbacks that point at each other cannot loop.
  private async dispatch(name: string, trigger: string, onProgress?: (p: RunProgress) => void): Promise<RunSummary> {
    const redirectable = !trigger.startsWith('fallback:') && !trigger.startsWith('switched:');
    const switched = redirectable ? await this.deps.store.switches.get(name) : undefined;
    if (!switched) return this.execute(name, trigger, onProgress);
    this.sourceSettings(name);
    if (!this.deps.settings().sources.some((s) => s.name === switched.fallback) || !this.deps.sources.has(switched.fallback)) {
      // The settings no longer offer that fallback: pulling the source itself beats pulling nothing.
      this.deps.log.warn({ source: name, fallback: switched.fallback }, 'switched to a fallback that is no longer configured; pulling the source itself');
      return this.execute(name, trigger, onProgress);
    }
    const summary = await this.run(switched.fallback, { trigger: `switched:${name}`, ...(onProgress ? { onProgress } : {}) });
    return { ...summary, switchedFrom: name };
  }

  private async execute(name: string, trigger: string, onProgress?: (p: RunProgress) => void): Promise<RunSummary> {
    const cfg = this.sourceSettings(name);
    const source = this.deps.sources.get(name);
    if (!source) throw new UserError('sync.unknown_source', `no source named "${name}"`, { source: name });
    const { store, clock, log } = this.deps;
    const system = cfg.system ?? cfg.name;
    const started = clock.now();
    const runId = await store.runs.start(name, system, trigger, started);
    const counters = zero();
    log.info({ source: name, runId, trigger }, 'sync run started');
    // Commits run one after another, each chained to the previous one so it starts the moment that one ends;
    // meanwhile the source fetches and we normalize and serialize the next pages (in slices, so SQLite's
    // callbacks are served promptly). At most MAX_QUEUED batches wait for their commit (bounded memory). A
    // failed commit fails every later one (they never run), so the cursor never passes what was committed.
    const MAX_QUEUED = 2;
    const queue: Promise<unknown>[] = [];
    let pending: Promise<unknown> | undefined;
    try {
      const cursor = await store.runs.getCursor(name);
      await syncEventIds(store.db);
      const pages = source.pull({
        cursor,
        signal: this.abort.signal,
        clock,
        log: log.child({ source: name, runId }),
        isFileProcessed: (hash) => store.runs.isFileProcessed(name, hash),
      });
      for await (const page of pages) {
        for (const chunk of this.split(page)) {
          const prepared = this.prepare(cfg, chunk);
          await prepareRecordsAsync(prepared.records, system, { now: clock.now(), runId, db: store.db });
          while (queue.length >= MAX_QUEUED) await queue.shift();
          const previous = pending ?? Promise.resolve();
          pending = previous
            .then(() => this.commitPrepared(cfg, runId, chunk, prepared, counters))
            .then(() => onProgress?.({ source: name, fetched: counters.fetched, changed: counters.changed }));
          // Awaited when the queue is full or at the end; this only keeps an early failure from going unhandled meanwhile.
          pending.catch(() => undefined);
          queue.push(pending);
        }
      }
      if (pending) await pending;
      await store.runs.finish(runId, 'ok', counters, clock.now());
      await store.findings.resolve(`source_down:${name}`, clock.now());
      const summary: RunSummary = { runId, source: name, system, trigger, status: 'ok', ...counters, durationMs: clock.now() - started };
      log.info({ ...summary }, 'sync run finished');
      this.observe(summary);
      return summary;
    } catch (err) {
      await pending?.catch(() => undefined);
      return this.fail(cfg, runId, trigger, started, counters, err);
    }
  }

  private async fail(cfg: SourceSettings, runId: number, trigger: string, started: number, counters: Counters, err: unknown): Promise<RunSummary> {
    const { store, clock, log } = this.deps;
    const system = cfg.system ?? cfg.name;
    const message = describeError(err);
    const code = err instanceof OrderOpsError ? err.code : 'sync.failed';
    log.warn({ source: cfg.name, runId, code, err: message }, 'sync run failed');
    const summary: RunSummary = { runId, source: cfg.name, system, trigger, status: 'failed', ...counters, durationMs: clock.now() - started, error: message, errorCode: code };
    // Stopped by our own shutdown: the source did nothing wrong. The run is recorded as interrupted (its committed
    // pages stay, the next run resumes from its cursor) and never counts towards "source down".
    if (this.abort.signal.aborted) {
      await store.runs.finish(runId, 'interrupted', counters, clock.now(), { error: message });
      this.observe(summary);
      return summary;
    }
    // Not the source this run replaces (switched away from, and waiting on this very run).
    if (cfg.fallback && !this.abort.signal.aborted && !trigger.startsWith('fallback') && trigger !== `switched:${cfg.fallback}`) {
      summary.fallback = await this.run(cfg.fallback, { trigger: `fallback:${cfg.name}` });
    }
    await store.runs.finish(runId, 'failed', counters, clock.now(), { error: message, ...(summary.fallback ? { fallbackUsed: cfg.fallback } : {}) });
    const failures = await store.runs.consecutiveFailures(cfg.name);
    if (failures >= this.deps.settings().sync.sourceDownAfterFailures) {
      await store.findings.raise(
        { kind: 'source_down', fingerprint: `source_down:${cfg.name}`, source: cfg.name, details: { failures, error: message, code, fallback: cfg.fallback ?? null, fallbackOk: summary.fallback?.status === 'ok' } },
        clock.now(),
      );
    }
    this.observe(summary);
    return summary;
  }

  private *split(page: SourcePage): Generator<SourcePage> {
    const size = this.deps.settings().sync.batchSize;
    if (page.records.length <= size) {
      yield page;
      return;
    }
    for (let start = 0; start < page.records.length; start += size) {
      const last = start + size >= page.records.length;
      yield {
        records: page.records.slice(start, start + size),
        errors: start === 0 ? page.errors : [],
        ...(last ? { cursor: page.cursor, processedFile: page.processedFile } : {}),
      };
    }
  }

  private prepare(cfg: SourceSettings, page: SourcePage): ReturnType<typeof normalizeRecords> {
    const system = cfg.system ?? cfg.name;
    const mapper = this.mapperFor(cfg);
    // Same mapping as normalizeRecords, but mapped records are built as one object literal: on Node 20,
    // `{ ...r, system, status }` takes V8's slow path (3-8 us per record here, most of the page's CPU).
    const normalized: ReturnType<typeof normalizeRecords> = { records: [], quarantined: [] };
    for (const r of page.records) {
      const status = mapper(r.rawStatus);
      if (status) {
        normalized.records.push({ orderId: r.orderId, rawStatus: r.rawStatus, updatedAt: r.updatedAt, amount: r.amount, currency: r.currency, customer: r.customer, items: r.items, adjustments: r.adjustments, shipTo: r.shipTo, system, status });
      } else {
        normalized.quarantined.push(...normalizeRecords([r], system, mapper).quarantined);
      }
    }
    return normalized;
  }

  private commit(cfg: SourceSettings, runId: number, page: SourcePage, counters: Counters, dedupeKey?: { scope: string; key: string }) {
    return this.commitPrepared(cfg, runId, page, this.prepare(cfg, page), counters, dedupeKey);
  }

  private async commitPrepared(cfg: SourceSettings, runId: number, page: SourcePage, prepared: ReturnType<typeof normalizeRecords>, counters: Counters, dedupeKey?: { scope: string; key: string }) {
    const { store, clock } = this.deps;
    const system = cfg.system ?? cfg.name;
    // A batch serialized ahead of its commit is committed with the time it was serialized for.
    const now = preparedAt(prepared.records) ?? clock.now();
    const result = await store.applyBatch({
      runId,
      source: cfg.name,
      system,
      now,
      authority: this.authority(),
      records: prepared.records,
      quarantined: prepared.quarantined,
      errors: page.errors,
      cursor: page.cursor,
      processedFile: page.processedFile,
      dedupeKey,
      afterWrite: this.deps.afterWrite,
    });
    if (result.duplicate) return result;
    counters.fetched += page.records.length + page.errors.length;
    counters.changed += result.changed;
    counters.unchanged += result.unchanged;
    counters.stale += result.stale;
    counters.quarantined += prepared.quarantined.length;
    counters.errors += page.errors.length;
    counters.events += result.events.length;
    await this.report(cfg, prepared, page, now);
    for (const l of this.deps.listeners ?? []) {
      if (l.onBatch && (result.events.length > 0 || result.canonicalChanges.length > 0)) {
        await l.onBatch({ source: cfg.name, system, runId, events: result.events, canonicalChanges: result.canonicalChanges });
      }
    }
    return result;
  }

  private async report(cfg: SourceSettings, prepared: ReturnType<typeof normalizeRecords>, page: SourcePage, now: number): Promise<void> {
    const { store } = this.deps;
    const system = cfg.system ?? cfg.name;
    const byRaw = new Map<string, string[]>();
    for (const q of prepared.quarantined) {
      const ids = byRaw.get(q.rawStatus) ?? [];
      ids.push(q.orderId);
      byRaw.set(q.rawStatus, ids);
    }
    for (const [raw, ids] of byRaw) {
      await store.findings.raise(
        { kind: 'unknown_status', fingerprint: `unknown_status:${system}:${raw}`, source: cfg.name, details: { system, rawStatus: raw, orders: ids.length, sampleOrderIds: ids.slice(0, 5) } },
        now,
      );
    }
    if (page.errors.length > 0) {
      await store.findings.raise(
        { kind: 'bad_record', fingerprint: `bad_record:${cfg.name}`, source: cfg.name, details: { count: page.errors.length, samples: page.errors.slice(0, 5) } },
        now,
      );
    }
  }

  private observe(summary: RunSummary): void {
    const m = this.deps.metrics;
    if (m) {
      m.synced.inc({ source: summary.source }, summary.fetched);
      m.changes.inc({ source: summary.source }, summary.changed);
      m.quarantined.inc({ source: summary.source }, summary.quarantined);
      m.badRecords.inc({ source: summary.source }, summary.errors);
      m.runs.inc({ source: summary.source, status: summary.status });
      m.duration.observe({ source: summary.source }, summary.durationMs / 1000);
      if (summary.status === 'failed') m.failures.inc({ source: summary.source });
      else m.lastSuccess.set({ source: summary.source }, this.deps.clock.now() / 1000);
    }
    for (const l of this.deps.listeners ?? []) void Promise.resolve(l.onRun?.(summary)).catch((err: unknown) => this.deps.log.error({ err: describeError(err) }, 'run listener failed'));
  }
}
