// Start-up benchmark: `orderops --help` and `orderops status` as a user runs them (the real CLI in a child process),
// the median of 5 each, beside plain `node -e ""` and node with the tsx loader in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/orderops.js', import.meta.url).pathname;
const RUNS = 5;

function medianMs(args: string[], env: Record<string, string>): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(RUNS / 2)] ?? NaN);
}

/** Runs the start-up benchmark and prints its figures. */
export async function runStartupBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'orderops-bench-startup-'));
  try {
    const env = { ORDEROPS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ORDEROPS_LANG: 'en' };
    // The first status creates and migrates the database: not what a user waits for on later calls.
    spawnSync(process.execPath, [BIN, 'status'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const node = medianMs(['-e', ''], env);
    const tsx = medianMs(['--import', 'tsx', '-e', ''], env);
    const help = medianMs([BIN, '--help'], env);
    const status = medianMs([BIN, 'status'], env);
    console.log(`startup: --help ${help} ms, status ${status} ms (median of ${RUNS}); plain node ${node} ms, node + tsx ${tsx} ms`);
    console.log(JSON.stringify({ bench: 'startup', help_ms: help, status_ms: status, node_ms: node, tsx_ms: tsx, help_vs_node: Math.round((help / node) * 10) / 10, status_vs_node: Math.round((status / node) * 10) / 10 }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
