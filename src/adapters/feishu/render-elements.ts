// One neutral card element → Feishu card JSON 2.0 components ("pieces"), each already within its own limits.
// Only documented properties are emitted: 2.0 rejects unknown ones, and `tag: "action"` does not exist any more.
import type { CardButton, CardElement } from '../../core/card.ts';
import { FEISHU_LIMITS as L } from './limits.ts';
import { ELLIPSIS, toFeishuMarkdown, truncateBytes, truncateChars } from './markdown.ts';

/** A card JSON component. */
export type FeishuElement = Record<string, unknown>;

/** A rendered component with what the card-wide budget needs to know about it. */
export interface Piece {
  element: FeishuElement;
  /** Serialized size in bytes. */
  bytes: number;
  /** Components it holds, nested ones included (the 200 limit counts them all). */
  count: number;
  /** Card items it holds (rows, list items, fields, buttons), for the "… N more" mark. */
  units: number;
  /** Buttons are kept first; body components fill what is left. */
  essential: boolean;
}

/** Words the renderer adds itself, in the card's language. */
export interface RenderWords {
  omitted(count: number): string;
  moreRows(count: number): string;
  moreButtons(count: number): string;
}

const FIELDS_AS_COLUMNS = 8;

/** Makes a piece; its size is measured when first asked (most cards fit whole and never ask). */
export function piece(element: FeishuElement, count: number, units: number, essential = false): Piece {
  let bytes: number | undefined;
  return {
    get element() {
      return element;
    },
    set element(e: FeishuElement) {
      element = e;
      bytes = undefined;
    },
    get bytes() {
      return (bytes ??= Buffer.byteLength(JSON.stringify(element), 'utf8'));
    },
    count,
    units,
    essential,
  };
}

/** A markdown component (`notation` is the small grey size). */
export function markdown(content: string, small = false): FeishuElement {
  return { tag: 'markdown', content: truncateBytes(content.trim() === '' ? ELLIPSIS : content, L.markdownBytes), ...(small ? { text_size: 'notation' } : {}) };
}

function plain(content: string, max: number): { tag: 'plain_text'; content: string } {
  return { tag: 'plain_text', content: truncateChars(content.replace(/\s+/g, ' ').trim() || ELLIPSIS, max) };
}

/** One 2.0 button: a callback whose value object carries our action id and value. */
export function renderButton(b: CardButton): FeishuElement {
  return {
    tag: 'button',
    text: plain(b.label, L.buttonText),
    type: b.style === 'primary' || b.style === 'danger' ? b.style : 'default',
    behaviors: [{ type: 'callback', value: { action: b.actionId, value: b.value } }],
    ...(b.confirm ? { confirm: { title: plain(b.confirm.title, 100), text: plain(b.confirm.text, 300) } } : {}),
  };
}

/** A row of buttons: a flowing column_set, one auto-width column per button. */
export function renderActions(buttons: CardButton[]): Piece {
  const columns = buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [renderButton(b)] }));
  return piece({ tag: 'column_set', flex_mode: 'flow', columns }, 1 + columns.length * 2, buttons.length, true);
}

function fieldMarkdown(label: string, value: string): string {
  const head = label.trim() === '' ? '' : `**${toFeishuMarkdown(label)}**\n`;
  return head + (value.trim() === '' ? '—' : toFeishuMarkdown(value));
}

function renderFields(fields: { label: string; value: string }[]): Piece[] {
  if (fields.length > FIELDS_AS_COLUMNS) {
    const lines = fields.map((f) => `**${toFeishuMarkdown(f.label)}**: ${f.value.trim() === '' ? '—' : toFeishuMarkdown(f.value)}`);
    return [piece(markdown(lines.join('\n')), 1, fields.length)];
  }
  const pieces: Piece[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const pair = fields.slice(i, i + 2);
    const columns = pair.map((f) => ({ tag: 'column', width: 'weighted', weight: 1, elements: [markdown(fieldMarkdown(f.label, f.value))] }));
    pieces.push(piece({ tag: 'column_set', flex_mode: 'none', columns }, 1 + columns.length * 2, pair.length));
  }
  return pieces;
}

