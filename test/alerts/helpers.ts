// Alert test fixtures: a publisher that behaves like the hub (copies per card key, updates in place),
// a real pipeline on a temp SQLite store with a ManualClock, and alert inputs.
import { routeTargets } from '../../src/chat/routes.ts';
import type { TestContext } from 'node:test';
import { AlertPipeline } from '../../src/alerts/pipeline.ts';
import type { AlertInput, AlertPublisher } from '../../src/alerts/types.ts';
import type { Card } from '../../src/core/card.ts';
import type { PostedRef } from '../../src/core/chat.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { CardFactory } from '../../src/core/command.ts';
import { getT } from '../../src/core/i18n.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { FindingDetails, FindingKind } from '../../src/detect/types.ts';
import type { Settings } from '../../src/settings/schema.ts';
import { readDefaultSettings, type SettingsStore } from '../../src/settings/store.ts';
import type { Store } from '../../src/store/index.ts';
import { tempStore } from '../helpers/temp.ts';

/** Fixed start of test time: a Monday, 09:00 UTC. */
export const T0 = Date.UTC(2026, 5, 1, 9, 0);
/** Milliseconds per second/minute/hour. */
export const S = 1000;
export const MIN = 60_000;
export const HOUR = 3_600_000;

/** A posted message as the fake platform keeps it. */
export interface FakeMessage {
  ref: PostedRef;
  cardKey: string;
  card: Card;
  versions: number;
}

/** Records what the pipeline sends; like ChatHub, it posts to every routed channel and updates every copy of a key. */
export class FakePublisher implements AlertPublisher {
  readonly messages: FakeMessage[] = [];
  readonly log: { op: 'post' | 'update'; cardKey: string; at: number }[] = [];
  private seq = 0;
  constructor(
    private readonly settings: () => Settings,
    private readonly now: () => number,
    private readonly lang = 'en',
  ) {}

  async publish(kind: string, cardKey: string, card: CardFactory): Promise<PostedRef[]> {
    const refs: PostedRef[] = [];
    for (const target of routeTargets(this.settings().chat.routes, kind)) {
      const [platform = '', channelId = ''] = target.split(':');
      const ref = { platform, channelId, messageId: `m${++this.seq}` };
      this.messages.push({ ref, cardKey, card: card(getT(this.lang, 'cards')), versions: 1 });
      this.log.push({ op: 'post', cardKey, at: this.now() });
      refs.push(ref);
    }
    return refs;
  }

  async updateCard(cardKey: string, card: CardFactory): Promise<void> {
    for (const m of this.messages) {
      if (m.cardKey !== cardKey) continue;
      m.card = card(getT(this.lang, 'cards'));
      m.versions++;
      this.log.push({ op: 'update', cardKey, at: this.now() });
    }
  }

  /** Posts so far (optionally of one card key prefix). */
  posts(prefix = ''): FakeMessage[] {
    return this.messages.filter((m) => m.cardKey.startsWith(prefix));
  }

  /** The latest card posted under a key prefix. */
  last(prefix = ''): FakeMessage | undefined {
    return this.posts(prefix).at(-1);
  }
}

/** A pipeline world: real store, settings (a plain object, or the real settings document), manual clock, fake publisher. */
export interface AlertWorld {
  store: Store;
  settings: Settings;
  /** The settings as the pipeline reads them. */
  current(): Settings;
  clock: ManualClock;
  publisher: FakePublisher;
  pipeline: AlertPipeline;
  /** A second pipeline over the same database (a restart). */
  restart(): AlertPipeline;
}

/** Builds an AlertWorld; `patch` edits the default settings; `doc` makes the pipeline read a real settings document instead. */
export async function alertWorld(t: TestContext, patch: (s: Settings) => void = () => undefined, doc?: SettingsStore): Promise<AlertWorld> {
  const { store } = await tempStore(t);
  const settings = readDefaultSettings();
  settings.alerts = { ...settings.alerts, groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds: 4 * 3600, noiseBudgetPerHour: 20 };
  patch(settings);
  if (doc) await doc.update((d) => Object.assign(d, { alerts: settings.alerts, chat: settings.chat }));
  const current = (): Settings => (doc ? doc.get() : settings);
  const clock = new ManualClock(T0);
  const publisher = new FakePublisher(current, () => clock.now());
  const make = (): AlertPipeline => new AlertPipeline({ db: store.db, settings: current, publisher, clock, log: createSilentLogger(), timeZone: 'UTC' });
  return { store, settings, current, clock, publisher, pipeline: make(), restart: make };
}

/** A firing alert of `kind` with details. */
export function alert<K extends FindingKind>(kind: K, id: string, details: FindingDetails[K], opts: { source?: string; orderId?: string | null; startsAt?: number } = {}): AlertInput {
  const orderId = opts.orderId === null ? undefined : (opts.orderId ?? id);
  return {
    fingerprint: orderId ? `${kind}:${orderId}` : `${kind}:${id}`,
    labels: { kind, source: opts.source ?? 'wms', shop: 'default', orderId },
    details: JSON.stringify(details),
    startsAt: opts.startsAt ?? T0,
  };
}

/** A stale-order alert whose status started `hoursAgo` before T0. */
export function staleAlert(orderId: string, hoursAgo: number, source = 'wms'): AlertInput {
  return alert('stale', orderId, { status: 'paid', since: T0 - hoursAgo * HOUR, limitHours: 24, system: source }, { source });
}

/** Moves the clock and runs one flush pass. */
export async function advance(w: AlertWorld, ms: number, pipeline: AlertPipeline = w.pipeline): Promise<void> {
  w.clock.advance(ms);
  await pipeline.tick();
}
