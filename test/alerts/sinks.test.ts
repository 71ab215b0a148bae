import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fanOut, findingOf, perFinding } from '../../src/alerts/sinks.ts';
import type { AlertChanges } from '../../src/alerts/types.ts';
import type { Finding } from '../../src/core/order.ts';
import { alert, staleAlert } from './helpers.ts';

test('fanOut hands each batch to every sink in order; perFinding turns it into per-finding calls (for tasks)', async () => {
  const seen: string[] = [];
  const fired: Finding[] = [];
  const first = { ingest: async (c: AlertChanges) => void seen.push(`pipeline:${c.firing.length}/${c.resolved.length}`) };
  const second = perFinding({ fired: async (f) => void fired.push(f), resolved: async (fp) => void seen.push(`resolved:${fp}`) });
  await fanOut(first, second).ingest({ firing: [staleAlert('A1', 30), alert('price', 'P1', { amounts: [], deviationPercent: 9 })], resolved: ['stock:K1:wms'] });
  assert.deepEqual(seen, ['pipeline:2/1', 'resolved:stock:K1:wms']);
  assert.deepEqual(fired.map((f) => [f.kind, f.fingerprint, f.source, f.orderId]), [['stale', 'stale:A1', 'wms', 'A1'], ['price', 'price:P1', 'wms', 'P1']]);
  assert.deepEqual(fired[1]?.details, { amounts: [], deviationPercent: 9 });
  assert.deepEqual(findingOf({ ...staleAlert('A2', 1), details: 'not json' }).details, {});
});
