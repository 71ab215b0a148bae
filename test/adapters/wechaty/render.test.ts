// The WeChat text renderer (pure): every element as readable lines, reply lines in the card's language, the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderWechatyCard, renderWechatyText } from '../../../src/adapters/wechaty/render.ts';
import { WECHATY_MAX_MESSAGE_CHARS, WECHATY_MAX_TEXT_PARTS } from '../../../src/adapters/wechaty/limits.ts';
import { charLength, lowerFirstWord } from '../../../src/adapters/wechaty/text.ts';
import { card, type Card } from '../../../src/core/card.ts';

const LABELS = {
  'zh-CN': { approve: '批准', reject: '拒绝', note: '不会改动任何系统。' },
  en: { approve: 'Approve', reject: 'Reject', note: 'Nothing changes in any system.' },
  es: { approve: 'Aprobar', reject: 'Rechazar', note: 'No cambia nada en ningún sistema.' },
} as const;

function sample(language: keyof typeof LABELS): Card {
  const l = LABELS[language];
  return {
    ...card()
      .header('Order A1 is late', 'danger')
      .text('Order **A1** (`SO-1`), see [details](https://shop.test/a1) or [this](javascript:alert)\nsecond line')
      .fields([{ label: 'Status', value: 'shipped' }])
      .list(['one', 'two'])
      .table(['System', 'Status'], [['erp', 'paid']])
      .divider()
      .context('Seen 5 min ago')
      .actions([
        { actionId: 'task.approve', label: l.approve, value: 'T1' },
        { actionId: 'task.reject', label: l.reject, value: 'T1', confirm: { title: '?', text: l.note, confirm: 'y', deny: 'n' } },
      ])
      .build(),
    language,
  };
}

const BODY = ['Order A1 (SO-1), see details (https://shop.test/a1) or [this](javascript:alert)', 'second line'];
const TAIL = ['• one', '• two', 'System | Status', 'erp | paid', '──────────', 'Seen 5 min ago', ''];

test('render: zh-CN / en / es reply lines, localized field separator and "updated" marker', () => {
  assert.equal(
    renderWechatyCard(sample('zh-CN'), { cardNo: 12, slot: 'A', revised: false }).text,
    ['🚨 [#12] Order A1 is late', ...BODY, 'Status：shipped', ...TAIL, '回复 A1 批准', '回复 A2 拒绝（⚠ 不会改动任何系统。）'].join('\n'),
  );
  assert.equal(
    renderWechatyCard(sample('en'), { cardNo: 12, slot: 'A', revised: true }).text,
    ['🚨 [#12 · updated] Order A1 is late', ...BODY, 'Status: shipped', ...TAIL, 'reply A1 to approve', 'reply A2 to reject (⚠ Nothing changes in any system.)'].join('\n'),
  );
  assert.equal(
    renderWechatyCard(sample('es'), { cardNo: 3, slot: 'BC', revised: true }).text,
    ['🚨 [#3 · actualizada] Order A1 is late', ...BODY, 'Status: shipped', ...TAIL, 'responde BC1 para aprobar', 'responde BC2 para rechazar (⚠ No cambia nada en ningún sistema.)'].join('\n'),
  );
  const { buttons } = renderWechatyCard(sample('en'), { cardNo: 12, slot: 'A', revised: false });
  assert.deepEqual(buttons, [
    { code: 'A1', actionId: 'task.approve', value: 'T1' },
    { code: 'A2', actionId: 'task.reject', value: 'T1' },
  ]);
});

test('render: severity marks, a card without header or buttons, a card without a language reads English', () => {
  const marks = (['info', 'success', 'warning', 'danger'] as const).map((s) => renderWechatyCard(card().header('x', s).build(), { cardNo: 1, slot: undefined, revised: false }).text);
  assert.deepEqual(marks, ['ℹ️ [#1] x', '✅ [#1] x', '⚠️ [#1] x', '🚨 [#1] x']);
  assert.deepEqual(renderWechatyCard(card().text('just text').build(), { cardNo: 4, slot: undefined, revised: false }), { text: '[#4]\njust text', buttons: [] });
  const bare = card().actions([{ actionId: 'a', label: 'Go', value: 'v' }]).build();
  assert.equal(renderWechatyCard(bare, { cardNo: 5, slot: 'D', revised: false }).text, '[#5]\nreply D1 to go');
});

