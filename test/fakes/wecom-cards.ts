// What WeCom checks in a template_card (doc 94888 / 90236, PLATFORMS.md 3.3), as the fake applies it and the
// golden tests reuse it: problems come back as a list; `taskIdProblem` is separate because WeCom answers 42014.
const TASK_ID = /^[0-9A-Za-z_\-@]{1,128}$/;

/** The verdict on one card. */
export interface CardVerdict {
  problems: string[];
  taskIdProblem?: string;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function chars(v: unknown): number {
  return typeof v === 'string' ? [...v].length : 0;
}

/** Checks a template_card; `update` skips the task_id (update_template_card keeps the card's own). */
export function validateTemplateCard(card: unknown, opts: { update?: boolean } = {}): CardVerdict {
  const problems: string[] = [];
  if (!isObj(card)) return { problems: ['template_card is not an object'] };
  const type = card.card_type;
  if (type !== 'button_interaction' && type !== 'text_notice') problems.push(`card_type ${String(type)} not supported here`);
  const title = isObj(card.main_title) ? card.main_title : undefined;
  if (type === 'button_interaction' && (!title || typeof title.title !== 'string' || title.title === '')) problems.push('main_title.title is required');
  if (type === 'text_notice' && !(title && typeof title.title === 'string' && title.title !== '') && typeof card.sub_title_text !== 'string') problems.push('main_title.title or sub_title_text is required');
  if (chars(title?.title) > 36) problems.push('main_title.title over 36 characters');
  if (chars(title?.desc) > 44) problems.push('main_title.desc over 44 characters');
  if (chars(card.sub_title_text) > 160) problems.push('sub_title_text over 160 characters');
  if (isObj(card.source) && chars(card.source.desc) > 20) problems.push('source.desc over 20 characters');
  if (isObj(card.source) && ![undefined, 0, 1, 2, 3].includes(card.source.desc_color as number)) problems.push('source.desc_color not 0-3');
  if (card.horizontal_content_list !== undefined) {
    const list = card.horizontal_content_list;
    if (!Array.isArray(list) || list.length > 6) problems.push('horizontal_content_list over 6 items');
    else for (const h of list) if (!isObj(h) || typeof h.keyname !== 'string' || h.keyname === '' || chars(h.keyname) > 5 || chars(h.value) > 30) problems.push('horizontal_content_list item over its limits');
  }
  if (card.quote_area !== undefined && (!isObj(card.quote_area) || chars(card.quote_area.quote_text) > 600)) problems.push('quote_area.quote_text over 600 characters');
  if (type === 'text_notice' && !(isObj(card.card_action) && card.card_action.type === 1 && typeof card.card_action.url === 'string')) problems.push('text_notice needs card_action');
  if (type === 'button_interaction') {
    const buttons = card.button_list;
    if (!Array.isArray(buttons) || buttons.length === 0) problems.push('button_list is required');
    else {
      if (buttons.length > 6) problems.push('button_list over 6 buttons');
      const keys = new Set<string>();
      for (const b of buttons) {
        if (!isObj(b) || typeof b.text !== 'string' || b.text === '') problems.push('button without text');
        else if (chars(b.text) > 10) problems.push('button text over 10 characters');
        if (isObj(b) && ![undefined, 1, 2, 3, 4].includes(b.style as number)) problems.push('button style not 1-4');
        const key = isObj(b) ? b.key : undefined;
        if (isObj(b) && (b.type ?? 0) === 0) {
          if (typeof key !== 'string' || key === '') problems.push('callback button without key');
          else if (Buffer.byteLength(key) > 1024) problems.push('button key over 1024 bytes');
          else if (keys.has(key)) problems.push('button keys repeat');
          else keys.add(key);
        }
      }
    }
  }
  if (!opts.update && (type === 'button_interaction' || card.task_id !== undefined)) {
    const id = card.task_id;
    if (typeof id !== 'string' || !TASK_ID.test(id) || Buffer.byteLength(id) > 128) return { problems, taskIdProblem: 'task_id must be 1-128 bytes of [0-9A-Za-z_-@]' };
  }
  return { problems };
}
