// The alert pipeline (Alertmanager semantics): group alerts by labels, wait group_wait before a new group's
// first card, update a changed group's card at most every group_interval, re-post an unchanged firing group
// every repeat_interval, mark the card resolved when the whole group resolves; silences and inhibition mute,
// and a channel over its hourly budget gets one digest card instead of new cards. All state is in SQLite.
import { alertCardKey, buildAlertCard, type AlertCardView } from '../../cards/alert.ts';
import type { Clock } from '../core/clock.ts';
import type { CardFactory } from '../core/command.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Settings } from '../settings/schema.ts';
import type { Db } from '../store/db.ts';
import { hourOf, NoiseBudget, type DigestEntry } from './budget.ts';
import { rankOf } from '../detect/details.ts';
import { publishDigest } from './digest.ts';
import { snapshotGroup, type GroupSnapshot, type ViewContext } from './group-view.ts';
import { Inhibitor } from './inhibit.ts';
import { groupKeyOf } from './labels.ts';
import { AlertRepo, type AlertRow, type GroupRow } from './repo.ts';
import { activeSilences } from './silences.ts';
import { routeKey, routeTargets } from '../chat/routes.ts';
import { ALERT_ROUTE, type AlertChanges, type AlertPublisher, type AlertSink } from './types.ts';

/** What the pipeline needs. */
export interface AlertPipelineDeps {
  db: Db;
  settings: () => Settings;
  publisher: AlertPublisher;
  clock: Clock;
  log: Logger;
  /** Time zone cards show times in (default UTC). */
  timeZone?: string | undefined;
  /** How often the timer looks for due groups, ms (default 1000). */
  tickMs?: number | undefined;
}

/** What one flush pass did (for tests, logs and the benchmark). */
export interface FlushSummary {
  posted: number;
  updated: number;
  resolved: number;
  digested: number;
}

