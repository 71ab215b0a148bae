// Card → WeChat text (pure): a header line with a severity mark and the card's marker, the body as readable
// lines, then one "reply A1 to approve" line per button. A card is always ONE message within
// WECHATY_MAX_MESSAGE_CHARS: the header and the reply lines are kept, the body is cut at a line and says how many
// lines were left out (splitting would spend the account's scarce send budget and spread one card's marker and
// codes over several messages; the full card is one /command or the console away).
import type { TFunction } from 'i18next';
import { cardButtons, type Card, type CardElement, type Severity } from '../../core/card.ts';
import type { Outbound } from '../../core/chat.ts';
import { getT } from '../../core/i18n.ts';
import {
  WECHATY_MAX_BUTTON_CHARS,
  WECHATY_MAX_HEADER_CHARS,
  WECHATY_MAX_LINE_CHARS,
  WECHATY_MAX_MESSAGE_CHARS,
  WECHATY_MAX_TEXT_PARTS,
} from './limits.ts';
import { charLength, cutText, ELLIPSIS, lowerFirstWord, splitText, toPlainText } from './text.ts';

/** Where a card stands: its number (the visible "[#12]" marker), the letters of its reply codes, its version. */
export interface WechatyCardPlacement {
  cardNo: number;
  /** Code letters for this version's buttons ("B" → B1, B2…); undefined when the card has no buttons. */
  slot: string | undefined;
  /** True for a later version of the card (sent as a new message naming the same marker). */
  revised: boolean;
}

/** A reply code printed on the card, and the button it stands for. */
export interface WechatyButtonCode {
  code: string;
  actionId: string;
  value: string;
}

/** A rendered card: the message text and the codes it printed (buttons left out for length print none). */
export interface RenderedWechatyCard {
  text: string;
  buttons: WechatyButtonCode[];
}

// WeChat has no colours: the severity shows as an emoji in front of the header.
const SEVERITY_MARK: Record<Severity, string> = { info: 'ℹ️', success: '✅', warning: '⚠️', danger: '🚨' };
const DIVIDER = '──────────';
const CONFIRM_NOTE_CHARS = 80;

/** The visible marker that names one card across its versions: "[#12]", "[#12 · updated]". */
export function renderCardMarker(cardNo: number, revised: boolean, t: TFunction): string {
  return revised ? `[#${cardNo} · ${t('updated')}]` : `[#${cardNo}]`;
}

function oneLine(text: string): string {
  return toPlainText(text).replace(/\s*\r?\n\s*/g, ' ').trim();
}

function elementLines(e: CardElement, t: TFunction): string[] {
  switch (e.type) {
    case 'text':
    case 'context':
      return toPlainText(e.text).split(/\r?\n/);
    case 'fields':
      return e.fields.map((f) => t('field', { label: oneLine(f.label), value: oneLine(f.value) }));
    case 'table':
      // Proportional fonts: aligned columns are impossible, so each row is one line of " | "-separated cells.
      return [e.columns.map(oneLine).join(' | '), ...e.rows.map((r) => e.columns.map((_c, i) => oneLine(r[i] ?? '')).join(' | '))];
    case 'list':
      return e.items.map((item) => `• ${oneLine(item)}`);
    case 'divider':
      return [DIVIDER];
    case 'actions':
      return [];
  }
}

function buttonLines(card: Card, slot: string | undefined, t: TFunction): { lines: string[]; buttons: WechatyButtonCode[] } {
  const all = cardButtons(card);
  const lines: string[] = [];
  const buttons: WechatyButtonCode[] = [];
  let used = 0;
  for (const [i, b] of all.entries()) {
    const code = slot ? `${slot}${i + 1}` : undefined;
    const label = lowerFirstWord(oneLine(b.label));
    const line = code
      ? cutText(b.confirm ? t('replyConfirm', { code, label, note: cutText(oneLine(b.confirm.text), CONFIRM_NOTE_CHARS) }) : t('reply', { code, label }), WECHATY_MAX_LINE_CHARS)
      : cutText(`• ${label}`, WECHATY_MAX_LINE_CHARS);
    if (used + charLength(line) + 1 > WECHATY_MAX_BUTTON_CHARS) {
      lines.push(t('moreChoices', { n: all.length - i }));
      break;
    }
    used += charLength(line) + 1;
    lines.push(line);
    if (code) buttons.push({ code, actionId: b.actionId, value: b.value });
  }
  return { lines, buttons };
}

function measure(lines: readonly string[]): number {
  return lines.reduce((n, l) => n + charLength(l) + 1, 0);
}

/** Renders a card as one WeChat text message, with a reply code per button (codes `${slot}1`, `${slot}2`…). */
export function renderWechatyCard(card: Card, placement: WechatyCardPlacement): RenderedWechatyCard {
  // The hub always sets the language; a pure renderer does not guess from the environment.
  const t = getT(card.language ?? 'en', 'wechaty');
  const marker = renderCardMarker(placement.cardNo, placement.revised, t);
  const title = card.header ? oneLine(card.header.title) : '';
  const header = cutText(card.header ? `${SEVERITY_MARK[card.header.severity ?? 'info']} ${marker} ${title}`.trimEnd() : marker, WECHATY_MAX_HEADER_CHARS);
  const body = card.elements.flatMap((e) => elementLines(e, t)).map((l) => cutText(l.trimEnd(), WECHATY_MAX_LINE_CHARS));
  while (body.length > 0 && body[body.length - 1] === '') body.pop();
  const { lines: choices, buttons } = buttonLines(card, placement.slot, t);
  const gap = body.length > 0 && choices.length > 0 ? [''] : [];
  let kept = body;
  const room = WECHATY_MAX_MESSAGE_CHARS - measure([header, ...gap, ...choices]);
  if (measure(body) > room) {
    // Reserve the "N more lines" note itself, then keep whole lines in card order.
    const reserve = charLength(t('moreLines', { n: body.length })) + 1;
    kept = [];
    let used = 0;
    for (const line of body) {
      if (used + charLength(line) + 1 > room - reserve) break;
      kept.push(line);
      used += charLength(line) + 1;
    }
    kept.push(t('moreLines', { n: body.length - kept.length }));
  }
  return { text: [header, ...kept, ...gap, ...choices].join('\n'), buttons };
}

/** Renders a plain answer: markdown stripped, split at lines into at most WECHATY_MAX_TEXT_PARTS messages. */
export function renderWechatyText(text: string): string[] {
  const parts = splitText(toPlainText(text).trim(), WECHATY_MAX_MESSAGE_CHARS);
  if (parts.length === 0) return [ELLIPSIS];
  if (parts.length <= WECHATY_MAX_TEXT_PARTS) return parts;
  const kept = parts.slice(0, WECHATY_MAX_TEXT_PARTS);
  const last = kept[kept.length - 1] ?? '';
  kept[kept.length - 1] = charLength(last) < WECHATY_MAX_MESSAGE_CHARS ? last + ELLIPSIS : cutText(last, WECHATY_MAX_MESSAGE_CHARS);
  return kept;
}

/** True when the outbound content is a card (not plain text). */
export function isCard(content: Outbound): content is Card {
  return typeof content !== 'string';
}
