import type { TFunction } from 'i18next';
import type { Card } from '../core/card.ts';
import type { ActionEvent, ChatAdapter, CommandEvent, InboundEvent, Outbound, Place, PostedRef, Responder } from '../core/chat.ts';
import type { Clock } from '../core/clock.ts';
import { hasRole, type ActionDefinition, type CardFactory, type CommandDefinition, type CommandInfo, type Role } from '../core/command.ts';
import { describeError, OrderOpsError, RetryableError, UserError } from '../core/errors.ts';
import { getT, resolveLanguage, type Language } from '../core/i18n.ts';
import type { Logger } from '../core/logger.ts';
import type { Settings } from '../settings/schema.ts';
import type { PendingCardsRepo } from '../store/pending-cards.ts';
import type { PostedCardsRepo } from '../store/posted-cards.ts';
import { parseArgs, splitWords, suggest, usageOf } from './args.ts';
import { routeTargets } from './routes.ts';
import { SendQueues } from './send-queue.ts';

/** What the hub needs. */
export interface ChatHubDeps<S> {
  settings: () => Settings;
  posted: PostedCardsRepo;
  commands: readonly CommandDefinition<S>[];
  actions: readonly ActionDefinition<S>[];
  services: S;
  clock: Clock;
  log: Logger;
  /** Appends every command and click to the audit log (after dedupe, before any permission check). */
  audit?: (event: CommandEvent | ActionEvent) => Promise<unknown>;
  /** Where cards wait while their platform is down (without it, such a post fails as before). */
  pending?: PendingCardsRepo;
}

/** The message id a card waiting for its platform stands under, in what publish() returns. */
export const PENDING_MESSAGE_PREFIX = 'pending:';

// A platform that is down gets its cards retried after 5 s, 10 s, 20 s … at most every 5 minutes.
const PENDING_BASE_MS = 5000;
const PENDING_MAX_MS = 5 * 60_000;
const PENDING_SWEEP_MS = 5000;

function pendingDelay(attempts: number): number {
  return Math.min(PENDING_MAX_MS, PENDING_BASE_MS * 2 ** attempts);
}

function placeOf(target: string): Place {
  const sep = target.indexOf(':');
  return { platform: target.slice(0, sep), channelId: target.slice(sep + 1) };
}

/** Who is acting: role, language and display name, from settings (and the platform's locale). */
export interface Person {
  role: Role;
  language: Language;
  name: string | undefined;
}

function build(card: Card | CardFactory, language: string): Card {
  const built = typeof card === 'function' ? card(getT(language, 'cards')) : card;
  return built.language ? built : { ...built, language };
}

/**
 * The chat hub: receives neutral events from every adapter, dedupes platform retries, checks roles,
 * dispatches commands and button actions, and posts/updates cards on every platform, remembering each copy.
 */
export class ChatHub<S> {
  private readonly adapters = new Map<string, ChatAdapter>();
  private readonly queues: SendQueues;
  private readonly commandsByName: Map<string, CommandDefinition<S>>;
  private readonly actionsById: Map<string, ActionDefinition<S>>;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(private readonly deps: ChatHubDeps<S>) {
    this.queues = new SendQueues(deps.clock);
    this.commandsByName = new Map(deps.commands.map((c) => [c.name, c]));
    this.actionsById = new Map(deps.actions.map((a) => [a.actionId, a]));
  }

  /** Adds a platform. */
  register(adapter: ChatAdapter): void {
    this.adapters.set(adapter.platform, adapter);
  }

  /** The registered platforms. */
  platforms(): string[] {
    return [...this.adapters.keys()];
  }

  /** Starts every adapter with the hub as its inbound handler. */
  async start(): Promise<void> {
    for (const a of this.adapters.values()) await a.start((event, respond) => this.handle(event, respond));
    if (this.deps.pending && !this.sweeper) {
      // Cards kept from before a restart go out as soon as their platform answers again.
      this.sweeper = setInterval(() => void this.flushPending().catch((err: unknown) => this.deps.log.error({ err: describeError(err) }, 'delivering waiting cards failed')), PENDING_SWEEP_MS);
      this.sweeper.unref();
    }
  }

  /** Stops every adapter. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.sweeping;
    for (const a of this.adapters.values()) await a.stop();
  }

  /** Role and language of a person on a platform. */
  person(platform: string, userId: string, locale?: string): Person {
    const chat = this.deps.settings().chat;
    const entry = chat.users[`${platform}:${userId}`];
    const fallback = this.deps.settings().language;
    return { role: entry?.role ?? chat.defaultRole, language: entry?.language ?? (locale ? resolveLanguage(locale, fallback) : fallback), name: entry?.name };
  }

