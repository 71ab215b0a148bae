// The staff adapter on a mock WeChat, a real SQLite store and a real ChatHub with a small command and two actions.
import type { TestContext } from 'node:test';
import { createWechatyStaffAdapter, type WechatyStaffAdapter } from '../../../src/adapters/wechaty/index.ts';
import { ChatHub } from '../../../src/chat/hub.ts';
import { card } from '../../../src/core/card.ts';
import type { ActionEvent, CommandEvent } from '../../../src/core/chat.ts';
import { systemClock, type Clock } from '../../../src/core/clock.ts';
import type { ActionDefinition, CommandDefinition } from '../../../src/core/command.ts';
import { createSilentLogger } from '../../../src/core/logger.ts';
import type { Settings } from '../../../src/settings/schema.ts';
import type { Store } from '../../../src/store/index.ts';
import { settingsWith } from '../../helpers/temp.ts';
import type { MockWechat } from '../../fakes/wechaty-staff.ts';

/** Test action ids. */
export const APPROVE = 'test.approve';
export const REJECT = 'test.reject';
export const RESOLVE = 'test.resolve';

/** What the test commands and actions saw. */
export interface Seen {
  events: (CommandEvent | ActionEvent)[];
  clicks: string[];
}

const ORDER: CommandDefinition<Seen> = {
  name: 'order',
  helpKey: 'help.order',
  role: 'viewer',
  args: [{ name: 'id', required: true }],
  async handler(ctx) {
    const id = ctx.args.id ?? '';
    await ctx.postTracked(`order:${id}`, () =>
      card()
        .header(`Order ${id}`, 'warning')
        .text(`Order **${id}** waits for a decision.`)
        .actions([
          { actionId: APPROVE, label: 'Approve', value: id, style: 'primary' },
          { actionId: REJECT, label: 'Reject', value: id, style: 'danger' },
          { actionId: RESOLVE, label: 'Resolve', value: id },
        ])
        .build(),
    );
  },
};

const TEXT_ACTIONS: ActionDefinition<Seen>[] = [
  { actionId: APPROVE, role: 'viewer', handler: async (ctx) => void ctx.services.clicks.push(`approve:${ctx.value}:${ctx.actor.userId}`) },
  { actionId: REJECT, role: 'viewer', handler: async (ctx) => void ctx.services.clicks.push(`reject:${ctx.value}:${ctx.actor.userId}`) },
  {
    actionId: RESOLVE,
    role: 'viewer',
    async handler(ctx) {
      ctx.services.clicks.push(`resolve:${ctx.value}:${ctx.actor.userId}`);
      await ctx.updateCard(() =>
        card()
          .header(`Order ${ctx.value} resolved`, 'success')
          .actions([{ actionId: APPROVE, label: 'Reopen', value: ctx.value }])
          .build(),
      );
      await ctx.ephemeral(`Resolved ${ctx.value}`);
    },
  },
];

/** Settings naming these staff contacts (and rooms, through a route). */
export function staffSettings(users: Record<string, { language?: 'zh-CN' | 'en' | 'es' }>, rooms: readonly string[] = []): Settings {
  return settingsWith([], {
    language: 'en',
    chat: {
      defaultRole: 'viewer',
      users: Object.fromEntries(Object.entries(users).map(([id, u]) => [`wechat:${id}`, u])),
      routes: rooms.length > 0 ? { alerts: rooms.map((r) => `wechat:${r}`) } : {},
      channels: {},
    },
  });
}

/** A hub with the staff adapter on `world.bot`, started; stopped when the test ends (or by `stop()`). */
export async function startStaff(
  t: TestContext,
  world: MockWechat,
  store: Store,
  settings: () => Settings,
  clock: Clock = systemClock,
): Promise<{ adapter: WechatyStaffAdapter; hub: ChatHub<Seen>; seen: Seen; stop(): Promise<void> }> {
  const seen: Seen = { events: [], clicks: [] };
  const adapter = createWechatyStaffAdapter({
    bot: world.bot,
    settings,
    state: store.adapterState,
    clock,
    log: createSilentLogger(),
    onInbound: world.record,
    // Tests send more than a person would: the account's pace is tested on its own.
    accountPace: { perChannelPerSecond: 1000, burst: 1000 },
    limits: { perChannelPerSecond: 1000, burst: 1000 },
  });
  const hub = new ChatHub<Seen>({
    settings,
    posted: store.posted,
    commands: [ORDER],
    actions: TEXT_ACTIONS,
    services: seen,
    clock,
    log: createSilentLogger(),
    audit: async (event) => void seen.events.push(event),
  });
  hub.register(adapter);
  await hub.start();
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await hub.stop();
  };
  t.after(stop);
  return { adapter, hub, seen, stop };
}
