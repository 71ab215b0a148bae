// What /alerts, /silence and the card's silence button may do: narrow, platform-free.
import { CARD_SILENCE_HOURS } from '../../cards/alert.ts';
import type { AlertListGroup } from '../../cards/alert-list.ts';
import type { Actor } from '../core/chat.ts';
import type { Clock } from '../core/clock.ts';
import { isFindingKind, parseGroupKey, type Matchers } from './labels.ts';
import type { AlertPipeline } from './pipeline.ts';
import { SilenceStore, type SettingsWriter, type Silence } from './silences.ts';

/** One firing group as /alerts lists it: the card's row plus the group's key. */
export interface AlertGroupSummary extends AlertListGroup {
  groupKey: string;
}

/** Alert operations for commands and buttons. */
export interface AlertService {
  now(): number;
  /** Time zone cards show times in. */
  timeZone: string | undefined;
  /** Firing groups, most alerts first. */
  groups(): Promise<AlertGroupSummary[]>;
  /** Silences in force. */
  silences(): Silence[];
  /** Display name of a `platform:userId` (from settings), or the id itself. */
  nameOf(createdBy: string): string;
  /** Silences alerts matching `matchers` for `durationMs`. */
  createSilence(matchers: Matchers, durationMs: number, actor: Actor, comment?: string): Promise<Silence>;
  /** Ends a silence; false when none in force has that id. */
  expireSilence(id: string): Promise<boolean>;
  /** The card button: silences the group's labels for 24 hours (its card shows "silenced" at once); undefined for a bad key. */
  silenceGroup(groupKey: string, actor: Actor): Promise<Silence | undefined>;
}

/** The services alert commands need (the composition root adds `alerts` to BotServices). */
export interface AlertBotServices {
  alerts: AlertService;
}

/** Wires the alert service to the pipeline and the settings document. */
export function createAlertService(deps: { pipeline: AlertPipeline; settings: SettingsWriter; clock: Clock; timeZone?: string | undefined }): AlertService {
  const { pipeline, clock } = deps;
  const store = new SilenceStore(deps.settings);
  const who = (a: Actor): string => `${a.platform}:${a.userId}`;
  const create = async (matchers: Matchers, durationMs: number, actor: Actor, comment?: string): Promise<Silence> => {
    const now = clock.now();
    const silence = await store.add({ matchers, until: now + durationMs, createdBy: who(actor), comment }, now);
    await pipeline.reevaluate();
    return silence;
  };
  return {
    now: () => clock.now(),
    timeZone: deps.timeZone,
    async groups() {
      const snaps = await pipeline.snapshots();
      return snaps
        .map(({ view: v }) => ({ groupKey: v.groupKey, kind: v.kind, source: v.source, shop: v.shop, active: v.active, silenced: v.silenced, inhibited: v.inhibited, startsAt: v.startsAt }))
        .sort((a, b) => b.active + b.silenced + b.inhibited - (a.active + a.silenced + a.inhibited) || a.groupKey.localeCompare(b.groupKey));
    },
    silences: () => store.active(clock.now()),
    nameOf: (createdBy) => deps.settings.get().chat.users[createdBy]?.name ?? createdBy,
    createSilence: create,
    expireSilence: (id) => store.expire(id, clock.now()),
    async silenceGroup(groupKey, actor) {
      // The button's value comes back from the platform: never let an empty or odd key silence everything.
      const matchers = parseGroupKey(groupKey);
      if (Object.keys(matchers).length === 0 || (matchers.kind !== undefined && !isFindingKind(matchers.kind))) return undefined;
      return create(matchers, CARD_SILENCE_HOURS * 3_600_000, actor, 'card');
    },
  };
}
