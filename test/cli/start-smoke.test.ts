import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/temp.ts';

const BIN = new URL('../../bin/orderops.js', import.meta.url).pathname;
const run = promisify(execFile);

interface Health {
  status: string;
  version: string;
  sources: { source: string; lastRun: { status: string } | null }[];
  chat: { platforms: string[]; waitingCards: Record<string, number> };
  audit: { keyed: boolean };
}

test('`orderops start` boots on embedded defaults, shows a banner, syncs the demo shop, and stops cleanly', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  const env = { ...process.env, ORDEROPS_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', ORDEROPS_LANG: 'en' };
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /HTTP server\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1] && out.includes('Ctrl+C')) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${String(code)}: ${out}`)));
  });
  assert.match(out, /Demo shop\s+http:\/\/127\.0\.0\.1:\d+/);
  assert.match(out, /Sources\s+erp, wms, storefront/);

  let health: Health | undefined;
  for (let i = 0; i < 100; i++) {
    health = (await (await fetch(`${url}/healthz`)).json()) as Health;
    if (health.sources.length === 3 && health.sources.every((s) => s.lastRun?.status === 'ok')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(health);
  assert.deepEqual(health.sources.map((s) => [s.source, s.lastRun?.status]), [['erp', 'ok'], ['wms', 'ok'], ['storefront', 'ok']]);
  assert.deepEqual(health.chat, { platforms: ['console'], waitingCards: {} });
  assert.deepEqual(health.audit, { keyed: false }, 'healthz says the audit log is unkeyed');
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /orderops_records_synced_total\{source="erp"\} [1-9]/);

  const status = await run(process.execPath, [BIN, 'status', '--lang', 'en'], { env });
  assert.match(status.stdout, /Canonical view/);
  assert.match(status.stdout, /Total\s+[1-9]\d*/);
  const order = await run(process.execPath, [BIN, 'order', '1001', '--lang', 'zh-CN'], { env });
  assert.match(order.stdout, /订单 1001/);
  assert.match(order.stdout, /erp\s/);
  assert.match(order.stdout, /storefront\s/);

  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('`orderops sync` prints a summary table; unknown sources and bad settings are one clear line', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  const env = { ...process.env, ORDEROPS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ORDEROPS_LANG: 'en' };
  const sync = await run(process.execPath, [BIN, 'sync'], { env });
  assert.match(sync.stdout, /Source\s+Run\s+Result\s+Fetched/);
  assert.match(sync.stdout, /^erp\s+\d+\s+ok\s+[1-9]/m);
  assert.match(sync.stdout, /^storefront\s+\d+\s+ok\s+[1-9]/m);
  const bad = await run(process.execPath, [BIN, 'sync', 'nope'], { env }).then(
    () => assert.fail('should fail'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^Error: No source named "nope"\. Known: erp, wms, storefront\.$/m);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${dataDir}/settings.json`, JSON.stringify({ version: 1, mappings: {}, sources: [{ name: 'x', kind: 'http-json', mapping: ['m'] }] }));
  const invalid = await run(process.execPath, [BIN, 'status'], { env }).then(
    () => assert.fail('should fail'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /sources\[0\]\.mapping\[0\]: no mapping set "m"/);
  assert.doesNotMatch(invalid.stderr, /at .*\.ts:\d+/, 'no stack trace');
});
