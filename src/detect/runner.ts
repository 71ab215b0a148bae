// The detect runner: scans on a timer, keeps the findings table current (raising what is found, resolving
// what is gone) and sends every change to the alert pipeline; committed sync batches feed it in between.
import type { AlertChanges, AlertInput, AlertSink } from '../alerts/types.ts';
import type { Clock } from '../core/clock.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { OrderEvent } from '../core/order.ts';
import type { Settings } from '../settings/schema.ts';
import type { Db } from '../store/db.ts';
import type { FindingsRepo } from '../store/findings.ts';
import type { CanonicalChange } from '../store/sync-store.ts';
import type { SyncListener } from '../sync/engine.ts';
import { ENGINE_KINDS, SCANNED_KINDS, sourceLookup } from './detected.ts';
import { applyFindings, openFindings, resolvedSince, type StoredFinding } from './finding-sync.ts';
import { ordersTouchedSinceLastScan, scanDetectors, type ScanTimings } from './scan.ts';
import { regressionOf } from './regression.ts';
import { FINDING_KINDS, fingerprintOf } from './types.ts';

/** What the runner needs (Store satisfies `store`). */
export interface DetectRunnerDeps {
  store: { db: Db; findings: Pick<FindingsRepo, 'open'> };
  settings: () => Settings;
  clock: Clock;
  log: Logger;
  sink: AlertSink;
}

/** What one scan did. */
export interface ScanReport {
  firing: number;
  resolved: number;
  full: boolean;
  timings: ScanTimings;
}

// Orders touched by a batch are re-examined by the order-level detectors until the mismatch grace has
// passed; past this many, the list is dropped and the next scan asks the event log instead.
const MAX_PENDING = 100_000;

/** Turns stored findings into pipeline alerts (shop stays `default` until multi-shop settings exist). */
export function toAlerts(found: readonly StoredFinding[]): AlertInput[] {
  return found.map((f) => ({ fingerprint: f.fingerprint, labels: { kind: f.kind, source: f.source || 'unknown', shop: 'default', orderId: f.orderId }, details: f.details, startsAt: f.firstSeen }));
}

/** Runs the detectors; implements SyncListener so the engine can feed it committed batches. */
export class DetectRunner implements SyncListener {
  private chain: Promise<unknown> = Promise.resolve();
  private reconciled = false;
  private fullNext = true;
  private readonly pending = new Map<string, number>();
  private stopped = true;
  private lastScanAt: number | undefined;
  // Aborts the wait between scans on stop, so a stopped runner holds no timer (the process can exit).
  private wake: AbortController | undefined;

  constructor(private readonly deps: DetectRunnerDeps) {}

  // Scans and batch handling run one at a time, in order.
  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every queued scan and batch has been handled. */
  async idle(): Promise<void> {
    await this.chain;
  }

  /** Runs every detector once; the first scan after start also reconciles the pipeline with the findings table. */
  scan(): Promise<ScanReport> {
    return this.enqueue(async () => {
      const { clock } = this.deps;
      const { db } = this.deps.store;
      const settings = this.deps.settings();
      const now = clock.now();
      const keepFor = settings.detect.mismatchGraceMinutes * 60_000 + 2 * settings.detect.scanEverySeconds * 1000;
      for (const [id, at] of this.pending) if (now - at > keepFor) this.pending.delete(id);
      // The in-memory list of touched orders is empty after a start and dropped when it overflows: then the
      // event log since the last scan says which settled orders to look at (every order, the very first time).
      const touched = this.fullNext ? await ordersTouchedSinceLastScan(db, now, keepFor) : [];
      // Past the cap a pass over every order (streamed in chunks) is cheaper than a list of ids that long.
      const full = touched === undefined || touched.length > MAX_PENDING;
      this.fullNext = false;
      const result = await scanDetectors(db, { settings, now, full, recentOrderIds: full ? [] : [...this.pending.keys(), ...(touched ?? [])] });
      // Engine findings are always sent complete (there are few), and what the engine resolved since the last
      // scan is also listed, so consumers other than the pipeline (tasks) hear of it.
      const { firing: engine, resolved: engineResolved } = await this.engineChanges(now);
      const resolved = [...result.resolved, ...engineResolved];
      const changes: AlertChanges = this.reconciled
        ? { firing: [...toAlerts(result.raised), ...engine], resolved, complete: ENGINE_KINDS }
        : { firing: [...toAlerts(await openFindings(db, SCANNED_KINDS)), ...engine], resolved, complete: FINDING_KINDS };
      this.reconciled = true;
      await this.deps.sink.ingest(changes);
      return { firing: changes.firing.length, resolved: changes.resolved.length, full, timings: result.timings };
    });
  }

