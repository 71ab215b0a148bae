// Card → WeCom template_card (pure). A card with buttons is a `button_interaction` card (≤ 6 callback buttons,
// each key carrying action and value); one without is a `text_notice` that opens `cardUrl` when tapped. Every
// documented limit is kept: text is cut with "…", buttons beyond six become a "more actions" line.
import type { Card, CardButton, Severity } from '../../core/card.ts';
import { cardButtons } from '../../core/card.ts';
import { getT } from '../../core/i18n.ts';
import { encodeButtonKey, type ButtonTarget } from './button-key.ts';
import { WECOM_LIMITS as L } from './limits.ts';
import { elementLines, toPlain, truncate, truncateBytes } from './text.ts';

/** One callback button. */
export interface WeComButton {
  type: 0;
  text: string;
  style: 1 | 2 | 3 | 4;
  key: string;
}

/** The template_card object of message/send and update_template_card. */
export interface WeComTemplateCard {
  card_type: 'button_interaction' | 'text_notice';
  source: { desc: string; desc_color: 0 | 1 | 2 | 3 };
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  horizontal_content_list?: { keyname: string; value: string }[];
  quote_area?: { type: 0; quote_text: string };
  card_action?: { type: 1; url: string };
  button_list?: WeComButton[];
  task_id?: string;
}

/** A rendered card and the meanings of any button keys too long to carry them. */
export interface RenderedWeComCard {
  card: WeComTemplateCard;
  stored: Record<string, ButtonTarget>;
}

/** What the renderer needs besides the card. */
export interface WeComRenderOptions {
  /** The card's task_id (unique per app; the adapter makes one per posted card). */
  taskId: string;
  /** Where a card without buttons opens (text_notice requires a card_action). */
  cardUrl: string;
}

// 0 grey, 1 black, 2 red, 3 green: the only colours a card has.
const SEVERITY_COLOR: Record<Severity, 0 | 1 | 2 | 3> = { info: 0, success: 3, warning: 2, danger: 2 };
// 1 primary (blue), 2 secondary, 3 red, 4 grey (doc 94888 "按钮样式").
const BUTTON_STYLE: Record<NonNullable<CardButton['style']>, 1 | 2 | 3> = { primary: 1, default: 2, danger: 3 };

function titleOf(card: Card): string {
  const candidates = [card.header?.title ?? '', card.fallbackText, ...card.elements.flatMap((e) => elementLines(e, true))];
  const title = candidates.find((c) => c.trim() !== '') ?? '…';
  return truncate(toPlain(title).replace(/\s+/g, ' ').trim(), L.mainTitle);
}

function renderButtons(buttons: CardButton[]): { list: WeComButton[]; stored: Record<string, ButtonTarget> } {
  const stored: Record<string, ButtonTarget> = {};
  const list = buttons.slice(0, L.buttons).map((b, i): WeComButton => {
    const { key, stored: kept } = encodeButtonKey(i, { actionId: b.actionId, value: b.value });
    if (kept) stored[key] = kept;
    return { type: 0, text: truncate(b.label.replace(/\s+/g, ' ').trim() || '…', L.buttonText), style: BUTTON_STYLE[b.style ?? 'default'], key };
  });
  return { list, stored };
}

/** Renders a neutral card as a template_card within every documented limit. */
export function renderWeComCard(card: Card, opts: WeComRenderOptions): RenderedWeComCard {
  const t = getT(card.language, 'wecom');
  const severity = card.header?.severity ?? 'info';
  const horizontal: { keyname: string; value: string }[] = [];
  const lines: string[] = [];
  let subTitle: string | undefined;
  let desc: string | undefined;
  for (const e of card.elements) {
    if (e.type === 'fields') {
      for (const f of e.fields) {
        const label = toPlain(f.label).trim();
        // Labels longer than the 5 characters WeCom shows would be cut to nonsense: they go in the text instead.
        if (label !== '' && [...label].length <= L.horizontalKeyname && horizontal.length < L.horizontalItems) {
          horizontal.push({ keyname: label, value: truncate(toPlain(f.value).replace(/\s+/g, ' ').trim() || '—', L.horizontalValue) });
        } else lines.push(...elementLines({ type: 'fields', fields: [f] }, true));
      }
      continue;
    }
    const text = elementLines(e, true);
    if (e.type === 'context' && desc === undefined && [...(text[0] ?? '')].length <= L.mainTitleDesc && text.length === 1) desc = text[0];
    else if (e.type === 'text' && subTitle === undefined && lines.length === 0 && [...(text[0] ?? '')].length <= L.subTitleText) subTitle = text[0];
    else lines.push(...text);
  }
  const buttons = cardButtons(card);
  const more = buttons.length > L.buttons ? t('moreActions', { count: buttons.length - L.buttons }) : undefined;
  const body = lines.join('\n').trim();
  const quote = more ? `${body ? `${truncate(body, L.quoteText - [...more].length - 1)}\n` : ''}${more}` : body ? truncate(body, L.quoteText) : '';
  const rendered: WeComTemplateCard = {
    card_type: buttons.length > 0 ? 'button_interaction' : 'text_notice',
    source: { desc: truncate(t('source', { severity: t(`severity.${severity}`) }), L.sourceDesc), desc_color: SEVERITY_COLOR[severity] },
    main_title: { title: titleOf(card), ...(desc ? { desc } : {}) },
    ...(subTitle ? { sub_title_text: subTitle } : {}),
    ...(horizontal.length > 0 ? { horizontal_content_list: horizontal } : {}),
    ...(quote ? { quote_area: { type: 0 as const, quote_text: quote } } : {}),
  };
  if (buttons.length === 0) return { card: { ...rendered, card_action: { type: 1, url: opts.cardUrl }, task_id: opts.taskId }, stored: {} };
  const { list, stored } = renderButtons(buttons);
  return { card: { ...rendered, button_list: list, task_id: opts.taskId }, stored };
}

/** Plain outbound text (markdown subset stripped) within the 2048-byte text message limit. */
export function renderWeComText(text: string): string {
  const plain = toPlain(text).trim();
  return truncateBytes(plain === '' ? '…' : plain, L.textBytes);
}
