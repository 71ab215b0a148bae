import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReply } from '../../src/conversations/parse.ts';
import type { AskTemplate } from '../../src/conversations/types.ts';

// [template, reply, expected choice or 'unclear']
const TABLE: [AskTemplate, string, string][] = [
  ['ask_stock', '1', 'wait'],
  ['ask_stock', ' 2 ', 'switch'],
  ['ask_stock', '３', 'cancel'],
  ['ask_stock', '２。', 'switch'],
  ['ask_stock', '一', 'wait'],
  ['ask_stock', '二', 'switch'],
  ['ask_stock', '三！', 'cancel'],
  ['ask_stock', '我选2', 'switch'],
  ['ask_stock', '第二个', 'switch'],
  ['ask_stock', 'option 3', 'cancel'],
  ['ask_stock', 'Opción 1', 'wait'],
  ['ask_stock', '2!', 'switch'],
  ['ask_stock', 'WAIT', 'wait'],
  ['ask_stock', 'Ｗａｉｔ．', 'wait'],
  ['ask_stock', 'I will wait', 'wait'],
  ['ask_stock', '等', 'wait'],
  ['ask_stock', '等待到货', 'wait'],
  ['ask_stock', 'esperar', 'wait'],
  ['ask_stock', 'switch', 'switch'],
  ['ask_stock', '换', 'switch'],
  ['ask_stock', '我要换', 'switch'],
  ['ask_stock', 'cambiar', 'switch'],
  ['ask_stock', '¡Cambiar!', 'switch'],
  ['ask_stock', 'cancel', 'cancel'],
  ['ask_stock', '取消', 'cancel'],
  ['ask_stock', '取消吧，谢谢', 'cancel'],
  ['ask_stock', 'Cancelar.', 'cancel'],
  ['ask_stock', 'please cancel it', 'cancel'],
  ['ask_stock', '4', 'unclear'],
  ['ask_stock', '12', 'unclear'],
  ['ask_stock', 'yes', 'unclear'],
  ['ask_stock', 'sí', 'unclear'],
  ['ask_stock', '1 or 2', 'unclear'],
  ['ask_stock', "don't cancel", 'unclear'],
  ['ask_stock', '不要等', 'unclear'],
  ['ask_stock', 'hmm?', 'unclear'],
  ['ask_stock', '？？', 'unclear'],
  ['ask_stock', '', 'unclear'],
  ['ask_price', '1', 'accept'],
  ['ask_price', '１', 'accept'],
  ['ask_price', 'yes', 'accept'],
  ['ask_price', 'Yes!', 'accept'],
  ['ask_price', 'sí', 'accept'],
  ['ask_price', 'si', 'accept'],
  ['ask_price', 'Sí.', 'accept'],
  ['ask_price', '是', 'accept'],
  ['ask_price', '好', 'accept'],
  ['ask_price', '好的', 'accept'],
  ['ask_price', 'accept', 'accept'],
  ['ask_price', 'aceptar', 'accept'],
  ['ask_price', 'Acepto', 'accept'],
  ['ask_price', '2', 'decline'],
  ['ask_price', '二', 'decline'],
  ['ask_price', 'no', 'decline'],
  ['ask_price', 'No.', 'decline'],
  ['ask_price', '不', 'decline'],
  ['ask_price', '我不接受', 'decline'],
  ['ask_price', 'decline', 'decline'],
  ['ask_price', 'cancelar', 'decline'],
  ['ask_price', '3', 'unclear'],
  ['ask_price', 'yes no', 'unclear'],
  ['ask_price', 'wait', 'unclear'],
  ['ask_address', '1', 'confirm'],
  ['ask_address', 'yes', 'confirm'],
  ['ask_address', '对', 'confirm'],
  ['ask_address', '2', 'change'],
  ['ask_address', '修改', 'change'],
  ['ask_address', 'cambiar', 'change'],
  ['ask_address', 'no', 'change'],
];

test('replies in zh, en and es: digits (full-width too), Chinese numerals, words; doubtful ones are unclear', () => {
  const wrong: string[] = [];
  for (const [template, reply, expected] of TABLE) {
    const parsed = parseReply(template, reply);
    const got = parsed.kind === 'choice' ? parsed.choice : 'unclear';
    if (got !== expected) wrong.push(`${template} ${JSON.stringify(reply)}: expected ${expected}, got ${got}`);
  }
  assert.deepEqual(wrong, []);
});

test('unclear replies say why', () => {
  assert.deepEqual(parseReply('ask_stock', '  '), { kind: 'unclear', reason: 'empty' });
  assert.deepEqual(parseReply('ask_stock', 'what?'), { kind: 'unclear', reason: 'unknown' });
  assert.deepEqual(parseReply('ask_stock', 'wait or cancel'), { kind: 'unclear', reason: 'ambiguous' });
  assert.deepEqual(parseReply('ask_stock', "don't wait"), { kind: 'unclear', reason: 'negated' });
});
