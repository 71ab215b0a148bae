// Benchmark runner: `npm run bench` runs every benchmark, `npm run bench -- sync` runs one.
import { argv } from 'node:process';

const BENCHES: Record<string, () => Promise<unknown>> = {
  sync: async () => (await import('./sync.ts')).runSyncBench(),
  actions: async () => (await import('./actions.ts')).runActionsBench(),
  notify: async () => (await import('./notify.ts')).runNotifyBench(),
  detect: async () => (await import('./detect.ts')).runDetectBench(),
};

const wanted = argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  await bench();
}
