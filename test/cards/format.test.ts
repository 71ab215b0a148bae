import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAge, formatDuration, formatMoney, formatTime, maskAddress, maskPhone, redactText, statusLabel } from '../../cards/format.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { CANONICAL_STATUSES } from '../../src/core/status.ts';

test('maskPhone keeps the country code and the last 4 digits', () => {
  assert.equal(maskPhone('+86 13812345678'), '+86 138****5678');
  assert.equal(maskPhone('+8613812345678'), '+86 138****5678');
  assert.equal(maskPhone('008613812345678'), '+86 138****5678');
  assert.equal(maskPhone('+86 138-1234-5678'), '+86 138****5678');
  assert.equal(maskPhone('13812345678'), '138****5678');
  assert.equal(maskPhone('+34 612 345 678'), '+34 *****5678');
  assert.equal(maskPhone('+1 (415) 555-0134'), '+1 415***0134');
  assert.equal(maskPhone('+852 9123 4567'), '+852 ****4567');
  assert.equal(maskPhone('1234'), '****');
  for (const p of ['+86 13812345678', '+34 612345678', '+1 4155550134']) assert.ok(!maskPhone(p).includes(p.replace(/\D/g, '').slice(-8)), p);
});

test('maskAddress keeps only the city or region', () => {
  assert.equal(maskAddress('广东省深圳市南山区科技园路 1 号'), '广东省深圳市****');
  assert.equal(maskAddress('上海市浦东新区世纪大道 100 号'), '上海市****');
  assert.equal(maskAddress('Calle Mayor 12, 3ºB, 28013 Madrid, España'), '****, 28013 Madrid, España');
  assert.equal(maskAddress('221B Baker Street, London'), '****, London');
  assert.ok(!maskAddress('1600 Amphitheatre Parkway').includes('Amphitheatre'));
  assert.equal(maskAddress('  '), '');
});

test('redactText masks phone numbers inside free text and leaves order ids alone', () => {
  assert.equal(redactText('bad row: phone +86 13812345678 for A10000001'), 'bad row: phone +86 138****5678 for A10000001');
  assert.equal(redactText('call 13912345678 now'), 'call 139****5678 now');
  assert.equal(redactText('order 20260601123456 failed'), 'order 20260601123456 failed');
});

test('times are formatted in the given zone (UTC by default), whatever the host zone', () => {
  const at = Date.UTC(2026, 5, 1, 6, 5);
  assert.equal(formatTime(at, 'en'), 'Jun 1, 2026, 06:05');
  assert.equal(formatTime(at, 'en', 'Asia/Shanghai'), 'Jun 1, 2026, 14:05');
  assert.equal(formatTime(at, 'zh-CN', 'Asia/Shanghai'), '2026年6月1日 14:05');
  assert.equal(formatTime(at, 'es', 'Europe/Madrid'), '1 jun 2026, 08:05');
});

test('money, durations and ages are localized', () => {
  assert.equal(formatMoney(1299.5, 'CNY', 'zh-CN'), '¥1,299.50');
  assert.equal(formatMoney(1299.5, 'eur', 'es').replace(/\s/g, ' '), '1299,50 €', 'Intl puts a no-break space before the sign');
  assert.equal(formatMoney(null, 'CNY', 'en'), '—');
  assert.equal(formatMoney(12, 'points', 'en'), '12 points');
  assert.equal(formatMoney(12, null, 'en'), '12');
  assert.equal(formatDuration(850, 'en'), '850ms');
  assert.equal(formatDuration(1840, 'en'), '1.8s');
  assert.equal(formatDuration(125_000, 'en'), '2m 5s');
  assert.equal(formatAge(3 * 3_600_000 + 20 * 60_000, 'en'), '3h 20m');
  assert.equal(formatAge(2 * 86_400_000 + 3_600_000 * 3 + 59_000, 'zh-CN'), '2天 3小时');
  assert.equal(formatAge(-5, 'en'), '0m');
});

test('every canonical status has a card label in every language', () => {
  for (const lang of SUPPORTED_LANGUAGES) {
    const t = getT(lang, 'cards');
    for (const s of CANONICAL_STATUSES) assert.notEqual(statusLabel(t, s), `status.${s}`, `${lang} ${s}`);
  }
  assert.equal(statusLabel(getT('zh-CN', 'bot'), 'in_transit'), '运输中');
  assert.equal(statusLabel(getT('es', 'cards'), 'exception'), 'Incidencia');
});
