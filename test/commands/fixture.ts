// Command test fixtures: real SQLite store, real sync engine over scripted sources, real bot services,
// and hand-written command/action contexts that record what the handler said.
import type { TestContext } from 'node:test';
import type { TFunction } from 'i18next';
import { ChatHub } from '../../src/chat/hub.ts';
import { createDomain, type Domain } from '../../src/domain.ts';
import { MemoryChat } from '../fakes/memory-chat.ts';
import { createConsoleInboxChannel } from '../../src/notify/channels/console.ts';
import type { Card } from '../../src/core/card.ts';
import type { Actor, Outbound, Place, PostedRef } from '../../src/core/chat.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { ActionContext, CardFactory, CommandContext, CommandInfo, Role } from '../../src/core/command.ts';
import { getT } from '../../src/core/i18n.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { SourceRecord } from '../../src/core/order.ts';
import type { CanonicalStatus } from '../../src/core/status.ts';
import type { SourceSettings } from '../../src/settings/schema.ts';
import { SettingsStore } from '../../src/settings/store.ts';
import type { Store } from '../../src/store/index.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import type { OrderSource, PullContext, SourcePage } from '../../src/sync/sources/types.ts';
import type { BotServices } from '../../commands/services.ts';
import { ACTIONS, COMMANDS } from '../../commands/index.ts';
import { tempDir, tempStore } from '../helpers/temp.ts';

/** Fixed start of test time. */
export const T0 = Date.UTC(2026, 5, 1);
/** A source record `minutes` after T0. */
export const rec = (orderId: string, rawStatus: string, minutes: number, extra: Partial<SourceRecord> = {}): SourceRecord => ({ orderId, rawStatus, updatedAt: T0 + minutes * 60_000, ...extra });

/** A scripted source: each pull serves the next script entry (pages, or an error to throw). */
export class ScriptedSource implements OrderSource {
  readonly kind = 'scripted';
  pulls = 0;
  constructor(
    readonly name: string,
    private readonly script: (SourcePage[] | Error)[],
  ) {}
  async *pull(_ctx: PullContext): AsyncIterable<SourcePage> {
    const step = this.script[Math.min(this.pulls, this.script.length - 1)];
    this.pulls++;
    if (step instanceof Error) throw step;
    for (const page of step ?? []) yield page;
  }
}

/** Everything a command test needs, wired like the real app. */
export interface World {
  store: Store;
  engine: SyncEngine;
  settings: SettingsStore;
  clock: ManualClock;
  services: BotServices;
  domain: Domain;
  /** The console as a fake platform behind a real hub (task cards land here). */
  chat: MemoryChat;
}

/** Real store, settings document and engine; `sources` are scripted, `cfg` their settings. */
export async function makeWorld(t: TestContext, sources: ScriptedSource[] = [], cfg: Partial<SourceSettings>[] = sources.map((s) => ({ name: s.name }))): Promise<World> {
  const { store } = await tempStore(t);
  const settings = await SettingsStore.open(tempDir(t));
  const clock = new ManualClock(T0 + 86_400_000);
  const sourceCfg = cfg.map((s) => ({ kind: 'http-json', enabled: true, mapping: ['english-common'], options: {}, ...s }) as SourceSettings);
  const engine = new SyncEngine({ store, settings: () => ({ ...settings.get(), sources: sourceCfg }), sources: new Map(sources.map((s) => [s.name, s])), clock, log: createSilentLogger() });
  t.after(() => engine.stop());
  const domain = createDomain({
    store,
    settings,
    effective: () => settings.get(),
    engine,
    sources: new Map(sources.map((s) => [s.name, s])),
    channels: [createConsoleInboxChannel({ push: () => ({ id: 'inbox-1' }), clock })],
    clock,
    log: createSilentLogger(),
    timeZone: 'UTC',
    hub: () => hub,
  });
  const hub = new ChatHub<BotServices>({ settings: () => settings.get(), posted: store.posted, commands: COMMANDS, actions: ACTIONS, services: domain.services, clock, log: createSilentLogger() });
  const chat = new MemoryChat('console', undefined, () => clock.now());
  hub.register(chat);
  await hub.start();
  return { store, engine, settings, clock, services: domain.services, domain, chat };
}

