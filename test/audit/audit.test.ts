import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { formatAuditVerify, verifyAuditFile } from '../../src/audit/cli.ts';
import { clickEntry, commandEntry } from '../../src/audit/entries.ts';
import { canonicalJson, GENESIS_HASH, hashAuditRow } from '../../src/audit/hash.ts';
import { AuditLog } from '../../src/audit/log.ts';
import { verifyAudit } from '../../src/audit/verify.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { getT } from '../../src/core/i18n.ts';
import { tempStore } from '../helpers/temp.ts';

test('canonical JSON sorts keys at every level and the row hash chains from the previous one', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  const row = { id: 1, at: 5, actor: 'a:x', type: 'click', subject: 's', action: 'a', data: { k: 1 } };
  assert.equal(hashAuditRow(GENESIS_HASH, row), hashAuditRow(GENESIS_HASH, { ...row, data: { k: 1 } }));
  assert.notEqual(hashAuditRow(GENESIS_HASH, row), hashAuditRow('1'.repeat(64), row));
});

test('verify passes on an intact chain (concurrent appends included) and reports the first edited row', async (t) => {
  const { store, dir } = await tempStore(t);
  const clock = new ManualClock();
  const log = new AuditLog(store.db, clock);
  await Promise.all(Array.from({ length: 200 }, (_v, i) => log.append({ actor: `a:u${i % 7}`, type: 'click', subject: `task:${i % 5}`, action: 'approve', data: { i } })));
  assert.deepEqual(await verifyAudit(store.db), { ok: true, rows: 200 });
  const ids = await store.db.all<{ id: number; prev_hash: string }>('SELECT id, prev_hash FROM audit ORDER BY id');
  assert.deepEqual(ids.map((r) => r.id), Array.from({ length: 200 }, (_v, i) => i + 1), 'no fork, no gap');

  await store.db.run("UPDATE audit SET data = json_set(data, '$.i', 999) WHERE id = 137");
  assert.deepEqual(await verifyAudit(store.db), { ok: false, rows: 136, firstBadId: 137, reason: 'hash' });
  const cli = await verifyAuditFile(join(dir, 'test.db'));
  assert.deepEqual(formatAuditVerify(cli, getT('en')), { text: 'Audit log tampered with at row 137 (its content does not match its hash); the 136 rows before it are intact.', exitCode: 1 });
  assert.match(formatAuditVerify(cli, getT('zh-CN')).text, /第 137 行被篡改/);
});

test('verify catches a re-hashed row (broken link), a deleted row (gap) and an edited actor', async (t) => {
  const { store } = await tempStore(t);
  const log = new AuditLog(store.db, new ManualClock());
  for (let i = 0; i < 10; i++) await log.append({ actor: 'a:u', type: 'command', subject: '/approve', action: 'run', data: { i } });
  assert.equal(formatAuditVerify(await verifyAudit(store.db), getT('en')).text, 'Audit log intact: 10 rows verified. The log is unkeyed: set ORDEROPS_AUDIT_KEY so that nobody without the key can re-hash it.');

  // A forger who recomputes the edited row's hash still breaks the next row's link.
  const row = await store.db.get<{ id: number; at: number; actor: string; type: string; subject: string; action: string; data: string; prev_hash: string }>('SELECT * FROM audit WHERE id = 4');
  assert.ok(row);
  const forged = hashAuditRow(row.prev_hash, { id: 4, at: row.at, actor: 'a:someone-else', type: row.type, subject: row.subject, action: row.action, data: JSON.parse(row.data) as unknown });
  await store.db.run("UPDATE audit SET actor = 'a:someone-else', hash = ? WHERE id = 4", [forged]);
  assert.deepEqual(await verifyAudit(store.db), { ok: false, rows: 4, firstBadId: 5, reason: 'link' });

  const { store: other } = await tempStore(t);
  const log2 = new AuditLog(other.db, new ManualClock());
  for (let i = 0; i < 5; i++) await log2.append({ actor: null, type: 'transition', subject: 'task:1', action: 'x' });
  await other.db.run('DELETE FROM audit WHERE id = 3');
  assert.deepEqual(await verifyAudit(other.db), { ok: false, rows: 2, firstBadId: 3, reason: 'gap' });
  await other.db.run("UPDATE audit SET actor = 'a:x' WHERE id = 1");
  assert.deepEqual(await verifyAudit(other.db), { ok: false, rows: 0, firstBadId: 1, reason: 'hash' });
});

test('command and click entries name the actor, the place and the arguments', () => {
  const cmd = commandEntry({ kind: 'command', dedupeKey: 'k', actor: { platform: 'slack', userId: 'U1' }, place: { platform: 'slack', channelId: 'C1' }, name: '/Approve', args: ['T3'], text: 'T3', raw: null }, 7);
  assert.deepEqual(cmd, { at: 7, actor: 'slack:U1', type: 'command', subject: '/approve', action: 'run', data: { args: ['T3'], place: 'slack:C1' } });
  const c = clickEntry({ kind: 'action', dedupeKey: 'k', actor: { platform: 'console', userId: 'wang' }, place: { platform: 'console', channelId: 'ops' }, actionId: 'task.approve', value: '3', raw: null }, 8);
  assert.equal(c.subject, 'task.approve');
  assert.equal(c.actor, 'console:wang');
});