  /** Handles one inbound event (what adapters call after acknowledging the platform). */
  async handle(inbound: InboundEvent, respond: Responder): Promise<void> {
    let event = inbound;
    const fresh = await this.deps.posted.claimInbound(`chat:${event.place.platform}`, event.dedupeKey, this.deps.clock.now());
    if (!fresh) {
      this.deps.log.info({ platform: event.place.platform, key: event.dedupeKey }, 'duplicate delivery ignored');
      return;
    }
    if (event.kind !== 'message') await this.deps.audit?.(event);
    const person = this.person(event.actor.platform, event.actor.userId, event.locale);
    // The name staff configured wins over a platform's username.
    if (person.name) event = { ...event, actor: { ...event.actor, name: person.name } };
    const t = getT(person.language, 'bot');
    try {
      if (event.kind === 'command') await this.runCommand(event, respond, person, t);
      else if (event.kind === 'action') await this.runAction(event, respond, person, t);
    } catch (err) {
      if (err instanceof UserError) {
        await respond.ephemeral(err.message);
        return;
      }
      this.deps.log.error({ err: describeError(err), kind: event.kind }, 'chat handler failed');
      await respond.ephemeral(t('errors.failed', { code: err instanceof OrderOpsError ? err.code : 'internal' })).catch(() => undefined);
    }
  }

  private catalog(): CommandInfo[] {
    return this.deps.commands.map(({ name, helpKey, args, role }) => ({ name, helpKey, args, role }));
  }

