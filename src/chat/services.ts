import type { CoreBotServices } from '../../commands/services.ts';
import type { Clock } from '../core/clock.ts';
import type { SettingsStore } from '../settings/store.ts';
import type { Store } from '../store/index.ts';
import { countStuck } from '../store/stuck.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { createStoreTaskOrders } from '../tasks/store-orders.ts';

/** Wires the core services staff commands use to the store, the sync engine and the settings document. */
export function createBotServices(deps: { store: Store; engine: SyncEngine; settings: SettingsStore; clock: Clock }): CoreBotServices {
  const { store, engine, settings, clock } = deps;
  // The same facts task cards show: the customer's phone, the address the order ships to.
  const contacts = createStoreTaskOrders(store, () => settings.get().authority);
  return {
    clock,
    orders: {
      order: (id) => store.queries.order(id),
      statusCounts: () => store.queries.statusCounts(),
      quarantine: () => store.queries.quarantine(),
      stuckCounts: () => countStuck(store.db, settings.get().dwellHours, clock.now()),
      contact: async (id) => {
        const info = await contacts.lookup(id);
        return { phone: info?.phone, address: info?.address };
      },
    },
    findings: { open: (filter) => store.findings.open(filter) },
    sync: {
      sourceNames: () => engine.sourceNames(),
      run: async (source, trigger) => (source === undefined ? engine.runAll({ trigger }) : [await engine.run(source, { trigger })]),
      switches: () => engine.switches(),
      restore: async (source, trigger) => {
        if (!(await store.switches.get(source))) return undefined;
        const { ended, summary } = await engine.restore(source, { trigger });
        return ended ? { ended, summary } : undefined;
      },
    },
    prefs: {
      setLanguage: async (actor, language) => {
        await settings.update((draft) => {
          const key = `${actor.platform}:${actor.userId}`;
          draft.chat.users[key] = { ...draft.chat.users[key], language };
        });
      },
    },
  };
}
