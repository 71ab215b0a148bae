import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AdapterStateRepo } from './adapter-state.ts';
import { Db } from './db.ts';
import { FindingsRepo } from './findings.ts';
import { migrate } from './migrations.ts';
import { migrateModules } from './modules.ts';
import { PendingCardsRepo } from './pending-cards.ts';
import { PostedCardsRepo } from './posted-cards.ts';
import { OrderQueries } from './queries.ts';
import { RunsRepo } from './runs.ts';
import { SourceSwitchesRepo } from './source-switches.ts';
import { applyBatch, type BatchInput, type BatchResult } from './sync-store.ts';

export type { BatchInput, BatchResult } from './sync-store.ts';

/** The SQLite store: every high-volume aggregate behind one connection. */
export class Store {
  readonly runs: RunsRepo;
  readonly findings: FindingsRepo;
  readonly queries: OrderQueries;
  readonly posted: PostedCardsRepo;
  /** Sources switched to their fallback (SyncEngine.switchToFallback). */
  readonly switches: SourceSwitchesRepo;
  /** Chat adapters' durable state (response codes, reply codes). */
  readonly adapterState: AdapterStateRepo;
  /** Cards waiting for a platform that is down. */
  readonly pendingCards: PendingCardsRepo;

  private constructor(readonly db: Db) {
    this.runs = new RunsRepo(db);
    this.findings = new FindingsRepo(db);
    this.queries = new OrderQueries(db);
    this.posted = new PostedCardsRepo(db);
    this.switches = new SourceSwitchesRepo(db);
    this.adapterState = new AdapterStateRepo(db);
    this.pendingCards = new PendingCardsRepo(db);
  }

  /** Opens the database file (creating its folder) and applies pending migrations. */
  static async open(file: string): Promise<Store> {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = await Db.open(file);
    await migrate(db);
    await migrateModules(db);
    return new Store(db);
  }

  /** Commits one page of a sync run atomically (snapshots, events, canonical view, cursor). */
  applyBatch(input: BatchInput): Promise<BatchResult> {
    return applyBatch(this.db, input);
  }

  /** Closes the connection after queued work. */
  close(): Promise<void> {
    return this.db.close();
  }
}
