import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeButtonKey } from '../../../src/adapters/wecom/button-key.ts';
import { renderWeComCard, renderWeComText } from '../../../src/adapters/wecom/render.ts';
import { card, type CardButton } from '../../../src/core/card.ts';
import { validateTemplateCard } from '../../fakes/wecom-cards.ts';

const OPTS = { taskId: 'oo_test_1', cardUrl: 'https://orderops.example/console' };
const buttons = (n: number): CardButton[] => Array.from({ length: n }, (_v, i) => ({ actionId: `task.choice${i}`, label: `Choice ${i}`, value: `T${i}` }));

function valid(c: unknown): void {
  const v = validateTemplateCard(c);
  assert.deepEqual([...v.problems, ...(v.taskIdProblem ? [v.taskIdProblem] : [])], []);
}

test('a card with buttons is a button_interaction card whose keys carry action and value', () => {
  const c = card().header('Order A1 stuck', 'warning').text('Paid **2 days** ago, not shipped.').actions([
    { actionId: 'task.approve', label: 'Approve', value: 'T12', style: 'primary' },
    { actionId: 'task.approve', label: 'Approve', value: 'T12', style: 'danger' },
  ]).build();
  const { card: r, stored } = renderWeComCard(c, OPTS);
  valid(r);
  assert.equal(r.card_type, 'button_interaction');
  assert.equal(r.task_id, 'oo_test_1');
  assert.equal(r.main_title.title, 'Order A1 stuck');
  assert.equal(r.sub_title_text, 'Paid 2 days ago, not shipped.');
  assert.deepEqual(r.source, { desc: 'orderops · warning', desc_color: 2 });
  assert.deepEqual(r.button_list?.map((b) => b.style), [1, 3]);
  assert.notEqual(r.button_list?.[0]?.key, r.button_list?.[1]?.key, 'keys are unique in the card even for equal buttons');
  assert.deepEqual(decodeButtonKey(r.button_list?.[0]?.key ?? ''), { actionId: 'task.approve', value: 'T12' });
  assert.deepEqual(stored, {});
});

test('more than 6 buttons: 6 kept and a localized "more actions" line', () => {
  for (const [lang, pattern] of [['en', /2 more actions: open the orderops console, or reply \/tasks/], ['zh-CN', /另有 2 个操作/], ['es', /2 acciones más/]] as const) {
    const c = { ...card().header('Bulk').text('Pick one').actions(buttons(8)).build(), language: lang };
    const { card: r } = renderWeComCard(c, OPTS);
    valid(r);
    assert.equal(r.button_list?.length, 6);
    assert.match(r.quote_area?.quote_text ?? '', pattern);
  }
  assert.equal(renderWeComCard(card().header('Six').actions(buttons(6)).build(), OPTS).card.quote_area, undefined, 'six fit: no line');
});

test('a value too long for a 1024-byte key is hashed and its meaning returned for storage', () => {
  const value = 'x'.repeat(1500);
  const { card: r, stored } = renderWeComCard(card().header('Long').actions([{ actionId: 'order.note', label: 'Note', value }]).build(), OPTS);
  valid(r);
  const key = r.button_list?.[0]?.key ?? '';
  assert.ok(Buffer.byteLength(key) <= 1024);
  assert.deepEqual(decodeButtonKey(key), { stored: key });
  assert.deepEqual(stored[key], { actionId: 'order.note', value });
  const tilde = renderWeComCard(card().header('T').actions([{ actionId: 'odd~id', label: 'x', value: 'v' }]).build(), OPTS);
  assert.deepEqual(Object.values(tilde.stored), [{ actionId: 'odd~id', value: 'v' }]);
});

test('task_id rules are the fake\'s: charset and 128 bytes, checked', () => {
  const c = card().header('x').actions(buttons(1)).build();
  assert.ok(validateTemplateCard(renderWeComCard(c, { ...OPTS, taskId: 'a'.repeat(129) }).card).taskIdProblem);
  assert.ok(validateTemplateCard(renderWeComCard(c, { ...OPTS, taskId: 'bad id!' }).card).taskIdProblem);
  assert.equal(validateTemplateCard(renderWeComCard(c, { ...OPTS, taskId: `A-_@${'9'.repeat(124)}` }).card).taskIdProblem, undefined);
});

test('long texts are cut with "…" to every documented limit; long labels move into the text', () => {
  const long = '很长的标题'.repeat(20);
  const c = card()
    .header(long, 'danger')
    .context('c'.repeat(100))
    .text('t'.repeat(200))
    .fields([
      { label: '状态', value: 'v'.repeat(80) },
      { label: 'Warehouse', value: 'packed' },
      ...Array.from({ length: 8 }, (_v, i) => ({ label: `k${i}`, value: `v${i}` })),
    ])
    .table(['system', 'status'], Array.from({ length: 60 }, (_v, i) => [`sys${i}`, 'shipped']))
    .list(['one', 'two'])
    .actions(buttons(2).map((b) => ({ ...b, label: 'A very long button label' })))
    .build();
  const { card: r } = renderWeComCard(c, OPTS);
  valid(r);
  assert.equal([...r.main_title.title].length, 36);
  assert.ok(r.main_title.title.endsWith('…'));
  assert.equal(r.horizontal_content_list?.length, 6);
  assert.ok(r.horizontal_content_list?.[0]?.value.endsWith('…'));
  assert.match(r.quote_area?.quote_text ?? '', /Warehouse: packed/);
  assert.ok((r.quote_area?.quote_text ?? '').endsWith('…'));
  assert.equal(r.button_list?.[0]?.text, 'A very lo…');
  assert.deepEqual(r.source, { desc: 'orderops · urgent', desc_color: 2 });
});

test('a card without buttons is a text_notice that opens the console; plain text fits 2048 bytes', () => {
  const { card: r } = renderWeComCard(card().header('Sync done', 'success').text('12 orders').build(), OPTS);
  valid(r);
  assert.equal(r.card_type, 'text_notice');
  assert.deepEqual(r.card_action, { type: 1, url: OPTS.cardUrl });
  assert.equal(r.button_list, undefined);
  const text = renderWeComText(`**Done** with [the run](https://x.example) ${'字'.repeat(1000)}`);
  assert.ok(Buffer.byteLength(text) <= 2048);
  assert.ok(text.startsWith('Done with the run (https://x.example)'));
  assert.equal(renderWeComText('  '), '…');
});
