// Card markdown subset → WeChat plain text (WeChat shows no bold, code or links), and cutting text by characters.

/** The mark appended wherever we shorten something. */
export const ELLIPSIS = '…';

const TOKEN = /`([^`\n]+)`|\*\*(.+?)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** **bold** → bold, `code` → code, [label](https://…) → "label (https://…)"; anything else stays as typed. */
export function toPlainText(markdown: string): string {
  return markdown.replace(TOKEN, (whole: string, code?: string, bold?: string, label?: string, url?: string) => {
    if (code !== undefined) return code;
    if (bold !== undefined) return toPlainText(bold);
    // Only real links are spelled out; WeChat makes a bare http(s) URL tappable by itself.
    if (label !== undefined && url !== undefined && /^https?:\/\//i.test(url)) return `${label} (${url})`;
    return whole;
  });
}

/** Length in characters (code points), the way people and WeChat count, not UTF-16 units. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Cuts `text` to at most `max` characters, ending with "…" when anything was cut (never splits a surrogate pair). */
export function cutText(text: string, max: number): string {
  if (charLength(text) <= max) return text;
  return [...text].slice(0, Math.max(0, max - 1)).join('').trimEnd() + ELLIPSIS;
}

/** Lowers the first letter of a label that starts like a word ("Approve" → "approve", "ERP" stays). */
export function lowerFirstWord(label: string): string {
  const [first, second] = [...label];
  if (!first || !second) return label;
  return first !== first.toLowerCase() && second === second.toLowerCase() && second !== second.toUpperCase() ? first.toLowerCase() + label.slice(first.length) : label;
}

/** Splits text into parts of at most `max` characters, at line breaks where possible, else at spaces, else anywhere. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = [...text];
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut).join('').trimEnd());
    rest = [...rest.slice(cut).join('').replace(/^[ \n]+/, '')];
  }
  if (rest.length > 0) parts.push(rest.join(''));
  return parts.filter((p) => p.trim().length > 0);
}
