// The renderer: 2.0 cards with update_multi, header colour by severity, callback buttons carrying our value
// object and no `tag: "action"`; and cards far over every limit still render within 30 KB and 200 components,
// marked with "…" in the card's language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderedButtons, renderFeishuCard, renderFeishuText } from '../../../src/adapters/feishu/render.ts';
import { card, type Card } from '../../../src/core/card.ts';
import { validateFeishuCard } from '../../fakes/feishu-card.ts';

test('a card renders as 2.0 with update_multi, coloured header, fields, table, hr and callback buttons', () => {
  const c = card()
    .header('Order A1 is stuck', 'danger')
    .text('Order **A1** <b>waits</b>')
    .fields([{ label: 'ERP', value: 'paid' }, { label: 'WMS', value: 'packed' }, { label: 'Shop', value: '' }])
    .table(['system', 'status'], [['erp', 'paid'], ['wms', 'packed']])
    .divider()
    .context('checked 10:00')
    .actions([{ actionId: 'task.approve', label: 'Approve', value: 'A1', style: 'primary', confirm: { title: 'Sure?', text: 'Approve A1', confirm: 'Yes', deny: 'No' } }])
    .build();
  const out = renderFeishuCard(c);
  assert.equal(out.schema, '2.0');
  assert.equal(out.config.update_multi, true);
  assert.equal(out.header?.template, 'red');
  assert.equal(out.header?.title.content, 'Order A1 is stuck');
  const json = JSON.stringify(out);
  assert.ok(!json.includes('"tag":"action"'));
  assert.ok(json.includes('&#60;b&#62;'), 'angle brackets cannot open Feishu tags');
  assert.deepEqual(renderedButtons(out), [{ label: 'Approve', value: { action: 'task.approve', value: 'A1' } }]);
  assert.ok(json.includes('"tag":"table"') && json.includes('"tag":"hr"') && json.includes('"tag":"column_set"'));
  const verdict = validateFeishuCard(out);
  assert.ok(verdict.ok, JSON.stringify(verdict));
  assert.equal(renderFeishuCard({ ...c, header: { title: 'x', severity: 'warning' } }).header?.template, 'orange');
  assert.equal(renderFeishuCard({ ...c, header: { title: 'x', severity: 'success' } }).header?.template, 'green');
  assert.equal(renderFeishuCard({ ...c, header: { title: 'x' } }).header?.template, 'blue');
});

function huge(language: string): Card {
  const b = card().header('大促 '.repeat(200), 'warning');
  for (let i = 0; i < 120; i++) b.text(`第 ${i} 段：${'订单状态异常，需要人工处理。'.repeat(60)}`);
  b.fields(Array.from({ length: 40 }, (_v, i) => ({ label: `字段${i}`, value: '值'.repeat(300) })));
  b.table(['订单', '状态', '备注'], Array.from({ length: 2000 }, (_v, i) => [`A${i}`, '已付款', '备注'.repeat(80)]));
  for (let i = 0; i < 300; i++) b.divider();
  b.actions(Array.from({ length: 60 }, (_v, i) => ({ actionId: 'order.refresh', label: `刷新 ${i} ${'x'.repeat(100)}`, value: `A${i}` })));
  return { ...b.build(), language };
}

test('a card far over every limit stays within 30 KB and 200 components, keeps its buttons and says what is missing', () => {
  for (const language of ['zh-CN', 'en', 'es']) {
    const out = renderFeishuCard(huge(language));
    const verdict = validateFeishuCard(out);
    assert.ok(verdict.ok, `${language}: ${JSON.stringify(verdict)}`);
    assert.ok(verdict.bytes <= 30 * 1024 && verdict.elements <= 200);
    const json = JSON.stringify(out);
    assert.ok(json.includes('…'));
    assert.equal(renderedButtons(out).length, 20, 'buttons are kept first, up to 20');
    const marks = { 'zh-CN': '未显示', en: 'not shown', es: 'sin mostrar' }[language] ?? '';
    assert.ok(json.includes(marks), `${language}: the omission note is in the card's language`);
  }
});

test('many small components: the 200 limit counts nested ones', () => {
  const b = card();
  for (let i = 0; i < 250; i++) b.fields([{ label: `a${i}`, value: 'x' }, { label: `b${i}`, value: 'y' }]);
  const verdict = validateFeishuCard(renderFeishuCard(b.build()));
  assert.ok(verdict.ok && verdict.elements <= 200, JSON.stringify(verdict));
});

test('a card with more than five tables: five table components, the rest as markdown tables', () => {
  const b = card();
  for (let i = 0; i < 7; i++) b.table(['order', 'note'], [[`A${i}`, 'a|b']]);
  const out = renderFeishuCard(b.build());
  const verdict = validateFeishuCard(out);
  assert.ok(verdict.ok, JSON.stringify(verdict));
  assert.equal(out.body.elements.filter((e) => e.tag === 'table').length, 5);
  const md = out.body.elements.filter((e) => e.tag === 'markdown').map((e) => String(e.content));
  assert.equal(md.length, 2);
  assert.ok(md[0]?.startsWith('| order | note |') && md[0].includes('| A5 | a&#124;b |'), md[0]);
});

test('plain text renders as a header-less card; an empty card still has a body', () => {
  const out = renderFeishuText('Order **A1** is packed');
  assert.equal(out.header, undefined);
  assert.deepEqual(out.body.elements, [{ tag: 'markdown', content: 'Order **A1** is packed' }]);
  assert.ok(validateFeishuCard(renderFeishuCard({ elements: [], fallbackText: '' })).ok);
});
