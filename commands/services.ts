// What staff commands may use: narrow, platform-free views of the application, wired in src/main.ts.
import type { Actor } from '../src/core/chat.ts';
import type { Clock } from '../src/core/clock.ts';
import type { Language } from '../src/core/i18n.ts';
import type { CanonicalStatus } from '../src/core/status.ts';
import type { FindingRecord } from '../src/store/findings.ts';
import type { OrderDetail, QuarantineGroup, StatusCount } from '../src/store/queries.ts';
import type { SourceSwitch } from '../src/store/source-switches.ts';
import type { AlertBotServices } from '../src/alerts/service.ts';
import type { NotifyBotServices } from '../src/notify/index.ts';
import type { RunSummary } from '../src/sync/engine.ts';
import type { TaskBotServices } from '../src/tasks/chat-glue.ts';

/** Orders currently past their status's dwell limit, per canonical status. */
export interface StuckCount {
  status: CanonicalStatus;
  count: number;
  /** The dwell limit in hours. */
  limitHours: number;
}

/** Services every command handler gets as `ctx.services`: the core ones plus tasks, alerts and notifications. */
export interface BotServices extends CoreBotServices, TaskBotServices, AlertBotServices, NotifyBotServices {}

/** The services that only need the store, the sync engine and the settings. */
export interface CoreBotServices {
  clock: Clock;
  orders: {
    order(id: string): Promise<OrderDetail | undefined>;
    statusCounts(): Promise<StatusCount[]>;
    quarantine(): Promise<QuarantineGroup[]>;
    stuckCounts(): Promise<StuckCount[]>;
    /** The customer's phone and the address the order ships to, unmasked (cards mask them). */
    contact(id: string): Promise<{ phone?: string | undefined; address?: string | undefined }>;
  };
  findings: {
    open(filter?: { kind?: string; orderId?: string; source?: string }): Promise<FindingRecord[]>;
  };
  sync: {
    sourceNames(): string[];
    /** Runs one source (or all when undefined); runs already under way are joined. */
    run(source: string | undefined, trigger: string): Promise<RunSummary[]>;
    /** Sources switched to their fallback (pulled instead of them until restored). */
    switches(): Promise<SourceSwitch[]>;
    /** Ends the switch of `source` and pulls it once; undefined (and nothing run) when it was not switched. */
    restore(source: string, trigger: string): Promise<{ ended: SourceSwitch; summary: RunSummary } | undefined>;
  };
  prefs: {
    /** Remembers the person's language for bot replies. */
    setLanguage(actor: Actor, language: Language): Promise<void>;
  };
}
