// Benchmark runner: `npm run bench` runs every benchmark, `npm run bench -- sync` runs one.
import { argv } from 'node:process';

const BENCHES: Record<string, () => Promise<unknown>> = {
  sync: async () => (await import('./sync.ts')).runSyncBench(),
  // Clicks per platform: Slack, then Feishu and WeCom (each also on its own).
  actions: async () => {
    await (await import('./actions.ts')).runActionsBench();
    await (await import('./actions-feishu.ts')).runFeishuActionsBench();
    await (await import('./actions-wecom.ts')).runWeComActionsBench();
  },
  'actions-slack': async () => (await import('./actions.ts')).runActionsBench(),
  'actions-feishu': async () => (await import('./actions-feishu.ts')).runFeishuActionsBench(),
  'actions-wecom': async () => (await import('./actions-wecom.ts')).runWeComActionsBench(),
  notify: async () => (await import('./notify.ts')).runNotifyBench(),
  detect: async () => (await import('./detect.ts')).runDetectBench(),
  startup: async () => (await import('./startup.ts')).runStartupBench(),
};

const wanted = argv.slice(2).filter((a) => !a.startsWith('-'));
// With no name every benchmark runs once (the per-platform click benches are inside `actions`).
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES).filter((n) => !n.startsWith('actions-'));
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  await bench();
}
