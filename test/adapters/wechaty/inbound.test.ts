// Reading staff texts (pure): reply codes, commands, the bot's @mention, code letters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReplyCode, slotLetters, SLOTS_PER_PLACE } from '../../../src/adapters/wechaty/codes.ts';
import { parseStaffText, stripSelfMention } from '../../../src/adapters/wechaty/inbound.ts';

test('reply codes: case, "回复"/"reply"/"responde" prefixes, fullwidth and trailing punctuation are tolerated', () => {
  for (const text of ['A1', 'a1', ' a1 ', '回复 A1', '回复A1', '回复：a1', 'reply A1', 'Responde a1.', 'Ａ１', 'A1。']) {
    assert.deepEqual(parseReplyCode(text), { code: 'A1', slot: 'A', index: 1 }, text);
  }
  assert.deepEqual(parseReplyCode('bc12'), { code: 'BC12', slot: 'BC', index: 12 });
  for (const text of ['A', '1', 'A0', 'A123', 'ABC1', 'order A1', 'A10023', 'A1 please', '/A1']) assert.equal(parseReplyCode(text), undefined, text);
});

test('staff text: codes anywhere, commands when said to the bot or with "/", chatter in a room is nobody\'s', () => {
  assert.deepEqual(parseStaffText('/order A1', true), { kind: 'command', name: 'order', args: ['A1'], text: 'A1' });
  assert.deepEqual(parseStaffText('order A1', true), { kind: 'command', name: 'order', args: ['A1'], text: 'A1' });
  assert.deepEqual(parseStaffText('／Order  A1 "two words"', false), { kind: 'command', name: 'order', args: ['A1', 'two words'], text: 'A1 "two words"' });
  assert.deepEqual(parseStaffText('reject T12 customer changed mind', true), { kind: 'command', name: 'reject', args: ['T12', 'customer', 'changed', 'mind'], text: 'T12 customer changed mind' });
  assert.deepEqual(parseStaffText('', true), { kind: 'command', name: 'help', args: [], text: '' });
  assert.deepEqual(parseStaffText('/', false), { kind: 'command', name: 'help', args: [], text: '' });
  assert.deepEqual(parseStaffText('b2', false), { kind: 'code', code: { code: 'B2', slot: 'B', index: 2 } });
  assert.deepEqual(parseStaffText('order A1 is late again', false), { kind: 'none' });
});

test('mentions: only the bot\'s own "@name" (and room alias) is taken out; others stay', () => {
  assert.deepEqual(stripSelfMention('@OrderOps Bot\u2005/order A1', ['OrderOps Bot']), { text: '/order A1', mentioned: true });
  assert.deepEqual(stripSelfMention('@运营助手 order A1', ['OrderOps Bot', '运营助手']), { text: 'order A1', mentioned: true });
  assert.deepEqual(stripSelfMention('@Alice\u2005look at A1', ['OrderOps Bot']), { text: '@Alice\u2005look at A1', mentioned: false });
  assert.deepEqual(stripSelfMention('@OrderOps Bot', ['OrderOps Bot']), { text: '', mentioned: true });
  assert.deepEqual(stripSelfMention('mail@OrderOps Botany', ['OrderOps Bot']), { text: 'mail@OrderOps Botany', mentioned: false });
});

test('code letters: A…Z without I and O, then AA…ZZ, wrapping after the last', () => {
  assert.deepEqual([0, 1, 7, 8, 13, 23].map(slotLetters), ['A', 'B', 'H', 'J', 'P', 'Z']);
  assert.deepEqual([24, 25, 47, 48, SLOTS_PER_PLACE - 1].map(slotLetters), ['AA', 'AB', 'AZ', 'BA', 'ZZ']);
  assert.equal(slotLetters(SLOTS_PER_PLACE), 'A');
  const all = new Set(Array.from({ length: SLOTS_PER_PLACE }, (_, i) => slotLetters(i)));
  assert.equal(all.size, SLOTS_PER_PLACE);
  assert.ok([...all].every((s) => !/[IO]/.test(s)));
});
