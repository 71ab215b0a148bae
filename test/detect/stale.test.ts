import { test } from 'node:test';
import assert from 'node:assert/strict';
import { businessCutoff, businessTimeBetween, type BusinessHours } from '../../src/detect/business-hours.ts';
import { sourceLookup } from '../../src/detect/detected.ts';
import { scanStale } from '../../src/detect/stale.ts';
import { detectWorld, HOUR, MIN, NOW, openOf } from './helpers.ts';

test('stale: orders past their status’s dwell limit, oldest first, labelled with the source they wait on', async (t) => {
  const w = await detectWorld(t, [{ name: 'wms-main', system: 'wms', fallback: 'wms-backup' }, { name: 'wms-backup', system: 'wms' }, { name: 'erp' }]);
  await w.commit('storefront', [
    { id: 'P1', status: 'paid', hoursAgo: 30 },
    { id: 'P2', status: 'paid', hoursAgo: 2 },
    { id: 'P3', status: 'paid', hoursAgo: 100 },
  ]);
  await w.commit('wms', [
    { id: 'S1', status: 'shipped', hoursAgo: 50 },
    { id: 'S2', status: 'shipped', hoursAgo: 47 },
    { id: 'D1', status: 'delivered', hoursAgo: 500 },
  ]);
  await w.commit('erp', [{ id: 'S3', status: 'shipped', hoursAgo: 60 }]);
  const found = await scanStale(w.store.db, { settings: w.settings, now: NOW, sourceOf: sourceLookup(w.settings) });
  assert.deepEqual(
    found.map((f) => [f.fingerprint, f.source, f.details.status, f.details.limitHours, f.details.system]),
    [
      ['stale:P3', 'wms-main', 'paid', 24, 'wms'],
      ['stale:S3', 'erp', 'shipped', 48, 'erp'],
      ['stale:S1', 'wms-main', 'shipped', 48, 'wms'],
      ['stale:P1', 'wms-main', 'paid', 24, 'wms'],
    ],
    'paid waits on the fulfilment authority (wms, whose primary source is wms-main); a shipped order reported only by erp waits on erp',
  );
  assert.equal(found[0]?.details.since, NOW - 100 * HOUR);
  assert.equal(found[0]?.orderId, 'P3');
});

test('stale findings are raised by the runner and resolve as soon as the order moves on', async (t) => {
  const w = await detectWorld(t, [{ name: 'wms' }]);
  await w.commit('storefront', [{ id: 'P1', status: 'paid', hoursAgo: 30 }, { id: 'P2', status: 'paid', hoursAgo: 40 }]);
  await w.runner.scan();
  assert.deepEqual([...(await openOf(w.store, 'stale')).keys()].sort(), ['stale:P1', 'stale:P2']);
  assert.deepEqual(w.sink.firing().sort(), ['stale:P1', 'stale:P2']);
  // The WMS ships P1: the batch's canonical change resolves its finding at once, without waiting for a scan.
  await w.commit('wms', [{ id: 'P1', status: 'shipped', hoursAgo: 0 }]);
  assert.deepEqual(w.sink.resolved(), ['stale:P1']);
  assert.deepEqual([...(await openOf(w.store, 'stale')).keys()], ['stale:P2']);
  // P2 moves on without the runner hearing about it (e.g. it was down): the next scan resolves it.
  await w.commit('wms', [{ id: 'P2', status: 'shipped', hoursAgo: 0 }], { feed: false });
  await w.runner.scan();
  assert.deepEqual(w.sink.resolved(), ['stale:P1', 'stale:P2']);
  assert.equal((await openOf(w.store, 'stale')).size, 0);
});

const SHANGHAI_OFFICE: BusinessHours = { tz: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };

test('business hours: only opening time counts (an order paid Friday 17:00 is not late on Monday 10:00)', async (t) => {
  // Monday 2026-06-01 10:00 in Shanghai = 02:00 UTC.
  const mondayTen = Date.UTC(2026, 5, 1, 2);
  const fridayFive = Date.UTC(2026, 4, 29, 9); // Friday 17:00 Shanghai
  assert.equal(businessTimeBetween(fridayFive, mondayTen, SHANGHAI_OFFICE), 2 * HOUR);
  const w = await detectWorld(t, [], (s) => {
    s.detect.businessHours = { ...SHANGHAI_OFFICE, days: [...SHANGHAI_OFFICE.days] };
    s.dwellHours = { paid: 4 };
  });
  w.clock.advance(mondayTen - NOW);
  await w.commit('storefront', [
    { id: 'FRI', status: 'paid', hoursAgo: (mondayTen - fridayFive) / HOUR },
    { id: 'THU', status: 'paid', hoursAgo: (mondayTen - fridayFive) / HOUR + 24 },
  ]);
  const found = await scanStale(w.store.db, { settings: w.settings, now: mondayTen, sourceOf: (s) => s });
  assert.deepEqual(found.map((f) => f.orderId), ['THU'], 'FRI has 2 business hours (< 4), THU has 11');
  const wallClock = await scanStale(w.store.db, { settings: { ...w.settings, detect: { ...w.settings.detect, businessHours: null } }, now: mondayTen, sourceOf: (s) => s });
  assert.deepEqual(wallClock.map((f) => f.orderId), ['THU', 'FRI'], 'without the calendar both are late');
});

test('business cutoff is exactly where business time passes the limit (sampled, incl. overnight hours and DST)', () => {
  const calendars: BusinessHours[] = [
    SHANGHAI_OFFICE,
    { tz: 'Europe/Madrid', days: [1, 2, 3, 4, 5, 6], start: '08:30', end: '20:00' },
    { tz: 'America/New_York', days: [1, 2, 3, 4, 5, 6, 7], start: '22:00', end: '06:00' },
  ];
  // Around the March 2026 DST changes, every 7 h 13 min over three weeks.
  for (const hours of calendars) {
    for (let now = Date.UTC(2026, 2, 2); now < Date.UTC(2026, 2, 23); now += 7 * HOUR + 13 * MIN) {
      for (const limitH of [1, 8, 24, 30]) {
        const cutoff = businessCutoff(now, limitH * HOUR, hours);
        assert.ok(Number.isFinite(cutoff));
        assert.equal(businessTimeBetween(cutoff, now, hours), limitH * HOUR, `${hours.tz} ${new Date(now).toISOString()} ${limitH}h`);
        assert.ok(businessTimeBetween(cutoff - MIN, now, hours) >= limitH * HOUR);
      }
    }
  }
});

test('start == end is read as a 24-hour opening on the listed days', async (t) => {
  const w = await detectWorld(t, [], (s) => {
    s.detect.businessHours = { tz: 'UTC', days: [1], start: '09:00', end: '09:00' };
  });
  await w.commit('storefront', [{ id: 'P1', status: 'paid', hoursAgo: 5000 }]);
  // Mondays only, 24 h each: 5000 h back holds about 30 Mondays, so 24 h of business time passed.
  assert.equal((await scanStale(w.store.db, { settings: w.settings, now: NOW, sourceOf: (s) => s })).length, 1);
  // NOW is Monday 12:00 UTC; the Monday window opened at 09:00, so 10 business hours end 7 h before the previous Monday's window closes (Tuesday 09:00).
  assert.equal(businessCutoff(NOW, 10 * HOUR, { tz: 'UTC', days: [1], start: '09:00', end: '09:00' }), Date.UTC(2026, 4, 26, 2));
});