/** Commits records for one system through the real Store.applyBatch; `status` undefined quarantines the record. */
export async function commit(w: World, system: string, rows: { r: SourceRecord; status?: CanonicalStatus }[]): Promise<void> {
  const now = w.clock.now();
  const runId = await w.store.runs.start(system, system, 'test', now);
  const records = rows.flatMap(({ r, status }) => (status ? [{ ...r, system, status }] : []));
  const quarantined = rows.flatMap(({ r, status }) => (status ? [] : [{ ...r, system, reason: 'unknown_status' }]));
  await w.store.applyBatch({ runId, source: system, system, now, authority: w.settings.get().authority, records, quarantined });
  await w.store.runs.finish(runId, 'ok', { fetched: rows.length, changed: records.length, quarantined: quarantined.length, errors: 0 }, now);
}

/** What a handler sent; tracked and updated cards are built the way the hub builds them (cards namespace). */
export interface Recorded {
  replies: Outbound[];
  ephemerals: Outbound[];
  tracked: { key: string; card: Card; build(lang: string): Card }[];
  updates: { card: Card; build(lang: string): Card }[];
}

const ACTOR: Actor = { platform: 'console', userId: 'lucia', name: 'Lucía' };
const PLACE: Place = { platform: 'console', channelId: 'ops' };
const CATALOG: CommandInfo[] = COMMANDS.map(({ name, helpKey, args, role }) => ({ name, helpKey, args, role }));

function builder(card: Card | CardFactory): (lang: string) => Card {
  return (lang) => (typeof card === 'function' ? card(getT(lang, 'cards')) : card);
}

function recorder(lang: string) {
  const r: Recorded = { replies: [], ephemerals: [], tracked: [], updates: [] };
  return {
    rec: r,
    reply: async (c: Outbound): Promise<PostedRef> => {
      r.replies.push(c);
      return { platform: 'console', channelId: 'ops', messageId: `m${r.replies.length}` };
    },
    ephemeral: async (c: Outbound): Promise<void> => void r.ephemerals.push(c),
    postTracked: async (key: string, card: Card | CardFactory): Promise<void> => {
      const build = builder(card);
      r.tracked.push({ key, card: build(lang), build });
    },
    updateCard: async (card: Card | CardFactory): Promise<void> => {
      const build = builder(card);
      r.updates.push({ card: build(lang), build });
    },
  };
}

/** A command context as the hub would build it (translator fixed to the bot namespace). */
export function commandContext(services: BotServices, opts: { args?: Record<string, string | undefined>; role?: Role; lang?: string } = {}): { ctx: CommandContext<BotServices>; rec: Recorded } {
  const lang = opts.lang ?? 'en';
  const r = recorder(lang);
  const t: TFunction = getT(lang, 'bot');
  const ctx: CommandContext<BotServices> = { t, locale: lang, actor: ACTOR, role: opts.role ?? 'viewer', place: PLACE, args: opts.args ?? {}, reply: r.reply, ephemeral: r.ephemeral, postTracked: r.postTracked, catalog: CATALOG, services };
  return { ctx, rec: r.rec };
}

/** An action context for a click on a posted card. */
export function actionContext(services: BotServices, value: string, opts: { role?: Role; lang?: string } = {}): { ctx: ActionContext<BotServices>; rec: Recorded } {
  const lang = opts.lang ?? 'en';
  const r = recorder(lang);
  const ctx: ActionContext<BotServices> = {
    t: getT(lang, 'bot'),
    locale: lang,
    actor: ACTOR,
    role: opts.role ?? 'viewer',
    place: PLACE,
    value,
    message: { platform: 'console', channelId: 'ops', messageId: 'm1' },
    updateCard: r.updateCard,
    reply: r.reply,
    ephemeral: r.ephemeral,
    postTracked: r.postTracked,
    services,
  };
  return { ctx, rec: r.rec };
}

/** The single card in a list of outbound messages. */
export function onlyCard(out: readonly (Outbound | Card)[]): Card {
  const cards = out.filter((o): o is Card => typeof o !== 'string');
  if (cards.length !== 1) throw new Error(`expected one card, got ${cards.length}`);
  return cards[0] as Card;
}
