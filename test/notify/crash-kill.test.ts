import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CustomerInfo, NormalizedRecord } from '../../src/core/order.ts';
import { enqueueForChanges } from '../../src/notify/outbox.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { Store } from '../../src/store/index.ts';
import { FakeWeChatApi, type FakeDelivery } from '../fakes/wechat-api.ts';
import { tempDir } from '../helpers/temp.ts';

const CHILD = new URL('../fixtures/notify-crash-child.ts', import.meta.url).pathname;
const MESSAGES = 500;
const KILL_AT = 200;
const LEASE_SECONDS = 2;

/** An array that reports every push (the fake pushes a delivery before it answers the sender). */
class Watched<T> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  onPush: ((length: number) => void) | undefined;
  override push(...items: T[]): number {
    const n = super.push(...items);
    this.onPush?.(n);
    return n;
  }
}

/** The fake WeChat API, with a hook on each delivery. */
class WatchedWeChatApi extends FakeWeChatApi {
  override readonly delivered: Watched<FakeDelivery> = new Watched<FakeDelivery>();
}

function runChild(dbFile: string, apiBase: string): { child: ChildProcess; done: Promise<{ out: string; signal: NodeJS.Signals | null; code: number | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbFile, apiBase, '16', String(LEASE_SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  const done = new Promise<{ out: string; signal: NodeJS.Signals | null; code: number | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ out, signal, code }));
  });
  return { child, done };
}

async function seed(dbFile: string): Promise<string[]> {
  const store = await Store.open(dbFile);
  const now = Date.now();
  const records: NormalizedRecord[] = Array.from({ length: MESSAGES }, (_v, i) => {
    const customer: CustomerInfo = { id: `K-C${i}`, name: `客户${i}`, openid: `oCrash${String(i).padStart(22, '0')}`, language: 'zh-CN', timeZone: 'Asia/Shanghai', preferredChannel: 'wechat' };
    return { orderId: `K${i}`, system: 'oms', status: i % 2 === 0 ? 'paid' : 'shipped', rawStatus: 'x', updatedAt: now, customer };
  });
  await store.db.transaction(async () => {
    const result = await store.applyBatch({ runId: 1, source: 'oms', system: 'oms', now, authority: readDefaultSettings().authority, records });
    assert.equal(await enqueueForChanges(store.db, result.canonicalChanges, now), MESSAGES);
  });
  const keys = (await store.db.all<{ key: string }>('SELECT key FROM notify_outbox')).map((r) => r.key);
  await store.close();
  return keys;
}

async function states(dbFile: string): Promise<Record<string, number>> {
  const store = await Store.open(dbFile);
  const rows = await store.db.all<{ state: string; n: number }>('SELECT state, count(*) AS n FROM notify_outbox GROUP BY state');
  await store.close();
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

test('kill -9 mid-send, restarted: every notification delivered exactly once (counted by client_msg_id at the fake)', { timeout: 90_000 }, async (t) => {
  const dbFile = join(tempDir(t), 'notify-crash.db');
  const keys = await seed(dbFile);
  const fake = new WatchedWeChatApi({
    appId: 'wx-crash-test',
    appSecret: 'crash-test-secret-0123456789',
    templates: [{ id: 'TPL_CRASH', fields: { character_string1: 'character_string', thing2: 'thing', time3: 'time' } }],
  });
  await fake.start();
  t.after(() => fake.close());

  const first = runChild(dbFile, fake.url);
  t.after(() => void first.child.kill('SIGKILL'));
  // Killed the moment the fake takes delivery number KILL_AT: that message is delivered, the child never hears back.
  fake.delivered.onPush = (n) => {
    if (n >= KILL_AT && first.child.exitCode === null && !first.child.killed) first.child.kill('SIGKILL');
  };
  const killed = await first.done;
  fake.delivered.onPush = undefined;
  assert.equal(killed.signal, 'SIGKILL');
  assert.doesNotMatch(killed.out, /^done/m);
  const mid = await states(dbFile);
  assert.ok((mid.sending ?? 0) >= 1, `messages were in flight when it died: ${JSON.stringify(mid)}`);
  assert.ok((mid.sent ?? 0) < MESSAGES, 'it died mid-way');

  const second = runChild(dbFile, fake.url);
  t.after(() => void second.child.kill('SIGKILL'));
  const finished = await second.done;
  assert.equal(finished.code, 0, finished.out);
  assert.match(finished.out, /^done \d+$/m);

  const counts = new Map<string, number>();
  for (const d of fake.delivered) counts.set(d.clientMsgId ?? '', (counts.get(d.clientMsgId ?? '') ?? 0) + 1);
  const lost = keys.filter((k) => !counts.has(k));
  const duplicates = [...counts.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
  assert.deepEqual({ lost: lost.length, duplicates, delivered: counts.size }, { lost: 0, duplicates: 0, delivered: MESSAGES });
  assert.ok(fake.sendCalls > MESSAGES, `the messages in flight at the kill were sent again under their keys (${fake.sendCalls} calls)`);
  assert.deepEqual(await states(dbFile), { sent: MESSAGES });
});
