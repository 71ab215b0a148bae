// A WeChat world on wechaty-puppet-mock for the staff adapter's tests: a logged-in bot, people and rooms, messages
// said to the bot with exact ids (so a delivery can be emitted again, as a puppet does on reconnect), and what the
// bot said where.
import type { TestContext } from 'node:test';
import { types, WechatyBuilder, type Wechaty } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import type { WechatyInboundOutcome } from '../../src/adapters/wechaty/index.ts';

// The mock's contacts and rooms emit 'message' at run time; their NodeNext types lack `.on()` (TOOLCHAIN.md).
type Said = { id: string; text(): string; talker(): { id: string }; type(): number };
type Listenable = { on(event: 'message', cb: (m: Said) => void): void };

/** The name the bot's account shows (people @mention it by this name in rooms). */
export const BOT_NAME = 'OrderOps Bot';

/** A person with a WeChat account the bot is friends with. */
export interface MockPerson {
  readonly id: string;
  readonly name: string;
  /** What the bot said to this person one-to-one, oldest first. */
  readonly inbox: string[];
}

/** A group chat the bot is in. */
export interface MockRoom {
  readonly id: string;
  /** What the bot said in the room, oldest first. */
  readonly said: string[];
}

let seq = 0;

// WeChat lets the account message only its friends one-to-one; the mock lets it message anyone it knows. This
// puppet leaves "unfriended" people out of the contact list, as a real puppet lists only friends.
class FriendsOnlyPuppet extends PuppetMock {
  readonly unfriended = new Set<string>();
  override async contactList(): Promise<string[]> {
    return (await super.contactList()).filter((id) => !this.unfriended.has(id));
  }
}

/** The mock WeChat world. */
export class MockWechat {
  readonly mocker = new mock.Mocker();
  readonly bot: Wechaty;
  /** Outcomes the adapter reported, per message id, in order (wire `record` into the adapter's onInbound). */
  readonly outcomes = new Map<string, WechatyInboundOutcome['outcome'][]>();
  private readonly emitted = new Map<string, number>();
  private self: mock.ContactMock | undefined;
  private readonly puppet = new FriendsOnlyPuppet({ mocker: this.mocker });

  constructor() {
    this.bot = WechatyBuilder.build({ puppet: this.puppet });
  }

  /** The bot can no longer message `person` one-to-one (they still talk in rooms). */
  unfriend(person: MockPerson): void {
    this.puppet.unfriended.add(person.id);
  }

  /** The onInbound hook for the adapter. */
  readonly record = (o: WechatyInboundOutcome): void => {
    this.outcomes.set(o.messageId, [...(this.outcomes.get(o.messageId) ?? []), o.outcome]);
  };

  /** Starts the bot and logs it in. */
  async start(t: TestContext): Promise<void> {
    await this.bot.start();
    t.after(() => this.bot.stop());
    this.self = this.mocker.createContact({ name: BOT_NAME });
    this.mocker.login(this.self);
    const end = Date.now() + 5000;
    while (!this.bot.isLoggedIn) {
      if (Date.now() > end) throw new Error('the mock bot did not log in');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** The bot's own contact id. */
  get selfId(): string {
    if (!this.self) throw new Error('not started');
    return this.self.id;
  }

  /** A friend of the bot; `inbox` collects what the bot says to them. */
  person(name: string): MockPerson {
    const contact = this.mocker.createContact({ name });
    const inbox: string[] = [];
    (contact as unknown as Listenable).on('message', (m) => {
      if (m.talker().id === this.selfId) inbox.push(m.text());
    });
    return { id: contact.id, name, inbox };
  }

  /** A group with these members and the bot; `said` collects what the bot says there. */
  room(topic: string, members: readonly MockPerson[]): MockRoom {
    const room = this.mocker.createRoom({ topic, memberIdList: [this.selfId, ...members.map((m) => m.id)] });
    const said: string[] = [];
    (room as unknown as Listenable).on('message', (m) => {
      if (m.talker().id === this.selfId) said.push(m.text());
    });
    return { id: room.id, said };
  }

  private deliver(payload: { talkerId: string; text?: string; roomId?: string; listenerId?: string; mentionIdList?: string[]; type?: types.Message }): string {
    const id = `msg-${Date.now().toString(36)}-${++seq}`;
    const base = { id, talkerId: payload.talkerId, timestamp: Date.now(), type: payload.type ?? types.Message.Text, ...(payload.text !== undefined ? { text: payload.text } : {}) };
    this.mocker.MessageMock.create(payload.roomId ? { ...base, roomId: payload.roomId, mentionIdList: payload.mentionIdList ?? [] } : { ...base, listenerId: payload.listenerId ?? this.selfId });
    this.emit(id);
    return id;
  }

  private emit(id: string): void {
    this.emitted.set(id, (this.emitted.get(id) ?? 0) + 1);
    this.mocker.puppet.emit('message', { messageId: id });
  }

  /** `from` writes `text` to the bot one-to-one; resolves with the message id. */
  dm(from: MockPerson, text: string): string {
    return this.deliver({ talkerId: from.id, text });
  }

  /** `from` writes `text` in a room; `mention` puts "@OrderOps Bot" in front as WeChat does. */
  say(from: MockPerson, room: MockRoom, text: string, mention = false): string {
    return this.deliver({ talkerId: from.id, roomId: room.id, text: mention ? `@${BOT_NAME}\u2005${text}` : text, ...(mention ? { mentionIdList: [this.selfId] } : {}) });
  }

  /** `from` sends an image (not text) one-to-one or in a room. */
  image(from: MockPerson, room?: MockRoom): string {
    return this.deliver({ talkerId: from.id, type: types.Message.Image, ...(room ? { roomId: room.id } : {}) });
  }

  /** The puppet delivers message `id` again (same id, same payload). */
  replay(id: string): void {
    this.emit(id);
  }

  /** Resolves with the adapter's outcome of delivery number `nth` (1-based) of message `id`. */
  async outcome(id: string, nth = 1, ms = 5000): Promise<WechatyInboundOutcome['outcome']> {
    const end = Date.now() + ms;
    for (;;) {
      const got = this.outcomes.get(id)?.[nth - 1];
      if (got) return got;
      if (Date.now() > end) throw new Error(`no outcome for delivery ${nth} of ${id}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Resolves when every delivery emitted so far has an outcome. */
  async settled(ms = 5000): Promise<void> {
    for (const [id, n] of this.emitted) await this.outcome(id, n, ms);
  }
}

/** A started mock WeChat world. */
export async function startMockWechat(t: TestContext): Promise<MockWechat> {
  const w = new MockWechat();
  await w.start(t);
  return w;
}

/** Polls until `ok()` holds. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
