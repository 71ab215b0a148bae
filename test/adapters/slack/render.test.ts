import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeActionId } from '../../../src/adapters/slack/action-id.ts';
import { toMrkdwn } from '../../../src/adapters/slack/mrkdwn.ts';
import { renderedButtons, renderSlackCard, renderSlackText, type SlackMessage } from '../../../src/adapters/slack/render.ts';
import { card, type CardButton } from '../../../src/core/card.ts';
import { validateBlocks } from '../../fakes/slack-blocks.ts';
import { startSlackHarness } from '../../fakes/slack-harness.ts';

type Json = Record<string, unknown>;
const texts = (m: SlackMessage): string[] =>
  m.blocks.flatMap((b) => {
    const o = b as unknown as Json;
    if (o.type === 'section' && o.text) return [(o.text as Json).text as string];
    if (o.type === 'context') return (o.elements as Json[]).map((e) => e.text as string);
    return [];
  });

test('golden: a small card renders to exactly this Block Kit', () => {
  const c = card()
    .header('Order A1 is late', 'danger')
    .text('Paid **¥88.50** — see [the order](https://shop.test/o?id=A1&x=1)')
    .fields([{ label: 'ERP', value: 'shipped' }, { label: 'WMS', value: '' }])
    .divider()
    .context('synced `2 min` ago')
    .actions([
      { actionId: 'order.refresh', label: 'Refresh', value: 'A1' },
      { actionId: 'task.approve', label: 'Approve', value: 'A1', style: 'primary', confirm: { title: 'Sure?', text: 'Refund ¥88.50', confirm: 'Yes', deny: 'No' } },
    ])
    .fallback('A1 is late')
    .build();
  assert.deepEqual(renderSlackCard(c), {
    text: 'A1 is late',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: ':rotating_light: Order A1 is late', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Paid *¥88.50* — see <https://shop.test/o?id=A1&amp;x=1|the order>' } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*ERP*\nshipped' }, { type: 'mrkdwn', text: '*WMS*\n—' }] },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'synced `2 min` ago' }] },
      {
        type: 'actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Refresh', emoji: true }, action_id: 'order.refresh#0', value: 'A1' },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Approve', emoji: true },
            action_id: 'task.approve#1',
            value: 'A1',
            style: 'primary',
            confirm: {
              title: { type: 'plain_text', text: 'Sure?', emoji: true },
              text: { type: 'plain_text', text: 'Refund ¥88.50', emoji: true },
              confirm: { type: 'plain_text', text: 'Yes', emoji: true },
              deny: { type: 'plain_text', text: 'No', emoji: true },
            },
          },
        ],
      },
    ],
  });
});

test('markdown subset → mrkdwn, user text escaped, non-http links left as text', () => {
  assert.equal(toMrkdwn('**bold** `a<b>` [x](https://e.test/?a=1&b=2) <script> & co'), '*bold* `a&lt;b&gt;` <https://e.test/?a=1&amp;b=2|x> &lt;script&gt; &amp; co');
  assert.equal(toMrkdwn('[evil](javascript:alert(1))'), '[evil](javascript:alert(1))');
  assert.equal(toMrkdwn('**[A1](https://e.test/a|b)**'), '*<https://e.test/a%7Cb|A1>*');
  assert.deepEqual(renderSlackText('1 < 2 & **ok**'), { text: '1 &lt; 2 &amp; *ok*', blocks: [] });
});

test('severity shows as a header emoji; fallback text is always set', () => {
  const header = (s: 'info' | 'success' | 'warning' | 'danger') => ((renderSlackCard(card().header('T', s).build()).blocks[0] as unknown as Json).text as Json).text;
  assert.deepEqual(['info', 'success', 'warning', 'danger'].map((s) => header(s as 'info')), [':information_source: T', ':white_check_mark: T', ':warning: T', ':rotating_light: T']);
  assert.equal(renderSlackCard({ elements: [], fallbackText: '' }).text, '…');
  assert.equal(renderSlackCard({ elements: [{ type: 'text', text: 'only **body**' }], fallbackText: '' }).text, 'only body');
});

test('repeated action ids become unique action_ids that decode back', () => {
  const buttons: CardButton[] = ['A1', 'A2', 'A3'].map((v) => ({ actionId: 'order.refresh', label: `Refresh ${v}`, value: v }));
  const m = renderSlackCard(card().actions(buttons).actions([{ actionId: 'order.refresh', label: 'Again', value: 'A4' }]).build());
  const ids = renderedButtons(m).map((b) => b.action_id ?? '');
  assert.equal(new Set(ids).size, 4);
  assert.deepEqual(ids.map(decodeActionId), ['order.refresh', 'order.refresh', 'order.refresh', 'order.refresh']);
  assert.equal(validateBlocks(m.blocks).ok, true);
  assert.equal(decodeActionId('WaXA'), 'WaXA');
});

