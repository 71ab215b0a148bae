// Text helpers for Feishu card markdown: the neutral subset (**bold**, `code`, [label](url)) is Feishu syntax
// already; only what the card markdown would read as HTML is escaped, and lengths are cut in UTF-8 bytes.

/** Marks text that was shortened or left out. */
export const ELLIPSIS = '…';

/**
 * `<` and `>` would open Feishu's inline tags (<at>, <font>…) and a run of three or more `*` (a masked phone
 * number or address) would read as emphasis markers: numeric references show them as text. `**bold**` stays.
 */
export function toFeishuMarkdown(text: string): string {
  return text
    .replace(/</g, '&#60;')
    .replace(/>/g, '&#62;')
    .replace(/\*{3,}/g, (run) => '&#42;'.repeat(run.length));
}

/** Markdown → plain text (for the chat-list summary and toasts). */
export function toPlain(text: string): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1');
}

/** UTF-8 length of a string. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes (whole code points), ending with "…" when cut. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  const room = maxBytes - byteLength(ELLIPSIS);
  let used = 0;
  let out = '';
  for (const ch of text) {
    const n = byteLength(ch);
    if (used + n > room) break;
    used += n;
    out += ch;
  }
  return out.trimEnd() + ELLIPSIS;
}

/** Cuts `text` to at most `max` characters (code points), ending with "…" when cut. */
export function truncateChars(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, Math.max(0, max - 1)).join('').trimEnd() + ELLIPSIS;
}
