// The demo shop's price trouble end to end: the demo ERP records some orders 10 % below what the customer paid;
// the real sync and price detector turn that into a price task; approving "apply" writes the paid amount to the
// demo ERP through its price endpoint (the http-json source's pushPrice), the ERP is pulled again and the price
// finding resolves: what `npm start` shows a person trying the product.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSilentLogger } from '../../src/core/logger.ts';
import { misrecorded } from '../../src/demo/world.ts';
import { createApp } from '../../src/main.ts';
import { tempDir } from '../helpers/temp.ts';
import { eventually, writeSettings } from './world.ts';

test('demo price trouble → price task → approve "apply" → the demo ERP has the paid amount and the finding resolves', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  writeSettings(dataDir, (s) => ({ ...s, language: 'en' }));
  const app = await createApp({ dataDir, env: {}, port: 0, host: '127.0.0.1', log: createSilentLogger(), demo: 'on' });
  t.after(() => app.stop());
  await app.start();
  const world = app.demo?.world;
  assert.ok(world, 'the demo shop runs');

  const runs = await app.engine.runAll({ trigger: 'test' });
  assert.ok(runs.every((r) => r.status === 'ok'), JSON.stringify(runs.map((r) => [r.source, r.error])));
  await app.domain.detect.scan();
  await app.domain.detect.idle();
  const troubled = [...world.orders()].filter((o) => o.trouble?.kind === 'price');
  assert.ok(troubled.length > 0, 'the demo has price trouble among its first orders');
  const tasks = await app.domain.tasks.list('all', 'nobody', 1000);
  const task = tasks.find((x) => x.kind === 'price' && troubled.some((o) => o.orderId === x.orderId));
  assert.ok(task, `a price task for one of ${troubled.map((o) => o.orderId).join(', ')}; tasks: ${tasks.map((x) => `${x.kind}:${x.orderId}`).join(', ')}`);
  const order = troubled.find((o) => o.orderId === task.orderId);
  assert.ok(order);
  assert.equal(world.erp(order)?.state.amount, misrecorded(order.amount), 'the ERP has the wrong amount before');
  assert.equal(task.suggested, 'apply');

  // Two different approvers: four-eyes applies above tasks.fourEyesAmount, one is enough below it.
  await app.domain.tasks.approve(task.id, { key: 'console:ana', name: 'Ana', role: 'approver' });
  if ((await app.domain.tasks.get(task.id))?.state === 'open') await app.domain.tasks.approve(task.id, { key: 'console:bo', name: 'Bo', role: 'admin' });
  const done = await eventually('the price task executed', async () => {
    const x = await app.domain.tasks.get(task.id);
    return x?.state === 'done' || x?.state === 'failed' ? x : undefined;
  });
  assert.equal(done.state, 'done', done.error ?? '');
  assert.equal(world.erp(order)?.state.amount, order.amount, 'the paid amount was written to the demo ERP');
  const erpAmount = (await app.store.queries.order(order.orderId))?.snapshots.find((s) => s.system === 'erp')?.amount;
  assert.equal(erpAmount, order.amount, 'the ERP was pulled again: our view has the corrected amount');

  await app.domain.detect.scan();
  await app.domain.detect.idle();
  const open = await app.store.findings.open({ kind: 'price', orderId: order.orderId });
  assert.equal(open.length, 0, 'the price finding resolved');
});
