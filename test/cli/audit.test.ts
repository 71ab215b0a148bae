import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSilentLogger } from '../../src/core/logger.ts';
import { createApp } from '../../src/main.ts';
import { Db } from '../../src/store/db.ts';
import { tempDir } from '../helpers/temp.ts';

const BIN = new URL('../../bin/orderops.js', import.meta.url).pathname;
const run = promisify(execFile);

test('`orderops audit verify` passes on the chain the app wrote and names the first tampered row', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  const app = await createApp({ dataDir, env: {}, port: 0, host: '127.0.0.1', log: createSilentLogger(), demo: 'off' });
  await app.start();
  // What staff type and click goes through the hub, which appends it to the audit log.
  const respond = { reply: async () => undefined, ephemeral: async () => undefined };
  const who = { platform: 'console', userId: 'alice' };
  const place = { platform: 'console', channelId: 'ops' };
  await app.hub.handle({ kind: 'command', dedupeKey: 'c1', actor: who, place, name: 'status', args: [], text: '', raw: null }, respond);
  await app.hub.handle({ kind: 'command', dedupeKey: 'c2', actor: who, place, name: 'help', args: [], text: '', raw: null }, respond);
  await app.hub.handle({ kind: 'action', dedupeKey: 'a1', actor: who, place, actionId: 'status.refresh', value: '', raw: null }, respond);
  await app.hub.handle({ kind: 'command', dedupeKey: 'c2', actor: who, place, name: 'help', args: [], text: '', raw: null }, respond);
  await app.stop();

  const env = { ...process.env, ORDEROPS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ORDEROPS_LANG: 'en' };
  const ok = await run(process.execPath, [BIN, 'audit', 'verify'], { env });
  assert.match(ok.stdout, /intact: 3 rows/);

  const db = await Db.open(join(dataDir, 'orderops.db'));
  const rows = await db.all<{ id: number }>('SELECT id FROM audit ORDER BY id');
  await db.run("UPDATE audit SET action = 'rejected' WHERE id = ?", [rows[1]?.id ?? 0]);
  await db.close();
  const bad = await run(process.execPath, [BIN, 'audit', 'verify'], { env }).then(
    () => assert.fail('tampering must fail the check'),
    (e: { code: number; stdout: string }) => e,
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, new RegExp(`\\b${rows[1]?.id ?? -1}\\b`));
});
