// Draws the server's card view model with text nodes only: card text can never become markup.
import { h } from './dom.js';

/** Inline runs (text, bold, code, link, break) as nodes. Links are re-checked: http(s) only. */
export function renderInlines(inlines) {
  const frag = document.createDocumentFragment();
  for (const run of inlines || []) {
    if (run.kind === 'bold') frag.append(h('strong', { text: run.text }));
    else if (run.kind === 'code') frag.append(h('code', { text: run.text }));
    else if (run.kind === 'break') frag.append(h('br'));
    else if (run.kind === 'link' && /^https?:\/\//i.test(run.href)) {
      frag.append(h('a', { text: run.text, attrs: { href: run.href, target: '_blank', rel: 'noopener noreferrer' } }));
    } else frag.append(document.createTextNode(run.text ?? ''));
  }
  return frag;
}

function renderBlock(block, onAction) {
  switch (block.type) {
    case 'text':
      return h('p', { className: 'card-text' }, [renderInlines(block.inlines)]);
    case 'context':
      return h('p', { className: 'card-context' }, [renderInlines(block.inlines)]);
    case 'divider':
      return h('hr', { className: 'card-divider' });
    case 'fields':
      return h(
        'dl',
        { className: 'card-fields' },
        block.fields.map((f) => h('div', { className: 'card-field' }, [h('dt', { text: f.label }), h('dd', {}, [renderInlines(f.value)])])),
      );
    case 'list':
      return h('ul', { className: 'card-list' }, block.items.map((item) => h('li', {}, [renderInlines(item)])));
    case 'table':
      return h('div', { className: 'card-table-wrap' }, [
        h('table', { className: 'card-table' }, [
          h('thead', {}, [h('tr', {}, block.columns.map((c) => h('th', { text: c })))]),
          h('tbody', {}, block.rows.map((r) => h('tr', {}, r.map((cell) => h('td', { text: cell }))))),
        ]),
      ]);
    case 'actions':
      return h(
        'div',
        { className: 'card-actions' },
        block.buttons.map((b) =>
          h('button', {
            className: `btn btn-${b.style || 'default'}`,
            type: 'button',
            text: b.label,
            attrs: { 'data-testid': `button-${b.actionId}` },
            dataset: { actionId: b.actionId, value: b.value },
            on: { click: (e) => onAction(b, e.currentTarget) },
          }),
        ),
      );
    default:
      return null;
  }
}

/** A card element: coloured header, then its blocks; `onAction(button, element)` runs on a click. */
export function renderCard(card, onAction) {
  const severity = card.header?.severity || 'info';
  return h('div', { className: `card sev-${severity}`, attrs: { 'data-testid': 'card' }, dataset: { severity } }, [
    card.header ? h('div', { className: 'card-header', attrs: { 'data-testid': 'card-title' } }, [h('span', { className: 'sev-dot' }), h('span', { text: card.header.title })]) : null,
    h('div', { className: 'card-body' }, card.blocks.map((b) => renderBlock(b, onAction))),
  ]);
}

/** A message body: formatted text or a card. */
export function renderBody(body, onAction) {
  if (body.kind === 'card') return renderCard(body.card, onAction);
  return h('div', { className: 'message-text', attrs: { 'data-testid': 'message-text' } }, [renderInlines(body.inlines)]);
}
