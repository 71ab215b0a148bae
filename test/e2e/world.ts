// End-to-end helpers: the real app on the demo shop, a real disagreement made in the demo ERP, found by the real
// detector and turned into a task by the real task service (which posts its card through the real hub).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { App } from '../../src/main.ts';
import { ERP_VOCABULARY } from '../../src/demo/erp-api.ts';
import { DEMO_ENV } from '../../src/demo/settings.ts';
import type { CanonicalStatus } from '../../src/core/status.ts';
import type { Settings } from '../../src/settings/schema.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import type { Task } from '../../src/tasks/types.ts';

/** Writes `<dataDir>/settings.json`: the shipped defaults, mismatches reported at once (no grace), then `patch`. */
export function writeSettings(dataDir: string, patch: (s: Settings) => Settings = (s) => s): Settings {
  const base = readDefaultSettings();
  const settings = patch({ ...base, detect: { ...base.detect, mismatchGraceMinutes: 0 } });
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2));
  return settings;
}

/** What `breakOrder` did. */
export interface BrokenOrder {
  orderId: string;
  /** The ERP's canonical status before it was (wrongly) set to cancelled. */
  erpBefore: CanonicalStatus;
  /** The open mismatch task the detector made. */
  task: Task;
}

/** The demo ERP's current canonical status of an order. */
export function demoErpStatus(app: App, orderId: string): CanonicalStatus | undefined {
  const world = app.demo?.world;
  const order = world?.findOrder(orderId);
  const raw = order ? world?.erp(order)?.state.status : undefined;
  return raw === undefined ? undefined : ERP_VOCABULARY[raw];
}

/** POSTs to the demo ERP's status endpoint (what an ERP operator or our push does). */
export async function setDemoErpStatus(app: App, orderId: string, raw: string): Promise<void> {
  const demo = app.demo;
  assert.ok(demo, 'the demo shop runs');
  const res = await fetch(`${demo.baseUrl}/erp/api/orders/${encodeURIComponent(orderId)}/status`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.env[DEMO_ENV.erpToken] ?? ''}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: raw }),
  });
  assert.equal(res.status < 300, true, `demo ERP answered ${res.status}: ${await res.text()}`);
}

/**
 * Someone cancels in the ERP an order the WMS has already shipped: the next sync sees it, the mismatch detector
 * (grace 0) reports it, and the task service opens a task and posts its card. Returns that task.
 */
export async function breakOrder(app: App, exclude: readonly string[] = []): Promise<BrokenOrder> {
  const runs = await app.engine.runAll({ trigger: 'test' });
  assert.ok(runs.every((r) => r.status === 'ok'), JSON.stringify(runs.map((r) => [r.source, r.status, r.error])));
  const candidates = await app.store.db.all<{ order_id: string; erp: CanonicalStatus }>(
    `SELECT w.order_id, e.status AS erp FROM snapshots w JOIN snapshots e ON e.order_id = w.order_id AND e.system = 'erp'
     WHERE w.system = 'wms' AND w.status IN ('shipped', 'in_transit', 'out_for_delivery', 'delivered', 'completed')
       AND e.status NOT IN ('cancelled', 'refunded') ORDER BY w.order_id`,
  );
  const open = new Set((await app.domain.tasks.list('all', 'nobody', 1000)).map((t) => t.orderId));
  const pick = candidates.find((c) => !exclude.includes(c.order_id) && !open.has(c.order_id));
  assert.ok(pick, `no shipped order without a task among ${candidates.length}`);
  await setDemoErpStatus(app, pick.order_id, '交易关闭');
  const again = await app.engine.runAll({ trigger: 'test' });
  assert.ok(again.every((r) => r.status === 'ok'));
  await app.domain.detect.scan();
  await app.domain.detect.idle();
  const task = (await app.domain.tasks.list('all', 'nobody', 1000)).find((t) => t.kind === 'mismatch' && t.orderId === pick.order_id);
  assert.ok(task, `the detector made no mismatch task for order ${pick.order_id}`);
  assert.equal(task.state, 'open');
  return { orderId: pick.order_id, erpBefore: pick.erp, task };
}

/** Polls `check` until it returns a value other than undefined/false (fails with `what` after `ms`). */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Rows of a task's history, oldest first. */
export async function historyOf(app: App, taskId: number): Promise<{ action: string; actor: string | null }[]> {
  return app.store.db.all('SELECT action, actor FROM task_history WHERE task_id = ? ORDER BY id', [taskId]);
}
