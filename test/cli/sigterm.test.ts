// SIGTERM in the middle of the first sync of a large demo shop: `orderops start` drains within 10 s and exits 0, the
// stopped runs are "interrupted" (no false "source down"), and nothing is lost or repeated: a later sync completes,
// no event is written twice, the audit chain holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { Db } from '../../src/store/db.ts';
import { tempDir } from '../helpers/temp.ts';

const BIN = new URL('../../bin/orderops.js', import.meta.url).pathname;

async function eventsIn(file: string): Promise<number> {
  try {
    const db = await Db.open(file, { readonly: true });
    try {
      return (await db.get<{ n: number }>('SELECT count(*) AS n FROM events'))?.n ?? 0;
    } finally {
      await db.close();
    }
  } catch {
    return 0; // not created yet
  }
}

test('SIGTERM mid-sync: drained within 10 s, exit 0, runs interrupted not failed; the next sync adds nothing twice', { timeout: 120_000 }, async (t) => {
  const dataDir = tempDir(t);
  const file = join(dataDir, 'orderops.db');
  const settings = readDefaultSettings();
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ ...settings, demo: { ...settings.demo, orders: 6000 } }));
  const env = { ...process.env, ORDEROPS_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', ORDEROPS_LANG: 'en' };
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Wait until the first pages are committed: the sync is under way.
  for (const end = Date.now() + 60_000; (await eventsIn(file)) === 0; ) {
    if (Date.now() > end) throw new Error('the first sync committed nothing within 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const sent = Date.now();
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  const ms = Date.now() - sent;
  assert.ok(ms < 10_000, `drained in ${ms} ms`);

  const db = await Db.open(file, { readonly: true });
  const runs = await db.all<{ status: string }>('SELECT status FROM runs ORDER BY id');
  const down = await db.get<{ n: number }>("SELECT count(*) AS n FROM findings WHERE kind = 'source_down'");
  await db.close();
  assert.ok(runs.some((r) => r.status === 'interrupted'), `a run was stopped mid-way: ${JSON.stringify(runs)}`);
  assert.ok(!runs.some((r) => r.status === 'failed' || r.status === 'running'), JSON.stringify(runs));
  assert.equal(down?.n, 0, 'no "source down" for our own shutdown');

  const quiet = { ...env, LOG_LEVEL: 'silent' };
  const again = spawnSync(process.execPath, [BIN, 'sync'], { env: quiet, encoding: 'utf8' });
  assert.equal(again.status, 0, again.stdout + again.stderr);
  const verify = spawnSync(process.execPath, [BIN, 'audit', 'verify'], { env: quiet, encoding: 'utf8' });
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  const check = await Db.open(file, { readonly: true });
  t.after(() => check.close());
  const dup = await check.get<{ n: number }>('SELECT count(*) AS n FROM (SELECT order_id, system, from_status, to_status, at FROM events GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1)');
  assert.equal(dup?.n, 0, 'no event written twice');
});
