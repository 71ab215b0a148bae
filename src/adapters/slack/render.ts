// Card → Slack Block Kit message (pure). Never produces a message Slack would reject: anything over a
// limit is split or shortened, and whatever had to be left out is marked with "…".
import type { types } from '@slack/bolt';
import type { Card, Severity } from '../../core/card.ts';
import { SLACK_LIMITS as L } from './limits.ts';
import { ELLIPSIS, toMrkdwn, truncate } from './mrkdwn.ts';
import { plainOf, renderElement, type Piece } from './render-elements.ts';

/** A message ready for chat.postMessage / chat.update: fallback `text` always set. */
export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

// Block Kit has no colour for blocks: severity shows as an emoji in the header.
const SEVERITY_EMOJI: Record<Severity, string> = {
  info: ':information_source:',
  success: ':white_check_mark:',
  warning: ':warning:',
  danger: ':rotating_light:',
};

const FALLBACK_MAX = 3000;
const ESSENTIAL_TEXT_MAX = L.totalBlockText / 2;
// Text budget one "… (+N)" mark takes.
const MARK_CHARS = 16;

function markBlock(units: number): types.KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: units > 0 ? `${ELLIPSIS} (+${units})` : ELLIPSIS }] };
}

/** The "… (+N)" note that stands where `units` items of element `group` were left out. */
function omittedMark(units: number, group: number): Piece {
  return { block: markBlock(units), chars: MARK_CHARS, units, essential: true, group };
}

/** Caps the buttons so that header + button rows stay within the block and text budget. */
function capButtons(pieces: Piece[]): { kept: Piece[]; droppedButtons: number } {
  let rows = 0;
  let chars = 0;
  let droppedButtons = 0;
  const kept = pieces.filter((p) => {
    if (p.block.type !== 'actions') return true;
    if (rows < L.maxActionsBlocks && chars + p.chars <= ESSENTIAL_TEXT_MAX) {
      rows += 1;
      chars += p.chars;
      return true;
    }
    droppedButtons += p.units;
    return false;
  });
  return { kept, droppedButtons };
}

/**
 * Fits body pieces into what the header and buttons leave (blocks and total text), in card order. An element
 * that does not fit whole is cut at the first piece that does not fit (never a hole inside an element) and
 * followed by a "… (+N)" mark counting its missing items; later elements that still fit are kept. With more
 * cut elements than `marks`, returns undefined.
 */
function fitWithMarks(pieces: Piece[], marks: number): Piece[] | undefined {
  const essentials = pieces.filter((p) => p.essential);
  let blocksLeft = L.blocksPerMessage - essentials.length - marks;
  let charsLeft = L.totalBlockText - essentials.reduce((n, p) => n + p.chars, 0) - marks * MARK_CHARS;
  const out: Piece[] = [];
  const cut = new Map<number, Piece>();
  for (const p of pieces) {
    const mark = cut.get(p.group);
    if (!p.essential && (mark || blocksLeft <= 0 || p.chars > charsLeft)) {
      if (mark) mark.units += Math.max(1, p.units);
      else {
        if (cut.size >= marks) return undefined;
        const m = omittedMark(Math.max(1, p.units), p.group);
        cut.set(p.group, m);
        out.push(m);
      }
      continue;
    }
    out.push(p);
    if (!p.essential) {
      blocksLeft -= 1;
      charsLeft -= p.chars;
    }
  }
  for (const m of cut.values()) m.block = markBlock(m.units);
  return out;
}

/** Keeps the message within 50 blocks and the cumulative text budget. */
function fitBudget(pieces: Piece[]): Piece[] {
  const total = pieces.reduce((n, p) => n + p.chars, 0);
  if (pieces.length <= L.blocksPerMessage && total <= L.totalBlockText) return pieces;
  return fitWithMarks(pieces, 3) ?? fitWithMarks(pieces, 1) ?? fitStrict(pieces);
}

/** Last resort: everything from the first body piece that does not fit onwards becomes one mark. */
function fitStrict(pieces: Piece[]): Piece[] {
  const essentials = pieces.filter((p) => p.essential);
  let blocksLeft = L.blocksPerMessage - essentials.length - 1;
  let charsLeft = L.totalBlockText - essentials.reduce((n, p) => n + p.chars, 0) - MARK_CHARS;
  const out: Piece[] = [];
  let mark: Piece | undefined;
  for (const p of pieces) {
    if (p.essential || (!mark && blocksLeft > 0 && p.chars <= charsLeft)) {
      out.push(p);
      if (!p.essential) {
        blocksLeft -= 1;
        charsLeft -= p.chars;
      }
      continue;
    }
    if (!mark) {
      mark = omittedMark(0, p.group);
      out.push(mark);
    }
    mark.units += Math.max(1, p.units);
  }
  if (mark) mark.block = markBlock(mark.units);
  return out;
}

function fallbackText(card: Card): string {
  const candidates = [card.fallbackText, card.header?.title ?? '', ...card.elements.map(plainOf)];
  const text = candidates.find((c) => c.trim() !== '') ?? ELLIPSIS;
  return truncate(toMrkdwn(text), FALLBACK_MAX, true);
}

/** Renders a neutral card as Block Kit within every documented limit. */
export function renderSlackCard(card: Card): SlackMessage {
  const pieces: Piece[] = [];
  if (card.header && card.header.title.trim() !== '') {
    const emoji = SEVERITY_EMOJI[card.header.severity ?? 'info'];
    const text = truncate(`${emoji} ${card.header.title.replace(/\s+/g, ' ')}`, L.headerText);
    pieces.push({ block: { type: 'header', text: { type: 'plain_text', text, emoji: true } }, chars: text.length, units: 0, essential: true, group: -1 });
  }
  let buttonIndex = 0;
  for (const [group, element] of card.elements.entries()) {
    pieces.push(...renderElement(element, buttonIndex).map((p) => ({ ...p, group })));
    if (element.type === 'actions') buttonIndex += element.buttons.length;
  }
  const { kept, droppedButtons } = capButtons(pieces);
  if (droppedButtons > 0) {
    const lastRow = kept.map((p) => p.block.type).lastIndexOf('actions');
    kept.splice(lastRow + 1, 0, omittedMark(droppedButtons, -1));
  }
  return { text: fallbackText(card), blocks: fitBudget(kept).map((p) => p.block) };
}

/** Renders plain outbound text (markdown subset) as a message without blocks. */
export function renderSlackText(text: string): SlackMessage {
  const body = text.trim() === '' ? ELLIPSIS : toMrkdwn(text);
  return { text: truncate(body, L.messageText, true), blocks: [] };
}

/** Renders a card or a string. */
export function renderSlackOutbound(content: Card | string): SlackMessage {
  return typeof content === 'string' ? renderSlackText(content) : renderSlackCard(content);
}

/** Every button of a rendered message (for tests and the inbound round trip). */
export function renderedButtons(message: SlackMessage): types.Button[] {
  return message.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.filter((e): e is types.Button => e.type === 'button') : []));
}
