// Text helpers for the renderers: the card markdown subset as plain text (template_card fields show no markup)
// or as WeCom markdown (group robot), and cutting to a character or byte budget with "…".
import type { CardElement } from '../../core/card.ts';

/** The mark standing for whatever was cut. */
export const ELLIPSIS = '…';

/** At most `max` characters (code points); a cut text ends with "…". */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}${ELLIPSIS}`;
}

/** At most `max` UTF-8 bytes, cut on a character boundary; a cut text ends with "…". */
export function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let bytes = Buffer.byteLength(ELLIPSIS);
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}

/** The markdown subset (**bold**, `code`, [label](url)) as plain text; links keep their URL. */
export function toPlain(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\r\n?/g, '\n');
}

/** One line per table row, cells separated by " · ". */
export function tableLines(columns: string[], rows: string[][]): string[] {
  const line = (r: string[]): string => r.map((c) => c.replace(/\s+/g, ' ').trim()).join(' · ');
  return [line(columns), ...rows.map(line)];
}

/** A body element as lines of text (`plain` strips the markup); buttons are rendered elsewhere. */
export function elementLines(e: CardElement, plain: boolean): string[] {
  const fmt = (s: string): string => (plain ? toPlain(s) : s);
  switch (e.type) {
    case 'text':
    case 'context':
      return e.text.trim() === '' ? [] : [fmt(e.text)];
    case 'fields':
      return e.fields.filter((f) => f.label.trim() !== '' || f.value.trim() !== '').map((f) => `${fmt(f.label)}: ${fmt(f.value)}`);
    case 'table':
      return tableLines(e.columns, e.rows).map(fmt);
    case 'list':
      return e.items.filter((i) => i.trim() !== '').map((i) => `• ${fmt(i)}`);
    case 'divider':
      return ['———'];
    case 'actions':
      return [];
  }
}
