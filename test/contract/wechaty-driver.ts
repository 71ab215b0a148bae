// The contract driver for staff WeChat: wechaty-puppet-mock plays WeChat (a staff room with alice and bob), the real
// adapter runs on a real Wechaty bot. A command is a line typed in the room; a click is the reply code the RENDERED
// card printed for that action, typed back as the person; a platform retry is the puppet emitting the same message
// (same id) again.
//
// WeChat has no HTTP between the platform and us, so there are no status codes, signatures or bodies to break.
// `status` is therefore what the adapter decided about the delivery, read from its onInbound outcome and written as
// the nearest status: handled (command, action, a dropped repeat) → 200; a delivery from someone who is not staff,
// or a reply code that was never printed (the equivalent of a forged button payload) → 403; a staff delivery that is
// not text (the equivalent of an authenticated but malformed body) → 400. Only refusals the adapter really made
// produce 4xx: nothing here is a constant.
import { ReplyCodeBook } from '../../src/adapters/wechaty/code-book.ts';
import { parseReplyCode } from '../../src/adapters/wechaty/codes.ts';
import { createWechatyStaffAdapter, type WechatyInboundOutcome } from '../../src/adapters/wechaty/index.ts';
import type { PostedRef } from '../../src/core/chat.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import { settingsWith } from '../helpers/temp.ts';
import { MockWechat } from '../fakes/wechaty-staff.ts';
import type { ContractDelivery, ContractDriver, ContractDriverFactory, ContractMessage } from './driver.ts';

// "⚠️ [#12] …" or "✅ [#12 · updated] …": the marker that names one card across its versions.
const MARKER = /^[^\n[]*\[#(\d+)(?: · [^\]\n]+)?\]/;
// A reply line in any language: "reply A1 to ack", "回复 A1 批准", "responde A1 para …".
const REPLY_LINE = /^(?:reply|回复|responde) ([A-Z]{1,2}[1-9][0-9]?)\b/gm;

function statusOf(outcome: WechatyInboundOutcome['outcome']): number {
  switch (outcome) {
    case 'command':
    case 'action':
    case 'duplicate':
      return 200;
    case 'not_addressed':
      return 204;
    case 'not_staff':
    case 'unknown_code':
      return 403;
    case 'not_text':
      return 400;
    default:
      return 500;
  }
}

/** Room messages as the suite sees them: a new version carrying a card's marker is an in-place change of that card. */
function roomMessages(channelId: string, said: readonly string[]): ContractMessage[] {
  const out: ContractMessage[] = [];
  const byCard = new Map<string, ContractMessage>();
  said.forEach((text, i) => {
    const n = MARKER.exec(text)?.[1];
    const known = n ? byCard.get(n) : undefined;
    if (known) {
      known.text = text;
      known.versions += 1;
      return;
    }
    const m: ContractMessage = { ref: { platform: 'wechat', channelId, messageId: n ? `wc-${n}` : `text-${i}` }, text, versions: 1 };
    if (n) byCard.set(n, m);
    out.push(m);
  });
  return out;
}

/** Builds the staff WeChat contract driver. */
export const createWechatyContractDriver: ContractDriverFactory = async ({ t, store, clock }) => {
  const world = new MockWechat();
  await world.start(t);
  const people = { alice: world.person('alice'), bob: world.person('bob') };
  const mallory = world.person('mallory');
  const room = world.room('orderops contract', [people.alice, people.bob]);
  // The adapter's own view of who is staff: the room is a route target, alice and bob are listed.
  const settings = settingsWith([], {
    chat: { defaultRole: 'viewer', users: { [`wechat:${people.alice.id}`]: { role: 'agent' }, [`wechat:${people.bob.id}`]: { role: 'viewer' } }, routes: { contract: [`wechat:${room.id}`] }, channels: {} },
  });
  const adapter = createWechatyStaffAdapter({ bot: world.bot, settings: () => settings, state: store.adapterState, clock, log: createSilentLogger(), onInbound: world.record });
  t.after(() => adapter.stop());
  const book = new ReplyCodeBook(store.adapterState, clock);

  const delivery = async (id: string, nth: number): Promise<ContractDelivery> => {
    const status = statusOf(await world.outcome(id, nth));
    return {
      status,
      replay: async () => {
        world.replay(id);
        return delivery(id, nth + 1);
      },
    };
  };

  const latestText = (ref: PostedRef): string => {
    const m = roomMessages(room.id, room.said).find((x) => x.ref.messageId === ref.messageId);
    if (!m) throw new Error(`no message ${ref.messageId} in the room`);
    return m.text;
  };

  const driver: ContractDriver = {
    platform: 'wechat',
    channelId: room.id,
    adapter,
    userId: (person) => people[person].id,
    command: (person, text) => delivery(world.say(people[person], room, text), 1),
    async click(person, ref, actionId) {
      // Among the codes the rendered card printed, the one that stands for `actionId`.
      for (const [, code] of latestText(ref).matchAll(REPLY_LINE)) {
        const parsed = code ? parseReplyCode(code) : undefined;
        const found = parsed ? await book.resolve(room.id, parsed) : undefined;
        if (code && found?.actionId === actionId) return delivery(world.say(people[person], room, code), 1);
      }
      throw new Error(`no printed reply code for ${actionId} on ${ref.messageId}`);
    },
    // Authenticated (a staff member in the staff room) but not something the adapter can read: an image.
    malformed: async () => statusOf(await world.outcome(world.image(people.alice, room))),
    // Two forgeries: a command from someone who is not staff, and a reply code no card ever printed. 403 only when
    // the adapter refused both.
    async forged() {
      const stranger = await world.outcome(world.dm(mallory, '/ping X1'));
      const neverPrinted = await world.outcome(world.say(people.alice, room, 'ZZ9'));
      return stranger === 'not_staff' && neverPrinted === 'unknown_code' ? 403 : statusOf(stranger === 'not_staff' ? neverPrinted : stranger);
    },
    messages: () => roomMessages(room.id, room.said),
    notices: (person) => [...people[person].inbox],
    async settle() {
      await world.settled();
      await adapter.idle();
    },
  };
  return driver;
};