  /**
   * Sends the findings raised outside the scans (the engine's, the dispatcher's undeliverable messages) to the sink now,
   * with those resolved since the last look, instead of at the next scan. Before the first scan it does nothing: that
   * scan reconciles everything.
   */
  forwardRaised(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.reconciled || this.lastScanAt === undefined) return;
      await this.deps.sink.ingest({ ...(await this.engineChanges(this.deps.clock.now())), complete: ENGINE_KINDS });
    });
  }

  /** Called by the engine after each committed batch: queues the work and returns at once (never slows a sync). */
  onBatch(info: { events: readonly OrderEvent[]; canonicalChanges: readonly CanonicalChange[] }): void {
    void this.enqueue(() => this.handleBatch(info.events, info.canonicalChanges)).catch((err: unknown) => this.deps.log.error({ err: describeError(err) }, 'detect: batch handling failed'));
  }

  // The engine's (and the dispatcher's) open findings, and those resolved since the last look, which `now` becomes.
  private async engineChanges(now: number): Promise<{ firing: ReturnType<typeof toAlerts>; resolved: Awaited<ReturnType<typeof resolvedSince>> }> {
    const firing = toAlerts(await this.engineFindings());
    const resolved = this.lastScanAt === undefined ? [] : await resolvedSince(this.deps.store.db, ENGINE_KINDS, this.lastScanAt);
    this.lastScanAt = now;
    return { firing, resolved };
  }

  private async engineFindings(): Promise<StoredFinding[]> {
    const out: StoredFinding[] = [];
    for (const kind of ENGINE_KINDS) {
      for (const f of await this.deps.store.findings.open({ kind })) {
        out.push({ fingerprint: f.fingerprint, kind, source: f.source ?? '', orderId: f.orderId, details: JSON.stringify(f.details), firstSeen: f.firstSeen });
      }
    }
    return out;
  }

  private async handleBatch(events: readonly OrderEvent[], changes: readonly CanonicalChange[]): Promise<void> {
    const { clock } = this.deps;
    const { db } = this.deps.store;
    const now = clock.now();
    const sourceOf = sourceLookup(this.deps.settings());
    for (const e of events) this.pending.set(e.orderId, now);
    if (this.pending.size > MAX_PENDING) {
      this.pending.clear();
      this.fullNext = true;
    }
    const regressions = events.flatMap((e) => regressionOf(e, sourceOf) ?? []);
    const reg = await applyFindings(db, 'regression', regressions, [], now);
    // An order that changed canonical status is no longer stuck where it was.
    const moved = [...new Set(changes.filter((c) => c.from !== null).map((c) => fingerprintOf('stale', [c.orderId])))];
    const stale = await applyFindings(db, 'stale', [], moved, now);
    if (reg.raised.length > 0 || stale.resolved.length > 0) await this.deps.sink.ingest({ firing: toAlerts(reg.raised), resolved: stale.resolved });
  }

  /** Scans now and then every `detect.scanEverySeconds`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const wake = (this.wake = new AbortController());
    void (async () => {
      while (!this.stopped) {
        await this.scan().catch((err: unknown) => this.deps.log.error({ err: describeError(err) }, 'detect: scan failed'));
        if (this.stopped) break;
        await this.deps.clock.sleep(this.deps.settings().detect.scanEverySeconds * 1000, wake.signal).catch(() => undefined);
      }
    })();
  }

  /** Stops the timer and waits for queued work. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.abort();
    await this.chain;
  }
}
