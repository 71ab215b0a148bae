// One card element → Slack blocks ("pieces"), each already within its own block's limits.
import type { types } from '@slack/bolt';
import type { CardButton, CardElement, ConfirmDialog } from '../../core/card.ts';
import { encodeActionId } from './action-id.ts';
import { SLACK_LIMITS as L } from './limits.ts';
import { displayWidth, ELLIPSIS, fitWidth, splitText, toMrkdwn, toPlain, truncate } from './mrkdwn.ts';

/** A rendered block with what the message-wide budget needs to know about it. */
export interface Piece {
  block: types.KnownBlock;
  /** Characters of text the block carries (Slack caps the sum across a message). */
  chars: number;
  /** How many card items it holds (rows, list items, fields, buttons) for the "… +N" mark. */
  units: number;
  /** Buttons and the header are kept first; body blocks fill what is left. */
  essential: boolean;
  /** Index of the card element it came from (-1 for the header). */
  group: number;
}

const TABLE_CELL_WIDTH = 28;
const TABLE_LINE_WIDTH = 120;

function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: truncate(text.trim() === '' ? ELLIPSIS : text, max), emoji: true };
}

function section(text: string, units: number): Piece {
  return { block: { type: 'section', text: { type: 'mrkdwn', text } }, chars: text.length, units, essential: false, group: 0 };
}

function sections(mrkdwn: string, units: number): Piece[] {
  const parts = splitText(mrkdwn, L.sectionText);
  return parts.map((p) => section(p, Math.max(1, Math.round(units / parts.length))));
}

function confirmDialog(c: ConfirmDialog): types.ConfirmationDialog {
  return {
    title: plain(c.title, L.confirmTitle),
    text: plain(c.text, L.confirmText),
    confirm: plain(c.confirm, L.confirmButton),
    deny: plain(c.deny, L.confirmButton),
  };
}

/** One Block Kit button; `index` makes its action_id unique within the message. */
export function renderButton(b: CardButton, index: number): types.Button {
  const button: types.Button = { type: 'button', text: plain(b.label, L.buttonText), action_id: encodeActionId(b.actionId, index) };
  if (b.value !== '') button.value = truncate(b.value, L.buttonValue);
  if (b.style === 'primary' || b.style === 'danger') button.style = b.style;
  if (b.confirm) button.confirm = confirmDialog(b.confirm);
  return button;
}

function buttonChars(b: types.Button): number {
  const c = b.confirm;
  return b.text.text.length + (c ? (c.title?.text.length ?? 0) + c.text.text.length + (c.confirm?.text.length ?? 0) + (c.deny?.text.length ?? 0) : 0);
}

/** Rows of buttons, 25 per actions block; `first` is the index of the first button in the message. */
export function renderActions(buttons: CardButton[], first: number): Piece[] {
  const pieces: Piece[] = [];
  for (let i = 0; i < buttons.length; i += L.actionsElements) {
    const elements = buttons.slice(i, i + L.actionsElements).map((b, j) => renderButton(b, first + i + j));
    pieces.push({ block: { type: 'actions', elements }, chars: elements.reduce((n, b) => n + buttonChars(b), 0), units: elements.length, essential: true, group: 0 });
  }
  return pieces;
}

function fieldText(label: string, value: string): string {
  const head = label.trim() === '' ? '' : `*${toMrkdwn(label)}*\n`;
  const body = value.trim() === '' ? '—' : toMrkdwn(value);
  return truncate(head + body, L.fieldText, true);
}

function renderFields(fields: { label: string; value: string }[]): Piece[] {
  const pieces: Piece[] = [];
  for (let i = 0; i < fields.length; i += L.sectionFields) {
    const chunk = fields.slice(i, i + L.sectionFields).map((f) => ({ type: 'mrkdwn' as const, text: fieldText(f.label, f.value) }));
    pieces.push({ block: { type: 'section', fields: chunk }, chars: chunk.reduce((n, f) => n + f.text.length, 0), units: chunk.length, essential: false, group: 0 });
  }
  return pieces;
}

// Backticks would close the code block early; &, <, > are escaped even inside code.
function cell(text: string): string {
  return fitWidth(text.replace(/\s+/g, ' ').replace(/`/g, 'ˋ'), TABLE_CELL_WIDTH);
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** A table as monospace code blocks, split into sections of whole rows, each repeating the column line. */
function renderTable(columns: string[], rows: string[][]): Piece[] {
  const grid = [columns, ...rows].map((r) => r.map(cell));
  const count = Math.max(columns.length, ...rows.map((r) => r.length));
  const widths = Array.from({ length: count }, (_v, i) => Math.max(...grid.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: string[]): string => escapeCode(fitWidth(widths.map((w, i) => pad(r[i] ?? '', w)).join('  ').trimEnd(), TABLE_LINE_WIDTH));
  const head = line(grid[0] ?? []);
  const wrap = (lines: string[]): string => `\`\`\`\n${lines.join('\n')}\n\`\`\``;
  const pieces: Piece[] = [];
  let current: string[] = [head];
  let size = wrap(current).length;
  for (const r of grid.slice(1)) {
    const l = line(r);
    if (size + l.length + 1 > L.sectionText && current.length > 1) {
      pieces.push(section(wrap(current), current.length - 1));
      current = [head];
      size = wrap(current).length;
    }
    current.push(l);
    size += l.length + 1;
  }
  pieces.push(section(wrap(current), Math.max(1, current.length - 1)));
  return pieces;
}

function escapeCode(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The blocks of one body element (buttons are numbered from `buttonIndex`). */
export function renderElement(e: CardElement, buttonIndex: number): Piece[] {
  switch (e.type) {
    case 'text':
      return e.text.trim() === '' ? [] : sections(toMrkdwn(e.text), 1);
    case 'fields':
      return renderFields(e.fields.filter((f) => f.label.trim() !== '' || f.value.trim() !== ''));
    case 'table':
      return renderTable(e.columns, e.rows);
    case 'list': {
      const items = e.items.filter((i) => i.trim() !== '');
      return items.length === 0 ? [] : sections(items.map((i) => `• ${toMrkdwn(i)}`).join('\n'), items.length);
    }
    case 'context': {
      if (e.text.trim() === '') return [];
      const text = truncate(toMrkdwn(e.text), L.textObject, true);
      return [{ block: { type: 'context', elements: [{ type: 'mrkdwn', text }] }, chars: text.length, units: 1, essential: false, group: 0 }];
    }
    case 'divider':
      return [{ block: { type: 'divider' }, chars: 0, units: 0, essential: false, group: 0 }];
    case 'actions':
      return renderActions(e.buttons, buttonIndex);
  }
}

/** Plain text of an element, for the notification fallback. */
export function plainOf(e: CardElement): string {
  if (e.type === 'text' || e.type === 'context') return toPlain(e.text);
  if (e.type === 'list') return e.items.map(toPlain).join('\n');
  return '';
}
