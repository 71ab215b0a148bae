// Detector test fixtures: a real temp store filled through Store.applyBatch, a runner with a recording sink.
import type { TestContext } from 'node:test';
import type { AlertChanges, AlertSink } from '../../src/alerts/types.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { NormalizedRecord, OrderItem, ShippingAddress, OrderAdjustments } from '../../src/core/order.ts';
import type { CanonicalStatus } from '../../src/core/status.ts';
import { DetectRunner } from '../../src/detect/runner.ts';
import type { Settings, SourceSettings } from '../../src/settings/schema.ts';
import type { BatchResult, Store } from '../../src/store/index.ts';
import { settingsWith, tempStore } from '../helpers/temp.ts';

/** Fixed "now" of detector tests: Monday 2026-06-01 12:00 UTC. */
export const NOW = Date.UTC(2026, 5, 1, 12);
export const MIN = 60_000;
export const HOUR = 3_600_000;

/** One record to commit: order, status, and when (hours before the clock's now). */
export interface Rec {
  id: string;
  status: CanonicalStatus;
  raw?: string;
  hoursAgo: number;
  amount?: number;
  currency?: string;
  items?: OrderItem[];
  adjustments?: OrderAdjustments;
  shipTo?: ShippingAddress;
}

/** An AlertSink that keeps every batch it was given. */
export class RecordingSink implements AlertSink {
  readonly batches: AlertChanges[] = [];
  async ingest(changes: AlertChanges): Promise<void> {
    this.batches.push(changes);
  }
  /** Every fingerprint that was sent as firing. */
  firing(): string[] {
    return this.batches.flatMap((b) => b.firing.map((f) => f.fingerprint));
  }
  /** Every fingerprint that was sent as resolved. */
  resolved(): string[] {
    return this.batches.flatMap((b) => b.resolved);
  }
}

/** A detector world: store, settings with sources, manual clock, runner and its sink. */
export interface DetectWorld {
  store: Store;
  settings: Settings;
  clock: ManualClock;
  sink: RecordingSink;
  runner: DetectRunner;
  /** Commits records of one system through Store.applyBatch (like a sync page), and feeds the runner like the engine would. */
  commit(system: string, recs: readonly Rec[], opts?: { quarantined?: { id: string; raw: string }[]; feed?: boolean }): Promise<BatchResult>;
  /** A fresh runner on the same store (a restart). */
  newRunner(): DetectRunner;
}

/** Builds a DetectWorld with the default settings plus `sources` and `patch`. */
export async function detectWorld(t: TestContext, sources: Partial<SourceSettings>[] = [], patch: (s: Settings) => void = () => undefined): Promise<DetectWorld> {
  const { store } = await tempStore(t);
  const settings = settingsWith(sources);
  patch(settings);
  const clock = new ManualClock(NOW);
  const sink = new RecordingSink();
  const newRunner = (): DetectRunner => new DetectRunner({ store, settings: () => settings, clock, log: createSilentLogger(), sink });
  const runner = newRunner();
  t.after(() => runner.stop());
  let run = 0;
  const commit: DetectWorld['commit'] = async (system, recs, opts = {}) => {
    const now = clock.now();
    const records: NormalizedRecord[] = recs.map((r) => ({
      orderId: r.id,
      system,
      status: r.status,
      rawStatus: r.raw ?? r.status,
      updatedAt: now - r.hoursAgo * HOUR,
      amount: r.amount,
      currency: r.currency,
      items: r.items,
      adjustments: r.adjustments,
      shipTo: r.shipTo,
    }));
    const quarantined = (opts.quarantined ?? []).map((q) => ({ orderId: q.id, system, rawStatus: q.raw, updatedAt: now, reason: 'unknown_status' }));
    const result = await store.applyBatch({ runId: ++run, source: system, system, now, authority: settings.authority, records, quarantined });
    if (opts.feed !== false) runner.onBatch({ events: result.events, canonicalChanges: result.canonicalChanges });
    await runner.idle();
    return result;
  };
  return { store, settings, clock, sink, runner, commit, newRunner };
}

/** Open findings of a kind: fingerprint → details. */
export async function openOf(store: Store, kind: string): Promise<Map<string, Record<string, unknown>>> {
  const rows = await store.findings.open({ kind });
  return new Map(rows.map((r) => [r.fingerprint, r.details]));
}