  private async runCommand(event: CommandEvent, respond: Responder, person: Person, t: TFunction): Promise<void> {
    const name = event.name.replace(/^\//, '').toLowerCase();
    const def = this.commandsByName.get(name);
    if (!def) {
      const s = suggest(name, [...this.commandsByName.keys()]);
      await respond.ephemeral(s ? t('errors.unknownCommand', { name, suggestion: `/${s}` }) : t('errors.unknownCommandNoSuggestion', { name }));
      return;
    }
    if (!hasRole(person.role, def.role)) {
      await respond.ephemeral(t('errors.forbidden', { command: `/${def.name}`, role: t(`roles.${person.role}`), required: t(`roles.${def.role}`) }));
      return;
    }
    const parsed = parseArgs(def.args, event.args.length > 0 ? event.args : splitWords(event.text));
    if (!parsed.ok) {
      const reason =
        parsed.reason === 'missing'
          ? t('errors.missingArg', { arg: parsed.arg ?? '' })
          : parsed.reason === 'choice'
            ? t('errors.badChoice', { arg: parsed.arg ?? '', value: parsed.value ?? '', choices: (parsed.choices ?? []).join(', ') })
            : t('errors.tooManyArgs');
      await respond.ephemeral(t('errors.badArgs', { usage: usageOf(def.name, def.args), reason }));
      return;
    }
    await def.handler({
      t,
      locale: person.language,
      actor: event.actor,
      role: person.role,
      place: event.place,
      args: parsed.args,
      reply: (content) => respond.reply(content),
      ephemeral: (content) => respond.ephemeral(content),
      postTracked: async (cardKey, card) => void (await this.postTracked(event.place, cardKey, card, person.language)),
      catalog: this.catalog(),
      services: this.deps.services,
    });
  }

  private async runAction(event: ActionEvent, respond: Responder, person: Person, t: TFunction): Promise<void> {
    const def = this.actionsById.get(event.actionId);
    if (!def) {
      await respond.ephemeral(t('errors.unknownAction'));
      return;
    }
    if (!hasRole(person.role, def.role)) {
      this.deps.log.warn({ actor: event.actor, action: event.actionId, role: person.role }, 'unauthorized click');
      await respond.ephemeral(t('errors.forbiddenAction', { role: t(`roles.${person.role}`), required: t(`roles.${def.role}`) }));
      return;
    }
    const message = event.message;
    await def.handler({
      t,
      locale: person.language,
      actor: event.actor,
      role: person.role,
      place: event.place,
      value: event.value,
      message,
      updateCard: async (card) => {
        const key = message ? await this.deps.posted.keyOf(message) : undefined;
        if (key) await this.updateCard(key, card);
        else if (message) await this.updateOne(message, build(card, person.language));
      },
      reply: (content) => respond.reply(content),
      ephemeral: (content) => respond.ephemeral(content),
      postTracked: async (cardKey, card) => void (await this.postTracked(event.place, cardKey, card, person.language)),
      services: this.deps.services,
    });
  }

  /** Posts to one place through its channel's queue; returns the posted reference. */
  async post(place: Place, content: Outbound): Promise<PostedRef> {
    const adapter = this.adapter(place.platform);
    return this.queues.enqueue(place.platform, place.channelId, adapter.limits, () => adapter.post(place.channelId, content));
  }

  /** The language of the cards the bot posts on its own in a channel (the channel's setting, else the settings' one). */
  channelLanguage(place: Place): Language {
    const s = this.deps.settings();
    return s.chat.channels[`${place.platform}:${place.channelId}`]?.language ?? s.language;
  }

  /**
   * Posts a card and remembers the copy under `cardKey`. When the platform is down or rate-limited past the
   * adapter's own retries, the card is kept in SQLite and delivered when it recovers (the reference returned then
   * has a `pending:` message id), and the channel's secondary, if it has one, gets a copy meanwhile.
   */
  async postTracked(place: Place, cardKey: string, card: Card | CardFactory, language: string): Promise<PostedRef> {
    return this.deliver(place, cardKey, card, language, true);
  }

  private async deliver(place: Place, cardKey: string, card: Card | CardFactory, language: string, withSecondary: boolean): Promise<PostedRef> {
    const built = build(card, language);
    try {
      const ref = await this.post(place, built);
      await this.deps.posted.remember(cardKey, ref, language, this.deps.clock.now());
      return ref;
    } catch (err) {
      const pending = this.deps.pending;
      if (!pending || !(err instanceof RetryableError)) throw err;
      const now = this.deps.clock.now();
      const id = await pending.add({ cardKey, platform: place.platform, channelId: place.channelId, language, card: built, error: describeError(err) }, now, now + pendingDelay(0));
      this.deps.log.warn({ platform: place.platform, channel: place.channelId, cardKey, err: describeError(err) }, 'platform unavailable; card kept for delivery when it recovers');
      const secondary = this.deps.settings().chat.channels[`${place.platform}:${place.channelId}`]?.secondary;
      if (withSecondary && secondary && this.adapters.has(placeOf(secondary).platform)) {
        const to = placeOf(secondary);
        await this.deliver(to, cardKey, card, this.channelLanguage(to), false).catch((e: unknown) => this.deps.log.error({ secondary, cardKey, err: describeError(e) }, 'posting to the secondary channel failed'));
      }
      return { platform: place.platform, channelId: place.channelId, messageId: `${PENDING_MESSAGE_PREFIX}${id}` };
    }
  }

  /** Posts the waiting cards that are due; resolves with how many went out. */
  flushPending(): Promise<number> {
    this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweep(): Promise<number> {
    const pending = this.deps.pending;
    if (!pending) return 0;
    let sent = 0;
    for (const row of await pending.due(this.deps.clock.now())) {
      const place = { platform: row.platform, channelId: row.channelId };
      try {
        const ref = await this.post(place, row.card);
        await this.deps.posted.remember(row.cardKey, ref, row.language, this.deps.clock.now());
        await pending.remove(row.id);
        sent++;
      } catch (err) {
        if (err instanceof RetryableError || (err instanceof OrderOpsError && err.code === 'chat.no_adapter')) {
          await pending.retryLater(row.id, describeError(err), this.deps.clock.now() + pendingDelay(row.attempts + 1));
        } else {
          this.deps.log.error({ platform: row.platform, channel: row.channelId, cardKey: row.cardKey, err: describeError(err) }, 'a waiting card was refused; dropped');
          await pending.remove(row.id);
        }
      }
    }
    return sent;
  }

  /**
   * Posts a card to every channel the settings route `kind` to (e.g. alerts → console:ops, slack:C1; `alerts.price`
   * falls back to `alerts`), each in its channel's language.
   */
  async publish(kind: string, cardKey: string, card: Card | CardFactory): Promise<PostedRef[]> {
    const targets = routeTargets(this.deps.settings().chat.routes, kind);
    const refs: PostedRef[] = [];
    for (const target of targets) {
      const place = placeOf(target);
      if (!this.adapters.has(place.platform)) continue;
      try {
        refs.push(await this.postTracked(place, cardKey, card, this.channelLanguage(place)));
      } catch (err) {
        this.deps.log.error({ target, err: describeError(err) }, 'publishing a card failed');
      }
    }
    return refs;
  }

  /** Replaces every posted copy of `cardKey`, each in the language it was posted in. */
  async updateCard(cardKey: string, card: Card | CardFactory): Promise<void> {
    // A copy still waiting for its platform goes out in the newest state.
    for (const row of (await this.deps.pending?.ofKey(cardKey)) ?? []) await this.deps.pending?.replaceCard(row.id, build(card, row.language));
    const copies = await this.deps.posted.copies(cardKey);
    const results = await Promise.allSettled(copies.filter((c) => this.adapters.has(c.platform)).map((c) => this.updateOne(c, build(card, c.language))));
    for (const r of results) if (r.status === 'rejected') this.deps.log.error({ cardKey, err: describeError(r.reason) }, 'updating a card copy failed');
  }

  private async updateOne(ref: PostedRef, card: Card): Promise<void> {
    const adapter = this.adapter(ref.platform);
    const fresh = adapter.answersInline?.(ref) ? await adapter.update(ref, card) : await this.queues.enqueue(ref.platform, ref.channelId, adapter.limits, () => adapter.update(ref, card));
    if (fresh && fresh.messageId !== ref.messageId) await this.deps.posted.replace(ref, fresh, this.deps.clock.now());
    else await this.deps.posted.touch(ref, this.deps.clock.now());
  }

  private adapter(platform: string): ChatAdapter {
    const a = this.adapters.get(platform);
    if (!a) throw new OrderOpsError('chat.no_adapter', `no chat adapter for ${platform}`);
    return a;
  }
}
