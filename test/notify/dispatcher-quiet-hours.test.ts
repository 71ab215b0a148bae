import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyReply } from '../../src/notify/opt-out.ts';
import { channelChain, preferredChannel } from '../../src/notify/prefs.ts';
import { isValidTimeZone, quietHoursAt, zoneOffsetMinutes } from '../../src/notify/quiet-hours.ts';
import { DEFAULT_NOTIFY_SETTINGS, parseNotifySettings } from '../../src/notify/settings.ts';

const QH = DEFAULT_NOTIFY_SETTINGS.quietHours;

test('quiet hours are read in the customer zone and end at the local end time', () => {
  // 2026-06-01 22:30 in Shanghai (UTC+8) = 14:30 UTC.
  assert.deepEqual(quietHoursAt(Date.UTC(2026, 5, 1, 14, 30), 'Asia/Shanghai', QH), { quiet: true, until: Date.UTC(2026, 5, 2, 0) });
  // The same instant is 16:30 in Madrid and 10:30 in New York: not quiet.
  assert.deepEqual(quietHoursAt(Date.UTC(2026, 5, 1, 14, 30), 'Europe/Madrid', QH), { quiet: false });
  assert.deepEqual(quietHoursAt(Date.UTC(2026, 5, 1, 14, 30), 'America/New_York', QH), { quiet: false });
  // 07:59:30 local is quiet until 08:00 local; 08:00 is not quiet; 21:00 is.
  assert.deepEqual(quietHoursAt(Date.UTC(2026, 5, 1, 23, 59, 30), 'Asia/Shanghai', QH), { quiet: true, until: Date.UTC(2026, 5, 2, 0) });
  assert.deepEqual(quietHoursAt(Date.UTC(2026, 5, 2, 0), 'Asia/Shanghai', QH), { quiet: false });
  assert.equal(quietHoursAt(Date.UTC(2026, 5, 1, 13), 'Asia/Shanghai', QH).quiet, true);
  assert.deepEqual(quietHoursAt(Date.UTC(2026, 5, 1, 13), 'Asia/Shanghai', { ...QH, enabled: false }), { quiet: false });
});

test('a window that does not span midnight, and a DST change inside the wait', () => {
  const lunch = { ...QH, start: '12:00', end: '14:00' };
  assert.deepEqual(quietHoursAt(Date.UTC(2026, 5, 1, 4, 15), 'Asia/Shanghai', lunch), { quiet: true, until: Date.UTC(2026, 5, 1, 6) });
  assert.deepEqual(quietHoursAt(Date.UTC(2026, 5, 1, 6), 'Asia/Shanghai', lunch), { quiet: false });
  // New York springs forward at 02:00 on 2026-03-08: 23:00 EST (04:00 UTC) waits until 08:00 EDT = 12:00 UTC.
  assert.deepEqual(quietHoursAt(Date.UTC(2026, 2, 8, 4), 'America/New_York', QH), { quiet: true, until: Date.UTC(2026, 2, 8, 12) });
  assert.equal(zoneOffsetMinutes(Date.UTC(2026, 2, 8, 4), 'America/New_York'), -300);
  assert.equal(zoneOffsetMinutes(Date.UTC(2026, 2, 8, 12), 'America/New_York'), -240);
  assert.equal(isValidTimeZone('Mars/Olympus'), false);
  assert.equal(isValidTimeZone('Atlantic/Canary'), true);
});

test('opt-out keywords: whole reply only, any case, full-width and a closing mark allowed', () => {
  for (const text of ['TD', ' td ', 'Stop', 'STOP!', '退订', '退订。', 'baja', 'ＴＤ']) assert.equal(classifyReply(text), 'opt_out', text);
  for (const text of ['START', 'start', '订阅']) assert.equal(classifyReply(text), 'opt_in', text);
  for (const text of ['TD?', 'please stop', 'stopped', '不要退订', '1', '']) assert.equal(classifyReply(text), undefined, text);
});

test('the channel chain: own order, else preferred then defaults; blocked channels removed', () => {
  const defaults = DEFAULT_NOTIFY_SETTINGS.defaultChain;
  assert.deepEqual(channelChain(undefined, 'sms', [], defaults), ['sms', 'wechat_template', 'wechaty', 'email', 'console']);
  assert.deepEqual(channelChain(['email', 'sms'], 'sms', [], defaults), ['email', 'sms']);
  assert.deepEqual(channelChain(undefined, undefined, ['wechat_template'], defaults), ['wechaty', 'sms', 'email', 'console']);
  assert.equal(preferredChannel(' WeChat '), 'wechat_template');
  assert.equal(preferredChannel('pigeon'), undefined);
});

test('settings parse with defaults and reject nonsense', () => {
  const s = parseNotifySettings({ quietHours: { start: '22:00' }, rateLimits: { sms: { perSecond: 5, burst: 5 } } });
  assert.equal(s.quietHours.end, '08:00');
  assert.deepEqual(s.rateLimits, { sms: { perSecond: 5, burst: 5 } });
  assert.throws(() => parseNotifySettings({ quietHours: { start: '25:00' } }));
  assert.throws(() => parseNotifySettings({ defaultChain: ['pigeon'] }));
});
