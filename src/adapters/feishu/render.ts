// Card → Feishu card JSON 2.0 (pure). Never produces a card Feishu would reject: at most 200 components and
// 30 KB; whatever had to be left out is marked with "…", in the card's own language.
import type { Card, CardElement, Severity } from '../../core/card.ts';
import { getT } from '../../core/i18n.ts';
import { FEISHU_LIMITS as L } from './limits.ts';
import { ELLIPSIS, toPlain, truncateChars } from './markdown.ts';
import { markdown, piece, renderElement, type FeishuElement, type Piece, type RenderWords } from './render-elements.ts';

export type { FeishuElement } from './render-elements.ts';

/** A 2.0 card as sent in `content` (serialized) or returned inline from a click. */
export interface FeishuCard {
  schema: '2.0';
  config: { update_multi: true; summary?: { content: string } };
  header?: { title: { tag: 'plain_text'; content: string }; template: string };
  body: { elements: FeishuElement[] };
}

/** Header colour by severity (2.0 `header.template`). */
export const SEVERITY_TEMPLATE: Record<Severity, string> = { info: 'blue', success: 'green', warning: 'orange', danger: 'red' };

const SUMMARY_MAX = 120;
// Bytes and components kept free for the marks the fitter may add.
const MARK_RESERVE_BYTES = 400;

function wordsFor(language: string | undefined): RenderWords {
  const t = getT(language, 'feishu');
  return {
    omitted: (count) => t('render.omitted', { count }),
    moreRows: (count) => t('render.moreRows', { count }),
    moreButtons: (count) => t('render.moreButtons', { count }),
  };
}

/** Keeps at most `L.buttonsPerCard` buttons; returns the elements to render and how many buttons were dropped. */
function capButtons(elements: CardElement[]): { elements: CardElement[]; dropped: number } {
  let left: number = L.buttonsPerCard;
  let dropped = 0;
  const out = elements.map((e) => {
    if (e.type !== 'actions') return e;
    const kept = e.buttons.slice(0, Math.max(0, left));
    dropped += e.buttons.length - kept.length;
    left -= kept.length;
    return { ...e, buttons: kept };
  });
  return { elements: out, dropped };
}

/** Fits body pieces into what the skeleton and the buttons leave; from the first piece that does not fit, one mark. */
function fit(pieces: Piece[], skeletonBytes: number, words: RenderWords): FeishuElement[] {
  const essentials = pieces.filter((p) => p.essential);
  let bytesLeft = L.renderBytes - skeletonBytes - MARK_RESERVE_BYTES - essentials.reduce((n, p) => n + p.bytes + 1, 0);
  let countLeft = L.cardElements - 2 - essentials.reduce((n, p) => n + p.count, 0);
  const out: Piece[] = [];
  let mark: Piece | undefined;
  for (const p of pieces) {
    if (p.essential || (!mark && p.bytes + 1 <= bytesLeft && p.count <= countLeft)) {
      out.push(p);
      if (!p.essential) {
        bytesLeft -= p.bytes + 1;
        countLeft -= p.count;
      }
      continue;
    }
    if (!mark) {
      mark = piece({}, 1, 0);
      out.push(mark);
    }
    mark.units += Math.max(1, p.units);
  }
  if (mark) mark.element = markdown(words.omitted(mark.units), true);
  return out.map((p) => p.element);
}

function summaryOf(card: Card): string {
  const text = [card.fallbackText, card.header?.title ?? ''].find((c) => c.trim() !== '') ?? ELLIPSIS;
  return truncateChars(toPlain(text).replace(/\s+/g, ' ').trim(), SUMMARY_MAX);
}

/** Renders a neutral card as a 2.0 card within every documented limit. */
export function renderFeishuCard(card: Card): FeishuCard {
  const words = wordsFor(card.language);
  const out: FeishuCard = { schema: '2.0', config: { update_multi: true, summary: { content: summaryOf(card) } }, body: { elements: [] } };
  if (card.header && card.header.title.trim() !== '') {
    out.header = { title: { tag: 'plain_text', content: truncateChars(card.header.title.replace(/\s+/g, ' ').trim(), L.headerText) }, template: SEVERITY_TEMPLATE[card.header.severity ?? 'info'] };
  }
  const { elements, dropped } = capButtons(card.elements);
  const tables = { left: L.tablesPerCard as number };
  const pieces = elements.flatMap((e) => renderElement(e, words, tables));
  if (dropped > 0) {
    const last = pieces.map((p) => p.essential).lastIndexOf(true);
    pieces.splice(last + 1, 0, piece(markdown(words.moreButtons(dropped), true), 1, 0, true));
  }
  // The common case: everything fits as it is (one serialization instead of one per component).
  out.body.elements = pieces.map((p) => p.element);
  const whole = pieces.reduce((n, p) => n + p.count, 0) <= L.cardElements && Buffer.byteLength(JSON.stringify(out), 'utf8') <= L.renderBytes;
  if (!whole) {
    out.body.elements = [];
    out.body.elements = fit(pieces, Buffer.byteLength(JSON.stringify(out), 'utf8'), words);
  }
  if (out.body.elements.length === 0) out.body.elements.push(markdown(summaryOf(card)));
  return out;
}

/** Renders plain outbound text (markdown subset) as a header-less card. */
export function renderFeishuText(text: string, language?: string): FeishuCard {
  return renderFeishuCard({ elements: [{ type: 'text', text }], fallbackText: text, ...(language ? { language } : {}) });
}

/** Renders a card or a string. */
export function renderFeishuOutbound(content: Card | string): FeishuCard {
  return typeof content === 'string' ? renderFeishuText(content) : renderFeishuCard(content);
}

/** The plain text of outbound content (a toast, a log line). */
export function plainOfOutbound(content: Card | string): string {
  return toPlain(typeof content === 'string' ? content : content.fallbackText || content.header?.title || '');
}

/** Every callback button of a rendered card with the value object it sends (for tests and drivers). */
export function renderedButtons(card: FeishuCard): { label: string; value: Record<string, unknown> }[] {
  const found: { label: string; value: Record<string, unknown> }[] = [];
  const walk = (el: unknown): void => {
    if (Array.isArray(el)) return el.forEach(walk);
    if (typeof el !== 'object' || el === null) return;
    const rec = el as Record<string, unknown>;
    if (rec.tag === 'button') {
      const behaviors = Array.isArray(rec.behaviors) ? (rec.behaviors as { type?: unknown; value?: unknown }[]) : [];
      const cb = behaviors.find((b) => b.type === 'callback');
      const label = (rec.text as { content?: unknown } | undefined)?.content;
      if (cb && typeof cb.value === 'object' && cb.value !== null) found.push({ label: typeof label === 'string' ? label : '', value: cb.value as Record<string, unknown> });
    }
    for (const v of Object.values(rec)) if (typeof v === 'object') walk(v);
  };
  walk(card.body.elements);
  return found;
}