// Feishu markdown has tables too: used once a card holds the five table components it may hold.
function markdownTable(columns: string[], rows: string[][], words: RenderWords): Piece[] {
  const width = Math.max(1, columns.length, ...rows.map((r) => r.length));
  const cell = (text: string | undefined): string => toFeishuMarkdown(truncateChars((text ?? '').replace(/\s+/g, ' ').trim(), L.tableCell)).replace(/\|/g, '&#124;') || ' ';
  const line = (r: string[]): string => `| ${Array.from({ length: width }, (_v, i) => cell(r[i])).join(' | ')} |`;
  const shown = rows.slice(0, L.tableRows);
  const lines = [line(columns), `|${' --- |'.repeat(width)}`, ...shown.map(line)];
  const pieces = [piece(markdown(lines.join('\n')), 1, Math.max(1, shown.length))];
  const left = rows.length - shown.length;
  return left > 0 ? [...pieces, piece(markdown(words.moreRows(left), true), 1, left)] : pieces;
}

function renderTable(columns: string[], rows: string[][], words: RenderWords): Piece[] {
  const width = Math.max(1, columns.length, ...rows.map((r) => r.length));
  const names = Array.from({ length: width }, (_v, i) => `c${i}`);
  const cell = (text: string | undefined): string => truncateChars((text ?? '').replace(/\s+/g, ' ').trim(), L.tableCell);
  const shown = rows.slice(0, L.tableRows);
  const build = (n: number): FeishuElement => ({
    tag: 'table',
    page_size: Math.min(L.tablePageSize, Math.max(1, n)),
    columns: names.map((name, i) => ({ name, display_name: cell(columns[i]) || ' ', data_type: 'text' })),
    rows: shown.slice(0, n).map((r) => Object.fromEntries(names.map((name, i) => [name, cell(r[i])]))),
  });
  let n = shown.length;
  let table = piece(build(n), 1, Math.max(1, n));
  // One table may use at most a third of the card; whole rows go first. Measured only when a generous estimate
  // (3 bytes a character, 16 of JSON around each cell) says it might not fit.
  const estimate = [columns, ...shown].reduce((sum, r) => sum + r.reduce((m, c) => m + c.length * 3 + 16, 16), 0);
  while (n > 1 && estimate > L.renderBytes / 3 && table.bytes > L.renderBytes / 3) {
    n = Math.max(1, Math.floor(n * 0.8));
    table = piece(build(n), 1, n);
  }
  const left = rows.length - n;
  return left > 0 ? [table, piece(markdown(words.moreRows(left), true), 1, left)] : [table];
}

/** How many table components a card may still take (Feishu allows five per card). */
export interface TableAllowance {
  left: number;
}

/** The components of one body element. */
export function renderElement(e: CardElement, words: RenderWords, tables: TableAllowance): Piece[] {
  switch (e.type) {
    case 'text':
      return e.text.trim() === '' ? [] : [piece(markdown(toFeishuMarkdown(e.text)), 1, 1)];
    case 'fields':
      return renderFields(e.fields.filter((f) => f.label.trim() !== '' || f.value.trim() !== ''));
    case 'table':
      if (tables.left <= 0) return markdownTable(e.columns, e.rows, words);
      tables.left -= 1;
      return renderTable(e.columns, e.rows, words);
    case 'list': {
      const items = e.items.filter((i) => i.trim() !== '');
      return items.length === 0 ? [] : [piece(markdown(items.map((i) => `- ${toFeishuMarkdown(i)}`).join('\n')), 1, items.length)];
    }
    case 'context':
      return e.text.trim() === '' ? [] : [piece(markdown(toFeishuMarkdown(e.text), true), 1, 1)];
    case 'divider':
      return [piece({ tag: 'hr' }, 1, 0)];
    case 'actions':
      return e.buttons.length === 0 ? [] : [renderActions(e.buttons)];
  }
}
