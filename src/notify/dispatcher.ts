// The dispatcher: claims due outbox rows under a lease, sends them with bounded concurrency, writes outcomes.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { CustomerChannel, CustomerChannelName } from '../core/notify.ts';
import type { Db } from '../store/db.ts';
import { ChannelRateLimiter } from './dispatcher-rate-limit.ts';
import { sendRow, type Undeliverable } from './dispatcher-send.ts';
import { OutcomeWriter } from './dispatcher-writer.ts';
import type { OutboxRow } from './outbox.ts';
import { OutboxRepo, type RowOutcome } from './outbox-repo.ts';
import type { CustomerProfile, PrefsRepo } from './prefs.ts';
import type { NotifySettings } from './settings.ts';

/** What the dispatcher needs. */
export interface DispatcherDeps {
  db: Db;
  channels: readonly CustomerChannel[];
  prefs: PrefsRepo;
  settings: () => NotifySettings;
  clock: Clock;
  log: Logger;
  /** Lease owner name; unique per dispatcher (default: pid + random). */
  owner?: string;
  random?: () => number;
  /** Every channel failed: the tasks work opens a staff task (keyed by the message key, so a repeat is one task). */
  onUndeliverable?: (u: Undeliverable) => void | Promise<void>;
}

/** Counts of what a dispatcher did. */
export interface DispatchStats {
  claimed: number;
  sent: number;
  retried: number;
  deferred: number;
  failed: number;
  cancelled: number;
  errors: number;
}

/** Sends outbox rows. Use `start`/`stop` in the app; `drain` sends everything due now and returns (tests, CLI). */
export class Dispatcher {
  readonly owner: string;
  readonly stats: DispatchStats = { claimed: 0, sent: 0, retried: 0, deferred: 0, failed: 0, cancelled: 0, errors: 0 };
  private readonly repo: OutboxRepo;
  private readonly writer: OutcomeWriter;
  private readonly limiter: ChannelRateLimiter;
  private readonly channels: Map<CustomerChannelName, CustomerChannel>;
  private readonly random: () => number;
  private inflight = 0;
  private waiters: (() => void)[] = [];
  private woken = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly tails = new Set<Promise<void>>();
  /** Ids of rows this dispatcher holds (buffered, sending, or outcome not yet written). */
  private readonly held = new Set<number>();
  private readonly buffer: { row: OutboxRow; profile: CustomerProfile | undefined }[] = [];
  private refilling: Promise<void> | undefined;
  /** The last claim came back short: do not claim again until woken, idle, or a poll interval passed. */
  private dry = false;
  private lastClaim = -Infinity;
  private failure: unknown;

  constructor(private readonly deps: DispatcherDeps) {
    this.owner = deps.owner ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.repo = new OutboxRepo(deps.db);
    this.writer = new OutcomeWriter(this.repo, this.owner, deps.clock);
    this.limiter = new ChannelRateLimiter(deps.settings, deps.clock);
    this.channels = new Map(deps.channels.map((c) => [c.name, c]));
    this.random = deps.random ?? Math.random;
  }

  /** Starts sending in the background. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.failure = undefined;
    this.loop = this.run(false).catch((err: unknown) => this.deps.log.error({ err: describeError(err) }, 'notification dispatcher stopped on an error'));
  }

  /** Tells an idle dispatcher new messages may be due (safe to call inside a transaction: it only resolves a promise). */
  wake(): void {
    this.woken = true;
    this.release();
  }

  /** Stops claiming, waits for messages in flight and their writes, and hands claimed-but-unsent rows back. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    this.loop = undefined;
    await this.refilling;
    while (this.inflight > 0) await this.event();
    const unsent = this.buffer.splice(0).map((b) => b.row.id);
    for (const id of unsent) this.held.delete(id);
    await this.repo.unclaim(this.owner, unsent, this.deps.clock.now());
    await this.settled();
  }

  /** Sends every message due now (and those falling due while it runs), then returns; not while started. */
  async drain(): Promise<DispatchStats> {
    if (this.loop) throw new Error('drain() is for a dispatcher that is not started');
    this.stopping = false;
    this.dry = false;
    this.failure = undefined;
    await this.run(true);
    return { ...this.stats };
  }

