import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskEmail, maskId, maskPhone } from '../../../src/notify/channels/mask.ts';
import { stableMessageId } from '../../../src/notify/channels/message-key.ts';
import { coerceWeChatField, type WeChatFieldType } from '../../../src/notify/channels/wechat-fields.ts';
import { formatWeChatTime, nextShanghaiMidnight } from '../../../src/notify/channels/wechat-time.ts';

const TZ = { timeZone: 'Asia/Shanghai' };
const value = (type: WeChatFieldType, v: string, values?: string[]) => {
  const r = coerceWeChatField(type, v, { ...TZ, values });
  return r.ok ? r.value : null;
};

test('thing: at most 20 characters, longer values truncated with an ellipsis (counted in characters, not bytes)', () => {
  assert.equal(value('thing', '包裹已发出'), '包裹已发出');
  assert.equal(value('thing', 'a'.repeat(20)), 'a'.repeat(20));
  assert.equal(value('thing', 'a'.repeat(21)), `${'a'.repeat(19)}…`);
  assert.equal(value('thing', '😀'.repeat(25)), `${'😀'.repeat(19)}…`);
  assert.equal(value('thing', '   '), null);
});

test('character_string: at most 32 digits, letters or symbols, never Chinese', () => {
  assert.equal(value('character_string', 'SO-2026_06/01#1'), 'SO-2026_06/01#1');
  assert.equal(value('character_string', 'x'.repeat(32)), 'x'.repeat(32));
  assert.equal(value('character_string', 'x'.repeat(33)), null);
  assert.equal(value('character_string', '订单123'), null);
  assert.equal(value('character_string', 'SO 1'), null);
});

test('phrase: at most 5 Chinese characters; name: 10 Chinese or 20 letters', () => {
  assert.equal(value('phrase', '已发货'), '已发货');
  assert.equal(value('phrase', '配送中异常了'), null);
  assert.equal(value('phrase', 'Shipped'), null);
  assert.equal(value('name', '王小明'), '王小明');
  assert.equal(value('name', '阿卜杜·热合曼'), '阿卜杜·热合曼');
  assert.equal(value('name', '王'.repeat(11)), null);
  assert.equal(value('name', "Mary O'Neil"), "Mary O'Neil");
  assert.equal(value('name', 'A'.repeat(21)), null);
  assert.equal(value('name', 'Alice 王'), null);
});

test('amount, number and phone_number formats', () => {
  assert.equal(value('amount', '¥39.80'), '¥39.80');
  assert.equal(value('amount', '39.8元'), '39.8元');
  assert.equal(value('amount', 'CNY 1,234.50'), '¥1234.50');
  assert.equal(value('amount', '12.00 USD'), '$12.00');
  assert.equal(value('amount', '¥12345678901'), null);
  assert.equal(value('amount', 'XYZ 10'), null);
  assert.equal(value('amount', 'ten'), null);
  assert.equal(value('number', '123.45'), '123.45');
  assert.equal(value('number', '-1'), null);
  assert.equal(value('number', '1'.repeat(33)), null);
  assert.equal(value('phone_number', '+86 138 0000 0000'), '+8613800000000');
  assert.equal(value('phone_number', '1'.repeat(18)), null);
  assert.equal(value('phone_number', 'call me'), null);
});

test('time and date: wall-clock text kept, ISO and epoch instants printed in Shanghai time, ranges with ~', () => {
  assert.equal(value('time', '2014年9月22日 12:30'), '2014年9月22日 12:30');
  assert.equal(value('time', '10:00 ~ 12:00'), '10:00~12:00');
  assert.equal(value('time', '2026-06-01 09:15:00'), '2026-06-01 09:15:00');
  assert.equal(value('time', '2026-06-01T02:30:00Z'), '2026-06-01 10:30');
  assert.equal(value('time', String(Date.UTC(2026, 5, 1, 16, 5))), '2026-06-02 00:05');
  assert.equal(value('time', '25:00'), null);
  assert.equal(value('time', 'tomorrow'), null);
  assert.equal(value('date', '2026-06-01'), '2026-06-01');
  assert.equal(value('date', '2026年6月1日'), '2026年6月1日');
  assert.equal(value('date', 'June 1st'), null);
  assert.equal(value('enum', 'b', ['a', 'b']), 'b');
  assert.equal(value('enum', 'c', ['a', 'b']), null);
  assert.equal(value('const', 'fixed'), 'fixed');
});

test('next Shanghai midnight and time formatting', () => {
  assert.equal(nextShanghaiMidnight(Date.UTC(2026, 0, 1, 15, 59, 59)), Date.UTC(2026, 0, 1, 16));
  assert.equal(nextShanghaiMidnight(Date.UTC(2026, 0, 1, 16)), Date.UTC(2026, 0, 2, 16));
  assert.equal(nextShanghaiMidnight(Date.UTC(2025, 11, 31, 23)), Date.UTC(2026, 0, 1, 16));
  assert.equal(formatWeChatTime(Date.UTC(2026, 0, 1), 'Asia/Shanghai'), '2026-01-01 08:00');
  assert.equal(formatWeChatTime(Date.UTC(2026, 0, 1), 'Europe/Madrid', false), '2026-01-01');
});

test('stable message ids and masking', () => {
  assert.equal(stableMessageId('order:SO1:shipped'), 'order:SO1:shipped');
  const long = stableMessageId('k'.repeat(100));
  assert.equal(long, stableMessageId('k'.repeat(100)));
  assert.notEqual(long, stableMessageId('k'.repeat(101)));
  assert.ok(long.length <= 64);
  assert.match(stableMessageId('has space'), /^h-[0-9a-f]{62}$/);
  assert.equal(stableMessageId('k'.repeat(100), 32).length, 32);
  assert.equal(maskPhone('+8613812345678'), '+86138****5678');
  assert.equal(maskPhone('13812345678'), '138****5678');
  assert.equal(maskPhone('12345'), '***45');
  assert.equal(maskEmail('alice@example.com'), 'a***@example.com');
  assert.equal(maskId('oia2TjuEGTNoeX76QEjQNrcURxG8'), 'oia2Tj…');
});
