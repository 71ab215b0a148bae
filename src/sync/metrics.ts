import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the sync engine, on a registry of their own (one per app instance). */
export class SyncMetrics {
  readonly registry = new Registry();
  readonly synced = new Counter({ name: 'orderops_records_synced_total', help: 'Records fetched from sources', labelNames: ['source'], registers: [this.registry] });
  readonly changes = new Counter({ name: 'orderops_changes_total', help: 'Records whose snapshot changed', labelNames: ['source'], registers: [this.registry] });
  readonly quarantined = new Counter({ name: 'orderops_quarantined_total', help: 'Records quarantined for an unknown status', labelNames: ['source'], registers: [this.registry] });
  readonly badRecords = new Counter({ name: 'orderops_bad_records_total', help: 'Source rows that could not be read', labelNames: ['source'], registers: [this.registry] });
  readonly failures = new Counter({ name: 'orderops_sync_failures_total', help: 'Failed sync runs', labelNames: ['source'], registers: [this.registry] });
  readonly runs = new Counter({ name: 'orderops_sync_runs_total', help: 'Sync runs by outcome', labelNames: ['source', 'status'], registers: [this.registry] });
  readonly duration = new Histogram({
    name: 'orderops_sync_duration_seconds',
    help: 'Duration of sync runs',
    labelNames: ['source'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly lastSuccess = new Gauge({ name: 'orderops_sync_last_success_timestamp_seconds', help: 'When each source last synced successfully', labelNames: ['source'], registers: [this.registry] });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'orderops_' });
  }
}
