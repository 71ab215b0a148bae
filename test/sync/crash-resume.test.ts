import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Store } from '../../src/store/index.ts';
import { tempDir } from '../helpers/temp.ts';

const CHILD = new URL('../fixtures/crash-child.ts', import.meta.url).pathname;
const PAGES = 40;
const SIZE = 250;

function runChild(dbFile: string, killAfterCommits?: number): Promise<{ out: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbFile, String(PAGES), String(SIZE), '20'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killAfterCommits !== undefined && (out.match(/^committed/gm) ?? []).length >= killAfterCommits) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ out, signal }));
  });
}

test('kill -9 mid-run loses nothing and duplicates nothing; the next run resumes from the committed cursor', async (t) => {
  const dbFile = join(tempDir(t), 'crash.db');
  const first = await runChild(dbFile, 5);
  assert.equal(first.signal, 'SIGKILL', 'the child was killed mid-run');
  assert.doesNotMatch(first.out, /^done/m);

  const mid = await Store.open(dbFile);
  const cursor = Number(await mid.runs.getCursor('gen'));
  const midTotals = await mid.queries.totals();
  await mid.close();
  assert.ok(cursor >= 5 && cursor < PAGES, `cursor ${cursor} is between the kill and the end`);
  assert.equal(midTotals.snapshots, cursor * SIZE, 'exactly the committed pages are stored: the cursor never runs ahead of the data');

  const second = await runChild(dbFile);
  assert.match(second.out, new RegExp(`^resume-from ${cursor}$`, 'm'), 'resumed from the last committed cursor');
  assert.match(second.out, /^done ok/m);

  const store = await Store.open(dbFile);
  t.after(() => store.close());
  const totals = await store.queries.totals();
  assert.deepEqual(totals, { orders: PAGES * SIZE, snapshots: PAGES * SIZE, events: PAGES * SIZE }, 'every order once, one event each');
  const dup = await store.db.get<{ n: number }>('SELECT count(*) AS n FROM (SELECT order_id FROM events GROUP BY order_id HAVING count(*) > 1)');
  assert.equal(dup?.n, 0);
  const runs = await store.runs.recent(5, 'gen');
  assert.deepEqual(runs.map((r) => r.status), ['ok', 'running'], 'the killed run is left as it was until the next start marks it');
});
