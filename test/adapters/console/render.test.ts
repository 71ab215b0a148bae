import { test } from 'node:test';
import assert from 'node:assert/strict';
import { card } from '../../../src/core/card.ts';
import { parseConsoleMarkdown, renderConsoleBody, renderConsoleCard } from '../../../src/adapters/console/render.ts';
import { XSS_TEXT } from './harness.ts';

test('the markdown subset becomes inline runs; everything else stays literal text', () => {
  assert.deepEqual(parseConsoleMarkdown('Order **A1** is `shipped`, see [tracking](https://example.com/t?a=1&b=2)\nnext line'), [
    { kind: 'text', text: 'Order ' },
    { kind: 'bold', text: 'A1' },
    { kind: 'text', text: ' is ' },
    { kind: 'code', text: 'shipped' },
    { kind: 'text', text: ', see ' },
    { kind: 'link', text: 'tracking', href: 'https://example.com/t?a=1&b=2' },
    { kind: 'break' },
    { kind: 'text', text: 'next line' },
  ]);
  assert.deepEqual(parseConsoleMarkdown('2 * 3 ** 4 and a lone ` tick'), [{ kind: 'text', text: '2 * 3 ** 4 and a lone ` tick' }]);
});

test('only absolute http(s) links survive; javascript:, data: and relative links stay text', () => {
  for (const bad of ['[x](javascript:alert(1))', '[x](data:text/html,hi)', '[x](/relative)', '[x](JAVASCRIPT:alert(1))', '[x](http//nope)']) {
    assert.deepEqual(parseConsoleMarkdown(bad), [{ kind: 'text', text: bad }], bad);
  }
  assert.deepEqual(parseConsoleMarkdown('[x](HTTP://Example.COM/a)'), [{ kind: 'link', text: 'x', href: 'http://example.com/a' }]);
});

test('HTML in any card text is carried as plain text, never as markup', () => {
  const view = renderConsoleCard(
    card()
      .header(XSS_TEXT, 'danger')
      .text(XSS_TEXT)
      .fields([{ label: XSS_TEXT, value: XSS_TEXT }])
      .table([XSS_TEXT], [[XSS_TEXT]])
      .actions([{ actionId: 'a', label: XSS_TEXT, value: 'v' }])
      .build(),
  );
  assert.equal(view.header?.title, XSS_TEXT);
  assert.deepEqual(view.blocks[0], { type: 'text', inlines: [{ kind: 'text', text: XSS_TEXT }] });
  assert.deepEqual(view.blocks[1], { type: 'fields', fields: [{ label: XSS_TEXT, value: [{ kind: 'text', text: XSS_TEXT }] }] });
  assert.deepEqual(view.blocks[2], { type: 'table', columns: [XSS_TEXT], rows: [[XSS_TEXT]] });
  const actions = view.blocks[3];
  assert.ok(actions?.type === 'actions');
  assert.equal(actions.buttons[0]?.label, XSS_TEXT);
});

test('every element kind renders: severity, fields, short table rows padded, list, context, divider, button styles and confirm', () => {
  const view = renderConsoleCard(
    card()
      .header('Stuck orders', 'warning')
      .list(['**A1** paid 30h', 'B2'])
      .table(['Order', 'Status'], [['A1'], ['B2', 'paid', 'extra']])
      .divider()
      .context('updated `now`')
      .actions([
        { actionId: 'task.approve', label: 'Approve', value: 'T1', style: 'primary' },
        { actionId: 'task.reject', label: 'Reject', value: 'T1', style: 'danger', confirm: { title: 'Sure?', text: 'Reject T1', confirm: 'Reject', deny: 'Back' } },
        { actionId: 'task.later', label: 'Later', value: 'T1' },
      ])
      .build(),
  );
  assert.deepEqual(view.header, { title: 'Stuck orders', severity: 'warning' });
  assert.deepEqual(view.blocks.map((b) => b.type), ['list', 'table', 'divider', 'context', 'actions']);
  assert.deepEqual(view.blocks[1], { type: 'table', columns: ['Order', 'Status'], rows: [['A1', ''], ['B2', 'paid']] });
  const actions = view.blocks[4];
  assert.ok(actions?.type === 'actions');
  assert.deepEqual(actions.buttons.map((b) => b.style), ['primary', 'danger', 'default']);
  assert.equal(actions.buttons[1]?.confirm?.deny, 'Back');
  assert.equal(view.fallbackText, 'Stuck orders');
  assert.deepEqual(renderConsoleBody('plain **text**'), { kind: 'text', inlines: [{ kind: 'text', text: 'plain ' }, { kind: 'bold', text: 'text' }] });
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(view)));
});
