import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { CanonicalStatus } from '../../core/status.ts';
import type { RecordError, SourceRecord } from '../../core/order.ts';

/** A file a csv-drop source finished reading; recorded in the same transaction as its rows. */
export interface ProcessedFile {
  name: string;
  hash: string;
  rows: number;
  badRows: number;
}

/** One page of a pull: committed atomically, then `cursor` becomes the source's resume point. */
export interface SourcePage {
  records: SourceRecord[];
  /** Rows that could not be read; reported with where they came from. */
  errors: RecordError[];
  /** Resume point after this page commits; undefined keeps the previous one. */
  cursor?: string | null | undefined;
  /** Set on the last page of a file (csv-drop), so the file is never read twice. */
  processedFile?: ProcessedFile | undefined;
}

/** What a pull gets from the engine. */
export interface PullContext {
  /** The last committed cursor (null on the first run). */
  cursor: string | null;
  signal: AbortSignal;
  clock: Clock;
  log: Logger;
  /** True when a file with this content hash was already processed by this source. */
  isFileProcessed(hash: string): Promise<boolean>;
}

/** A system orders come from: ERP, WMS, OMS, a storefront. One implementation per kind. */
export interface OrderSource {
  readonly name: string;
  readonly kind: string;
  /** Streams pages of changed orders since `ctx.cursor`. Throws RetryableError/PermanentError on failure. */
  pull(ctx: PullContext): AsyncIterable<SourcePage>;
  /** Writes a status back to the system (sources that declare the push capability). */
  push?(orderId: string, status: CanonicalStatus, ctx: { clock: Clock; log: Logger }): Promise<void>;
  /** Writes an order's amount to the system (sources that declare the price-write capability); `currency` null: the order's own. */
  pushPrice?(orderId: string, amount: number, currency: string | null, ctx: { clock: Clock; log: Logger }): Promise<void>;
  close?(): Promise<void>;
}

/** What a source factory gets besides its settings. */
export interface SourceDeps {
  /** Environment: secrets are read from here by the variable names settings give. */
  env: Readonly<Record<string, string | undefined>>;
  /** The data directory (relative paths in options resolve against it). */
  dataDir: string;
  clock: Clock;
  log: Logger;
  random?: () => number;
}