test('over every limit at once: 80 table rows, 30 buttons, 5000-char text, 3000-char value → a message the fake accepts, cuts marked', async (t) => {
  const rows = Array.from({ length: 80 }, (_v, i) => [`A${1000 + i}`, i % 2 ? '已发货' : 'shipped', `wms-${'x'.repeat(i % 40)}`, `¥${i}.00`]);
  const longText = Array.from({ length: 100 }, (_v, i) => `Line ${i}: ${'lorem ipsum '.repeat(4)}`).join('\n');
  assert.ok(longText.length >= 5000);
  const buttons: CardButton[] = Array.from({ length: 30 }, (_v, i) => ({
    actionId: i % 2 ? 'order.refresh' : 'task.approve',
    label: `Button ${i} ${'with a very long label '.repeat(i === 0 ? 5 : 0)}`,
    value: i === 7 ? 'v'.repeat(3000) : `A${i}`,
    confirm: i === 3 ? { title: 't'.repeat(150), text: 'x'.repeat(400), confirm: 'c'.repeat(40), deny: 'd'.repeat(40) } : undefined,
  }));
  const big = card()
    .header(`Daily report ${'very long title '.repeat(20)}`, 'warning')
    .text(longText)
    .table(['order', 'status', 'system', 'amount'], rows)
    .fields(Array.from({ length: 12 }, (_v, i) => ({ label: `f${i}`, value: i === 0 ? 'y'.repeat(2500) : `v${i}` })))
    .actions(buttons)
    .build();
  const m = renderSlackCard(big);

  const verdict = validateBlocks(m.blocks);
  assert.ok(verdict.ok, JSON.stringify(verdict));
  assert.ok(m.blocks.length <= 50);
  const header = ((m.blocks[0] as unknown as Json).text as Json).text as string;
  assert.ok(header.length <= 150 && header.endsWith('…'));

  // The text is split across sections, not truncated: every line survives in order.
  const body = texts(m).filter((s) => s.startsWith('Line ') || s.includes('\nLine ')).join('\n');
  assert.equal(body.replace(/\s+/g, ' ').trim(), toMrkdwn(longText).replace(/\s+/g, ' ').trim());

  // Table rows: the rows shown plus the "… (+N)" right after the table account for exactly 80.
  const all = texts(m);
  const tableSections = all.filter((s) => s.startsWith('```'));
  const shownRows = tableSections.reduce((n, s) => n + s.split('\n').length - 3, 0);
  const afterTable = all[all.lastIndexOf(tableSections.at(-1) ?? '') + 1] ?? '';
  const omitted = /^… \(\+(\d+)\)$/.exec(afterTable)?.[1];
  assert.ok(shownRows > 0);
  assert.equal(shownRows + Number(omitted ?? 0), 80, `rows ${shownRows}, then ${afterTable}`);
  // Nothing vanishes: every row and field is either shown or counted by a mark.
  const fields = m.blocks.flatMap((b) => ((b as unknown as Json).fields as Json[] | undefined) ?? []);
  const marked = all.map((s) => /^… \(\+(\d+)\)$/.exec(s)?.[1]).reduce((n, d) => n + Number(d ?? 0), 0);
  assert.equal(shownRows + fields.length + marked, 80 + 12);
  if (fields.length > 0) assert.equal((fields[0]?.text as string).length, 2000);

  // All 30 buttons, 25 per row, unique action_ids; the long value is cut to 2000 with "…".
  const rendered = renderedButtons(m);
  assert.equal(rendered.length, 30);
  assert.deepEqual(m.blocks.filter((b) => b.type === 'actions').map((b) => (b as { elements: unknown[] }).elements.length), [25, 5]);
  const value = rendered[7]?.value ?? '';
  assert.equal(value.length, 2000);
  assert.ok(value.endsWith('…'));
  assert.ok((rendered[0]?.text.text.length ?? 0) <= 75 && rendered[0]?.text.text.endsWith('…'));
  assert.equal(rendered[3]?.confirm?.text.text.length, 300);

  const h = await startSlackHarness(t);
  const ref = await h.adapter.post('C0OPS0001', big);
  assert.ok(h.fake.message('C0OPS0001', ref.messageId));
});

test('a huge table and hundreds of buttons stay within 50 blocks and the text budget, with the cut counted', async (t) => {
  const rows = Array.from({ length: 1000 }, (_v, i) => [`B${i}`, 'paid', 'erp']);
  const buttons = Array.from({ length: 300 }, (_v, i) => ({ actionId: 'order.open', label: `#${i}`, value: `B${i}` }));
  const m = renderSlackCard(card().header('Backlog').table(['order', 'status', 'system'], rows).actions(buttons).build());
  assert.ok(validateBlocks(m.blocks).ok);
  assert.ok(m.blocks.length <= 50);
  const all = texts(m);
  const shownRows = all.filter((s) => s.startsWith('```')).reduce((n, s) => n + s.split('\n').length - 3, 0);
  const marks = all.filter((s) => s.startsWith('… (+')).map((s) => Number(/\d+/.exec(s)?.[0]));
  assert.equal(renderedButtons(m).length, 250);
  assert.ok(marks.includes(50), `button mark in ${JSON.stringify(marks)}`);
  assert.ok(marks.includes(1000 - shownRows), `row mark ${1000 - shownRows} in ${JSON.stringify(marks)}`);
  const h = await startSlackHarness(t);
  await h.adapter.post('C0OPS0001', card().header('Backlog').table(['order', 'status', 'system'], rows).actions(buttons).build());
});

test('tables: wide (CJK) cells align, backticks cannot break the code block, long cells are cut with …', () => {
  const m = renderSlackCard(card().table(['单号', 'status'], [['订单一', 'a`b'], ['A2', 'x'.repeat(60)]]).build());
  const [section] = texts(m);
  assert.equal(section, '```\n单号    status\n订单一  aˋb\nA2      ' + 'x'.repeat(27) + '…\n```');
});