/** The alert pipeline; detectors feed it through `ingest`, a timer (or a test) calls `tick`. */
export class AlertPipeline implements AlertSink {
  readonly repo: AlertRepo;
  readonly budget: NoiseBudget;
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = true;
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: AlertPipelineDeps) {
    this.repo = new AlertRepo(deps.db);
    this.budget = new NoiseBudget(deps.db);
  }

  // Ingests and flushes never interleave: a flush that closes a group must not race a new alert into it.
  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Stores alert changes; a new group's first card waits group_wait. */
  ingest(changes: AlertChanges): Promise<void> {
    return this.locked(async () => {
      const s = this.deps.settings();
      const now = this.deps.clock.now();
      const rows: AlertRow[] = changes.firing.map((a) => ({
        fingerprint: a.fingerprint,
        groupKey: groupKeyOf(a.labels, s.alerts.groupBy),
        labels: a.labels,
        details: a.details,
        rank: rankOf(a.labels.kind, a.details, a.startsAt),
        startsAt: a.startsAt,
      }));
      await this.repo.ingest(rows, changes.resolved, changes.complete, now, now + s.alerts.groupWaitSeconds * 1000);
    });
  }

  /** Flushes every group whose time has come. */
  tick(): Promise<FlushSummary> {
    return this.locked(async () => {
      const ctx = await this.context();
      const summary: FlushSummary = { posted: 0, updated: 0, resolved: 0, digested: 0 };
      const digest: DigestEntry[] = [];
      for (const g of await this.repo.dueGroups(ctx.now)) {
        try {
          await this.flush(g, ctx, summary, digest);
        } catch (err) {
          this.deps.log.error({ group: g.groupKey, err: describeError(err) }, 'alert group flush failed');
          await this.repo.saveFlush({ ...g, nextFlushAt: ctx.now + this.deps.settings().alerts.groupIntervalSeconds * 1000 });
        }
      }
      if (digest.length > 0) {
        summary.digested += digest.length;
        await publishDigest({ budget: this.budget, publisher: this.deps.publisher, settings: this.deps.settings() }, digest, ctx.now, ctx.timeZone);
      }
      return summary;
    });
  }

  /** After a silence is added: groups whose card shows alerts that are now all muted show "silenced" at once. */
  reevaluate(): Promise<void> {
    return this.locked(async () => {
      const ctx = await this.context();
      for (const g of await this.repo.groups()) {
        if (g.cardState !== 'firing' || !g.cardKey) continue;
        const snap = await snapshotGroup(this.repo, g, ctx);
        if (snap.firing === 0 || snap.view.state !== 'muted') continue;
        await this.deps.publisher.updateCard(g.cardKey, factory(snap.view));
        await this.repo.saveFlush({ ...g, cardState: 'muted', notifiedHash: snap.hash, notifiedCount: snap.firing, notifiedAt: ctx.now });
      }
    });
  }

  /** Every live group as it would be shown now (for /alerts). */
  snapshots(): Promise<GroupSnapshot[]> {
    return this.locked(async () => {
      const ctx = await this.context();
      const out: GroupSnapshot[] = [];
      for (const g of await this.repo.groups()) {
        const snap = await snapshotGroup(this.repo, g, ctx);
        if (snap.firing > 0) out.push(snap);
      }
      return out;
    });
  }

  /** Starts the flush timer. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const every = this.deps.tickMs ?? 1000;
    this.loop = (async () => {
      while (!this.stopped) {
        await this.deps.clock.sleep(every);
        if (this.stopped) break;
        await this.tick().catch((err: unknown) => this.deps.log.error({ err: describeError(err) }, 'alert pipeline tick failed'));
      }
    })();
  }

  /** Stops the timer and waits for a flush under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain;
  }

  private async context(): Promise<ViewContext> {
    const s = this.deps.settings();
    const now = this.deps.clock.now();
    const rules = s.alerts.inhibit;
    const inhibitor = new Inhibitor(rules, await this.repo.firingOfKinds(Inhibitor.sourceKinds(rules)));
    return {
      silences: activeSilences(s.silences, now),
      inhibitor,
      now,
      timeZone: this.deps.timeZone,
      nameOf: (createdBy) => s.chat.users[createdBy]?.name ?? createdBy,
    };
  }

  private async flush(g: GroupRow, ctx: ViewContext, summary: FlushSummary, digest: DigestEntry[]): Promise<void> {
    const s = this.deps.settings();
    const { now } = ctx;
    const snap = await snapshotGroup(this.repo, g, ctx);
    if (snap.firing === 0) {
      if (g.cardKey && (g.cardState === 'firing' || g.cardState === 'muted')) {
        await this.deps.publisher.updateCard(g.cardKey, factory({ ...snap.view, state: 'resolved', resolvedCount: g.notifiedCount }));
        summary.resolved++;
      }
      await this.repo.closeGroup(g.groupKey);
      return;
    }
    const next = { ...g, nextFlushAt: now + s.alerts.groupIntervalSeconds * 1000, notifiedHash: snap.hash, notifiedCount: snap.firing };
    const cardKey = g.cardKey ?? alertCardKey(g.groupKey, g.createdAt);
    if (snap.view.state === 'muted') {
      if (g.cardState === 'firing' && g.cardKey) {
        await this.deps.publisher.updateCard(g.cardKey, factory(snap.view));
        summary.updated++;
        await this.repo.saveFlush({ ...next, cardState: 'muted', notifiedAt: now });
      } else await this.repo.saveFlush(next);
      return;
    }
    const repeatDue = now - (g.postedAt ?? 0) >= s.alerts.repeatIntervalSeconds * 1000;
    if (g.cardState === 'firing' && g.cardKey && g.notifiedHash !== snap.hash) {
      await this.deps.publisher.updateCard(g.cardKey, factory(snap.view));
      summary.updated++;
      await this.repo.saveFlush({ ...next, notifiedAt: now });
      return;
    }
    if (g.cardState === 'firing' && !repeatDue) {
      await this.repo.saveFlush({ ...g, nextFlushAt: next.nextFlushAt });
      return;
    }
    // A new card: the group's first, after a silence ended, after a digest-only hour, or a repeat.
    const hour = hourOf(now);
    const route = routeKey(ALERT_ROUTE, snap.view.kind);
    const channels = routeTargets(s.chat.routes, route);
    if (await this.budget.exhausted(channels, hour, s.alerts.noiseBudgetPerHour)) {
      digest.push({ groupKey: g.groupKey, labels: JSON.stringify({ kind: snap.view.kind, source: snap.view.source, shop: snap.view.shop }), active: snap.view.active });
      const state = g.cardState === 'firing' ? 'firing' : 'digest';
      await this.repo.saveFlush({ ...next, cardKey: g.cardKey, cardState: state, notifiedAt: now, postedAt: state === 'firing' ? now : g.postedAt });
      return;
    }
    const refs = await this.deps.publisher.publish(route, cardKey, factory(snap.view));
    await this.budget.count(refs, hour);
    if (refs.length === 0) {
      // No channel took it (no route, no adapter): try again at the next interval.
      await this.repo.saveFlush({ ...g, nextFlushAt: next.nextFlushAt });
      return;
    }
    summary.posted++;
    await this.repo.saveFlush({ ...next, cardKey, cardState: 'firing', notifiedAt: now, postedAt: now });
  }
}

function factory(view: AlertCardView): CardFactory {
  return (t) => buildAlertCard(view, t);
}