test('render: a long card stays one message within the limit, keeps header and every reply line, and says what it left out', () => {
  const items = Array.from({ length: 300 }, (_, i) => `order SO-${String(i).padStart(5, '0')} stuck in picking for 3 days at warehouse 华东一仓`);
  const long = { ...card().header('800 orders stuck', 'warning').list(items).actions([{ actionId: 'a', label: 'Approve', value: 'x' }, { actionId: 'b', label: 'Reject', value: 'y' }]).build(), language: 'en' };
  const { text, buttons } = renderWechatyCard(long, { cardNo: 9, slot: 'E', revised: false });
  assert.ok(charLength(text) <= WECHATY_MAX_MESSAGE_CHARS, `within the limit (got ${charLength(text)})`);
  const lines = text.split('\n');
  assert.equal(lines[0], '⚠️ [#9] 800 orders stuck');
  assert.deepEqual(lines.slice(-2), ['reply E1 to approve', 'reply E2 to reject']);
  const shown = lines.filter((l) => l.startsWith('• order')).length;
  assert.ok(shown > 5 && shown < 300);
  assert.equal(lines[shown + 1], `… ${300 - shown} more lines not shown here (see the console or run the command again)`);
  assert.equal(buttons.length, 2);
  // One enormous paragraph: cut with "…" within its line.
  const para = renderWechatyCard(card().text('长'.repeat(5000)).build(), { cardNo: 1, slot: undefined, revised: false }).text;
  assert.ok(charLength(para) <= WECHATY_MAX_MESSAGE_CHARS);
  assert.ok(para.endsWith('…'));
});

test('render: too many buttons print what fits, say how many are left out, and bind only printed codes', () => {
  const buttons = Array.from({ length: 40 }, (_, i) => ({ actionId: `act.${i}`, label: `Choice number ${i} with a long label`, value: String(i) }));
  const r = renderWechatyCard({ ...card().header('Many').actions(buttons).build(), language: 'zh-CN' }, { cardNo: 2, slot: 'F', revised: false });
  assert.ok(charLength(r.text) <= WECHATY_MAX_MESSAGE_CHARS);
  assert.ok(r.buttons.length > 5 && r.buttons.length < 40);
  assert.match(r.text, new RegExp(`…… 还有 ${40 - r.buttons.length} 个选项未显示`));
  assert.deepEqual(r.buttons.at(-1), { code: `F${r.buttons.length}`, actionId: `act.${r.buttons.length - 1}`, value: String(r.buttons.length - 1) });
});

test('render: plain text loses its markdown and is split at lines into at most three messages', () => {
  assert.deepEqual(renderWechatyText('**Done**: `A1` shipped'), ['Done: A1 shipped']);
  assert.deepEqual(renderWechatyText('  '), ['…']);
  const line = 'x'.repeat(99);
  const parts = renderWechatyText(Array.from({ length: 40 }, () => line).join('\n'));
  assert.equal(parts.length, 3);
  assert.ok(parts.every((p) => charLength(p) <= WECHATY_MAX_MESSAGE_CHARS));
  assert.ok(parts.every((p) => p.split('\n').every((l) => l === line)), 'split at line breaks');
  const huge = renderWechatyText(Array.from({ length: 200 }, () => line).join('\n'));
  assert.equal(huge.length, WECHATY_MAX_TEXT_PARTS);
  assert.ok(huge[2]?.endsWith('…'));
  assert.ok(huge.every((p) => charLength(p) <= WECHATY_MAX_MESSAGE_CHARS));
});

test('render: labels read as words after "reply … to" ("Approve" → "approve"; "ERP fallback" and "批准" stay)', () => {
  assert.equal(lowerFirstWord('Approve'), 'approve');
  assert.equal(lowerFirstWord('ERP fallback'), 'ERP fallback');
  assert.equal(lowerFirstWord('批准'), '批准');
  assert.equal(lowerFirstWord('A'), 'A');
});
