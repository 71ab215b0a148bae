// A keyed, anchored audit chain: trimming the newest rows or re-hashing the whole chain no longer passes verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { anchorFileOf, AuditAnchors, readAnchors } from '../../src/audit/anchors.ts';
import { formatAuditVerify, verifyAuditFile } from '../../src/audit/cli.ts';
import { hashAuditRow } from '../../src/audit/hash.ts';
import { AuditLog } from '../../src/audit/log.ts';
import { verifyAudit } from '../../src/audit/verify.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { getT } from '../../src/core/i18n.ts';
import type { Db } from '../../src/store/db.ts';
import { tempStore } from '../helpers/temp.ts';

const KEY = 'audit-key-for-tests-0123456789';

async function keyedLog(t: import('node:test').TestContext, rows: number) {
  const { store, dir } = await tempStore(t);
  const clock = new ManualClock(Date.UTC(2026, 11, 8));
  const file = anchorFileOf(join(dir, 'test.db'));
  const anchors = new AuditAnchors(store.db, file, clock, KEY, { everyRows: 10, everyMs: 60_000 });
  // The anchor writer is driven by hand after each append (what touch() schedules), so the anchored ids are exact.
  const log = new AuditLog(store.db, clock, { key: KEY });
  for (let i = 0; i < rows; i++) {
    await log.append({ actor: `a:u${i % 3}`, type: 'click', subject: `task:${i % 4}`, action: 'approve', data: { i } });
    await anchors.anchorIfDue(false);
  }
  await anchors.close();
  return { store, dir, file, clock };
}

/** Re-hashes every row from `fromId` on, the way a forger without the key would (plain sha256, keyed flag cleared). */
async function rehash(db: Db, fromId: number): Promise<void> {
  const rows = await db.all<{ id: number; at: number; actor: string | null; type: string; subject: string; action: string; data: string; prev_hash: string }>('SELECT * FROM audit WHERE id >= ? ORDER BY id', [fromId]);
  let prev = rows[0]?.prev_hash ?? '';
  for (const r of rows) {
    const hash = hashAuditRow(prev, { id: r.id, at: r.at, actor: r.actor, type: r.type, subject: r.subject, action: r.action, data: JSON.parse(r.data) as unknown });
    await db.run('UPDATE audit SET prev_hash = ?, hash = ?, keyed = 0 WHERE id = ?', [prev, hash, r.id]);
    prev = hash;
  }
}

test('rows are keyed with ORDEROPS_AUDIT_KEY and the head is anchored every N rows and on close', async (t) => {
  const { store, file } = await keyedLog(t, 25);
  const { anchors, badLines } = readAnchors(file, KEY);
  assert.deepEqual(badLines, []);
  assert.deepEqual(anchors.map((a) => a.id), [1, 11, 21, 25]);
  assert.deepEqual(await verifyAudit(store.db, { key: KEY, anchorFile: file }), { ok: true, rows: 25, keyed: 25, anchors: 4 });
  assert.deepEqual(await verifyAudit(store.db, { anchorFile: file }), { ok: false, rows: 0, firstBadId: 1, reason: 'key' }, 'keyed rows need the key');
  assert.equal((await verifyAudit(store.db, { key: 'another-key', anchorFile: file })).ok, false);
});

test('deleting the newest rows is caught by the last anchor', async (t) => {
  const { store, file } = await keyedLog(t, 25);
  await store.db.run('DELETE FROM audit WHERE id > 22');
  assert.deepEqual(await verifyAudit(store.db, { key: KEY, anchorFile: file }), { ok: false, rows: 22, firstBadId: 23, reason: 'trimmed' });
});

test('re-hashing the chain without the key fails: as a downgrade after keyed rows, or against the anchors when every row is re-hashed', async (t) => {
  const { store, file } = await keyedLog(t, 25);
  await store.db.run("UPDATE audit SET data = json_set(data, '$.i', 999) WHERE id = 15");
  await rehash(store.db, 15);
  assert.deepEqual(await verifyAudit(store.db, { key: KEY, anchorFile: file }), { ok: false, rows: 14, firstBadId: 15, reason: 'downgrade' });
  await rehash(store.db, 1);
  assert.deepEqual(await verifyAudit(store.db, { key: KEY, anchorFile: file }), { ok: false, rows: 0, firstBadId: 1, reason: 'anchor' }, 'the first anchor (row 1) no longer matches');
});

