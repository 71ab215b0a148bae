// Card markdown subset → Slack mrkdwn, plus cutting text to Slack's limits without breaking entities.

/** The mark appended wherever we shorten something. */
export const ELLIPSIS = '…';

/** Escapes the three characters Slack reserves in message text. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
}

const TOKEN = /`([^`\n]+)`|\*\*(.+?)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** Converts **bold**, `code` and [label](url) to *bold*, `code` and <url|label>, escaping everything else. */
export function toMrkdwn(markdown: string): string {
  let out = '';
  let last = 0;
  for (const m of markdown.matchAll(TOKEN)) {
    const at = m.index;
    out += escapeMrkdwn(markdown.slice(last, at));
    const [whole, code, bold, label, url] = m;
    if (code !== undefined) out += `\`${escapeMrkdwn(code)}\``;
    else if (bold !== undefined) out += `*${toMrkdwn(bold)}*`;
    else if (label !== undefined && url !== undefined) {
      // Only real links become <url|label>; anything else stays visible as text.
      out += /^(https?:|mailto:)/i.test(url) ? `<${escapeUrl(url)}|${escapeMrkdwn(label)}>` : escapeMrkdwn(whole);
    }
    last = at + whole.length;
  }
  return out + escapeMrkdwn(markdown.slice(last));
}

/** Markdown subset → plain text (for plain_text objects and notification fallbacks). */
export function toPlain(markdown: string): string {
  return markdown.replace(TOKEN, (_w, code?: string, bold?: string, label?: string, url?: string) => code ?? bold ?? (label && url ? `${label} (${url})` : _w));
}

/** Moves a cut position back so it splits neither a surrogate pair, an &entity; nor a <link|label>. */
function safeCut(text: string, at: number, mrkdwn: boolean): number {
  let cut = Math.max(0, Math.min(at, text.length));
  const code = text.charCodeAt(cut - 1);
  if (cut > 0 && code >= 0xd800 && code <= 0xdbff) cut -= 1;
  if (!mrkdwn) return cut;
  const head = text.slice(0, cut);
  const open = head.lastIndexOf('<');
  if (open > head.lastIndexOf('>')) cut = open;
  const amp = text.slice(0, cut).search(/&[a-z#0-9]{0,6}$/i);
  if (amp >= 0) cut = amp;
  return cut;
}

/** Shortens `text` to at most `max` characters, ending with "…" when anything was cut. */
export function truncate(text: string, max: number, mrkdwn = false): string {
  if (text.length <= max) return text;
  return text.slice(0, safeCut(text, max - ELLIPSIS.length, mrkdwn)).trimEnd() + ELLIPSIS;
}

/** Splits text into pieces of at most `max` characters, preferring line breaks, then spaces. */
export function splitText(text: string, max: number, mrkdwn = true): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = max;
    cut = safeCut(rest, cut, mrkdwn);
    if (cut <= 0) cut = max; // one unbreakable entity longer than the limit: cut it anyway
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[ \n]+/, '');
  }
  if (rest.length > 0) parts.push(rest);
  return parts.filter((p) => p.length > 0);
}

/** Columns a string takes in a monospace font: CJK and other wide characters count twice. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

/** Cuts a string to at most `width` display columns, marking the cut with "…". */
export function fitWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = displayWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out + ELLIPSIS;
}