  /** Waits until the outcomes written so far are committed (a delivery report may need the provider id). */
  flush(): Promise<void> {
    return this.settled();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private event(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  // Rows are claimed ahead into a buffer (up to one more batch than the concurrency), so a freed slot starts the
  // next message at once instead of waiting for a claim to go through the database queue.
  private async run(untilIdle: boolean): Promise<void> {
    while (!this.stopping) {
      const s = this.deps.settings();
      this.startBuffered(s);
      if (this.woken) {
        this.woken = false;
        this.dry = false;
      }
      if (this.dry && this.deps.clock.now() - this.lastClaim >= s.pollSeconds * 1000) this.dry = false;
      const room = 2 * s.concurrency - this.inflight - this.buffer.length;
      if (!this.dry && !this.refilling && room >= Math.max(1, Math.floor(s.concurrency / 2))) {
        this.refilling = this.refill(room, s).finally(() => {
          this.refilling = undefined;
          this.release();
        });
      }
      if (this.inflight > 0 || this.buffer.length > 0 || this.refilling) {
        await this.event();
        if (untilIdle && this.failure) throw this.failure;
        continue;
      }
      // Nothing in flight and the last claim came back short: idle.
      await this.settled();
      if (untilIdle) {
        if (this.failure) throw this.failure;
        if (this.woken || (await this.repo.nextDue() ?? Infinity) <= this.deps.clock.now()) {
          this.dry = false;
          continue;
        }
        return;
      }
      if (this.woken) continue;
      const due = await this.repo.nextDue();
      const wait = Math.min(s.pollSeconds * 1000, due === undefined ? Infinity : due - this.deps.clock.now());
      if (wait > 0) await this.idle(wait);
      this.dry = false;
    }
  }

  private async idle(ms: number): Promise<void> {
    if (this.woken) return;
    const abort = new AbortController();
    await Promise.race([this.deps.clock.sleep(ms, abort.signal).catch(() => undefined), this.event()]);
    abort.abort();
  }

  private startBuffered(s: NotifySettings): void {
    while (this.inflight < s.concurrency && !this.stopping) {
      const next = this.buffer.shift();
      if (!next) return;
      this.inflight++;
      void this.process(next.row, s, next.profile).finally(() => {
        this.inflight--;
        this.release();
      });
    }
  }

  private async refill(limit: number, s: NotifySettings): Promise<void> {
    const now = this.deps.clock.now();
    this.lastClaim = now;
    try {
      const rows = await this.repo.claim(this.owner, limit, now, now + Math.round(s.leaseSeconds * 1000));
      if (rows.length < limit) this.dry = true;
      if (rows.length === 0) return;
      this.stats.claimed += rows.length;
      const profiles = await this.deps.prefs.profiles(rows.map((r) => r.customer_id));
      for (const row of rows) {
        // A row of ours whose lease ran out while it waited comes back from the claim: it is already on its way.
        if (this.held.has(row.id)) continue;
        this.held.add(row.id);
        this.buffer.push({ row, profile: profiles.get(row.customer_id) });
      }
    } catch (err) {
      // Rows claimed before the failure stay leased and are taken up again when the lease expires.
      this.stats.errors++;
      this.dry = true;
      this.failure = err;
      this.deps.log.error({ err: describeError(err) }, 'claiming notifications failed');
    }
  }

  private async process(row: OutboxRow, s: NotifySettings, profile: CustomerProfile | undefined): Promise<void> {
    const { log } = this.deps;
    let result: Awaited<ReturnType<typeof sendRow>>;
    try {
      if (!profile) throw new Error(`no profile for customer ${row.customer_id}`);
      const ctx = { channels: this.channels, settings: s, clock: this.deps.clock, random: this.random, limiter: this.limiter, checkpoint: (o: RowOutcome) => this.writer.write(o) };
      result = await sendRow(row, profile, ctx);
    } catch (err) {
      // The row keeps its lease and is taken up again when it expires (same key: the provider drops a repeat).
      this.stats.errors++;
      this.held.delete(row.id);
      log.error({ key: row.key, err: describeError(err) }, 'notification not processed; retried after its lease');
      return;
    }
    // The slot is free once the provider answered; the row stays leased until its outcome is committed.
    const tail = this.settle(row, result).finally(() => {
      this.tails.delete(tail);
      this.held.delete(row.id);
    });
    this.tails.add(tail);
  }

  private async settle(row: OutboxRow, { outcome, undeliverable }: Awaited<ReturnType<typeof sendRow>>): Promise<void> {
    const { log } = this.deps;
    try {
      await this.writer.write(outcome);
    } catch (err) {
      this.stats.errors++;
      log.error({ key: row.key, state: outcome.state, err: describeError(err) }, 'notification outcome not stored; retried after its lease');
      return;
    }
    if (outcome.state === 'sent') this.stats.sent++;
    else if (outcome.state === 'cancelled') this.stats.cancelled++;
    else if (outcome.state === 'failed') this.stats.failed++;
    else if (outcome.log.some((e) => e.result === 'deferred')) this.stats.deferred++;
    else this.stats.retried++;
    if (undeliverable) {
      log.warn({ key: row.key, orderId: row.order_id, reasons: undeliverable.reasons }, 'notification undeliverable on every channel');
      await Promise.resolve(this.deps.onUndeliverable?.(undeliverable)).catch((err: unknown) => log.error({ key: row.key, err: describeError(err) }, 'undeliverable handler failed'));
    }
  }

  /** Waits for outcome writes (and undeliverable reports) of messages already sent. */
  private async settled(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails]);
    await this.writer.flush();
  }
}