test('an unkeyed chain re-hashed from an edited row is caught by the anchor after the last one it still matches', async (t) => {
  const { store, dir } = await tempStore(t);
  const clock = new ManualClock(Date.UTC(2026, 11, 8));
  const file = anchorFileOf(join(dir, 'test.db'));
  const anchors = new AuditAnchors(store.db, file, clock, undefined, { everyRows: 10, everyMs: 60_000 });
  const log = new AuditLog(store.db, clock);
  for (let i = 0; i < 30; i++) {
    await log.append({ actor: null, type: 'transition', subject: 'task:1', action: 'x', data: { i } });
    await anchors.anchorIfDue(false);
  }
  await anchors.close();
  assert.deepEqual(await verifyAudit(store.db, { anchorFile: file }), { ok: true, rows: 30, anchors: 4 });
  await store.db.run("UPDATE audit SET actor = 'a:someone' WHERE id = 17");
  await rehash(store.db, 17);
  assert.deepEqual(await verifyAudit(store.db), { ok: true, rows: 30 }, 'without anchors a full re-hash passes: why they exist');
  assert.deepEqual(await verifyAudit(store.db, { anchorFile: file }), { ok: false, rows: 11, firstBadId: 12, reason: 'anchor' }, 'rows 1–11 still match their anchors');
  const text = formatAuditVerify(await verifyAuditFile(join(dir, 'test.db')), getT('en')).text;
  assert.match(text, /tampered with at row 12 \(the chain no longer matches the anchor written after it\)/);
});

test('an edited anchor file is reported, and verify says when the log is unkeyed or has no anchor yet', async (t) => {
  const { dir, file } = await keyedLog(t, 12);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  writeFileSync(file, `${lines.map((l, i) => (i === 1 ? l.replace(/"id":\d+/, '"id":5') : l)).join('\n')}\n`);
  const r = await verifyAuditFile(join(dir, 'test.db'), KEY);
  assert.equal(formatAuditVerify(r, getT('en')).exitCode, 1);
  assert.match(formatAuditVerify(r, getT('en')).text, /anchors file altered/);

  const { store: plain } = await tempStore(t);
  await new AuditLog(plain.db, new ManualClock()).append({ actor: null, type: 'x', subject: 's', action: 'a' });
  const out = formatAuditVerify(await verifyAudit(plain.db, { anchorFile: join(dir, 'none.anchors') }), getT('zh-CN')).text;
  assert.match(out, /未加密钥/);
  assert.match(out, /尚未写入任何锚点/);
});

test('with the anchors wired into the log, appends schedule anchoring of the committed head by themselves', async (t) => {
  const { store, dir } = await tempStore(t);
  const clock = new ManualClock(Date.UTC(2026, 11, 8));
  const file = anchorFileOf(join(dir, 'test.db'));
  const anchors = new AuditAnchors(store.db, file, clock, KEY, { everyRows: 5, everyMs: 60_000 });
  const log = new AuditLog(store.db, clock, { key: KEY, anchors });
  await Promise.all(Array.from({ length: 12 }, (_v, i) => log.append({ actor: null, type: 'x', subject: 's', action: 'a', data: { i } })));
  for (let i = 0; i < 200 && readAnchors(file, KEY).anchors.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  await anchors.close();
  const written = readAnchors(file, KEY).anchors;
  assert.ok(written.length >= 2, `the first head and the final one at least (${written.length})`);
  assert.equal(written.at(-1)?.id, 12, 'close anchors the last committed row');
  assert.deepEqual(await verifyAudit(store.db, { key: KEY, anchorFile: file }), { ok: true, rows: 12, keyed: 12, anchors: written.length });
});
