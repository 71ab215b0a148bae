// Card -> the console page's view model: plain JSON the page draws with text nodes only (never HTML).
import type { Card, CardElement, Severity } from '../../core/card.ts';
import type { Outbound } from '../../core/chat.ts';

/** A run of inline content; the page turns each into a text node or a tag holding a text node. */
export type ConsoleInline =
  | { kind: 'text'; text: string }
  | { kind: 'bold'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'break' };

/** A button as the page draws it. */
export interface ConsoleButtonView {
  actionId: string;
  label: string;
  value: string;
  style: 'primary' | 'danger' | 'default';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

/** One block of a card body. */
export type ConsoleBlock =
  | { type: 'text'; inlines: ConsoleInline[] }
  | { type: 'fields'; fields: { label: string; value: ConsoleInline[] }[] }
  | { type: 'table'; columns: string[]; rows: string[][] }
  | { type: 'list'; items: ConsoleInline[][] }
  | { type: 'context'; inlines: ConsoleInline[] }
  | { type: 'divider' }
  | { type: 'actions'; buttons: ConsoleButtonView[] };

/** A card ready for the page. */
export interface ConsoleCardView {
  header?: { title: string; severity: Severity };
  blocks: ConsoleBlock[];
  fallbackText: string;
}

/** What a message shows: formatted text or a card. */
export type ConsoleBody = { kind: 'text'; inlines: ConsoleInline[] } | { kind: 'card'; card: ConsoleCardView };

const SEVERITIES: readonly Severity[] = ['info', 'success', 'warning', 'danger'];
const INLINE = /\*\*([^*\n]+?)\*\*|`([^`\n]+)`|\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** Only absolute http(s) links survive; anything else (javascript:, data:, relative) stays literal text. */
function safeHref(raw: string): string | undefined {
  if (!/^https?:\/\//i.test(raw)) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function pushText(out: ConsoleInline[], text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last?.kind === 'text') last.text += text;
  else out.push({ kind: 'text', text });
}

/** Parses the card markdown subset (**bold**, `code`, [label](http…), line breaks); everything else is literal text. */
export function parseConsoleMarkdown(text: string): ConsoleInline[] {
  const out: ConsoleInline[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (i > 0) out.push({ kind: 'break' });
    let at = 0;
    for (const m of line.matchAll(INLINE)) {
      pushText(out, line.slice(at, m.index));
      at = m.index + m[0].length;
      const [whole, bold, code, label, url] = m;
      if (bold !== undefined) out.push({ kind: 'bold', text: bold });
      else if (code !== undefined) out.push({ kind: 'code', text: code });
      else {
        const href = url === undefined ? undefined : safeHref(url);
        if (href !== undefined && label !== undefined) out.push({ kind: 'link', text: label, href });
        else pushText(out, whole);
      }
    }
    pushText(out, line.slice(at));
  });
  return out;
}

function renderElement(e: CardElement): ConsoleBlock {
  switch (e.type) {
    case 'text':
      return { type: 'text', inlines: parseConsoleMarkdown(e.text) };
    case 'context':
      return { type: 'context', inlines: parseConsoleMarkdown(e.text) };
    case 'fields':
      return { type: 'fields', fields: e.fields.map((f) => ({ label: f.label, value: parseConsoleMarkdown(f.value) })) };
    case 'table':
      return { type: 'table', columns: [...e.columns], rows: e.rows.map((r) => e.columns.map((_c, i) => r[i] ?? '')) };
    case 'list':
      return { type: 'list', items: e.items.map(parseConsoleMarkdown) };
    case 'divider':
      return { type: 'divider' };
    case 'actions':
      return {
        type: 'actions',
        buttons: e.buttons.map((b) => ({
          actionId: b.actionId,
          label: b.label,
          value: b.value,
          style: b.style ?? 'default',
          ...(b.confirm ? { confirm: { ...b.confirm } } : {}),
        })),
      };
  }
}

/** Renders a neutral card into the console's JSON view model (pure; no HTML anywhere). */
export function renderConsoleCard(card: Card): ConsoleCardView {
  const severity = card.header?.severity && SEVERITIES.includes(card.header.severity) ? card.header.severity : 'info';
  return {
    ...(card.header ? { header: { title: card.header.title, severity } } : {}),
    blocks: card.elements.map(renderElement),
    fallbackText: card.fallbackText,
  };
}

/** Renders what a handler sends (card or markdown text) into a message body. */
export function renderConsoleBody(content: Outbound): ConsoleBody {
  return typeof content === 'string' ? { kind: 'text', inlines: parseConsoleMarkdown(content) } : { kind: 'card', card: renderConsoleCard(content) };
}
