// What Feishu checks on a card JSON 2.0 (PLATFORMS.md 2.2-2.4), for the fake API and the golden tests: schema
// "2.0", config.update_multi true, ≤ 30 KB serialized, ≤ 200 components (nested ones counted), no `tag:
// "action"` (error 200861), and no property the 2.0 docs do not list (2.0 rejects unknown properties).

/** The verdict on one card. */
export type CardVerdict = { ok: true; bytes: number; elements: number } | { ok: false; code: number; error: string };

const MAX_BYTES = 30 * 1024;
const MAX_ELEMENTS = 200;

// Documented properties of the 2.0 components we know (a subset of each component's full list is fine here).
const COMPONENT_KEYS: Record<string, readonly string[]> = {
  markdown: ['tag', 'element_id', 'margin', 'text_align', 'text_size', 'icon', 'content'],
  hr: ['tag', 'element_id', 'margin'],
  column_set: ['tag', 'element_id', 'margin', 'horizontal_spacing', 'horizontal_align', 'flex_mode', 'background_style', 'columns', 'action'],
  column: ['tag', 'element_id', 'background_style', 'width', 'weight', 'vertical_align', 'vertical_spacing', 'horizontal_align', 'padding', 'direction', 'margin', 'elements', 'action'],
  button: ['tag', 'element_id', 'margin', 'type', 'size', 'width', 'text', 'icon', 'hover_tips', 'disabled', 'disabled_tips', 'confirm', 'behaviors'],
  table: ['tag', 'element_id', 'margin', 'page_size', 'row_height', 'row_max_height', 'freeze_first_column', 'header_style', 'columns', 'rows'],
};
const TOP_KEYS = ['schema', 'config', 'header', 'body', 'card_link'];
const CONFIG_KEYS = ['update_multi', 'summary', 'streaming_mode', 'width_mode', 'enable_forward', 'locales', 'style'];
const HEADER_KEYS = ['title', 'subtitle', 'template', 'icon', 'padding', 'text_tag_list'];
const BODY_KEYS = ['elements', 'direction', 'padding', 'horizontal_spacing', 'vertical_spacing', 'horizontal_align', 'vertical_align'];
const TEMPLATES = new Set(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default']);

class Refusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Refusal(230099, `${where} is not an object`);
  return v as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new Refusal(230099, `${where}: unknown property "${k}"`);
}

function text(v: unknown, where: string): void {
  const t = obj(v, where);
  onlyKeys(t, ['tag', 'content', 'i18n_content'], where);
  if (t.tag !== 'plain_text' && t.tag !== 'lark_md') throw new Refusal(230099, `${where}.tag must be plain_text or lark_md`);
  if (typeof t.content !== 'string') throw new Refusal(230099, `${where}.content must be a string`);
}

function checkButton(b: Record<string, unknown>, where: string): void {
  text(b.text, `${where}.text`);
  const behaviors = b.behaviors;
  if (!Array.isArray(behaviors) || behaviors.length === 0) throw new Refusal(230099, `${where}: a button needs behaviors`);
  for (const [i, raw] of behaviors.entries()) {
    const beh = obj(raw, `${where}.behaviors[${i}]`);
    if (beh.type === 'callback') {
      onlyKeys(beh, ['type', 'value'], `${where}.behaviors[${i}]`);
      obj(beh.value, `${where}.behaviors[${i}].value`);
    } else if (beh.type === 'open_url') onlyKeys(beh, ['type', 'default_url', 'pc_url', 'ios_url', 'android_url'], `${where}.behaviors[${i}]`);
    else throw new Refusal(230099, `${where}.behaviors[${i}].type unknown`);
  }
  if (b.confirm !== undefined) {
    const c = obj(b.confirm, `${where}.confirm`);
    onlyKeys(c, ['title', 'text'], `${where}.confirm`);
    text(c.title, `${where}.confirm.title`);
    text(c.text, `${where}.confirm.text`);
  }
}

function walk(list: unknown, where: string): number {
  if (!Array.isArray(list)) throw new Refusal(230099, `${where} is not an array`);
  let count = 0;
  for (const [i, raw] of list.entries()) {
    const here = `${where}[${i}]`;
    const el = obj(raw, here);
    const tag = el.tag;
    if (tag === 'action') throw new Refusal(200861, 'unsupported tag action');
    const keys = typeof tag === 'string' ? COMPONENT_KEYS[tag] : undefined;
    if (!keys) throw new Refusal(230099, `${here}: unknown tag ${String(tag)}`);
    onlyKeys(el, keys, here);
    count += 1;
    if (tag === 'markdown' && typeof el.content !== 'string') throw new Refusal(230099, `${here}.content must be a string`);
    if (tag === 'column_set') count += walk(el.columns, `${here}.columns`);
    if (tag === 'column') count += walk(el.elements, `${here}.elements`);
    if (tag === 'button') checkButton(el, here);
    if (tag === 'table') {
      const ps = el.page_size;
      if (typeof ps !== 'number' || ps < 1 || ps > 10) throw new Refusal(230099, `${here}.page_size must be 1..10`);
      if (!Array.isArray(el.columns) || !Array.isArray(el.rows)) throw new Refusal(230099, `${here}: columns and rows must be arrays`);
      for (const c of el.columns) onlyKeys(obj(c, `${here}.columns[]`), ['name', 'display_name', 'data_type', 'width', 'horizontal_align', 'vertical_align', 'format'], `${here}.columns[]`);
    }
  }
  return count;
}

/** Validates a card given as an object or as the JSON string of `content`. */
export function validateFeishuCard(card: unknown): CardVerdict {
  try {
    const textForm = typeof card === 'string' ? card : JSON.stringify(card);
    const bytes = Buffer.byteLength(textForm, 'utf8');
    if (bytes > MAX_BYTES) throw new Refusal(230025, `card is ${bytes} bytes (max ${MAX_BYTES})`);
    const c = obj(typeof card === 'string' ? (JSON.parse(card) as unknown) : card, 'card');
    onlyKeys(c, TOP_KEYS, 'card');
    if (c.schema !== '2.0') throw new Refusal(230099, 'schema must be "2.0"');
    const config = obj(c.config, 'config');
    onlyKeys(config, CONFIG_KEYS, 'config');
    if (config.update_multi !== true) throw new Refusal(230099, 'config.update_multi must be true');
    if (config.summary !== undefined) onlyKeys(obj(config.summary, 'config.summary'), ['content', 'i18n_content'], 'config.summary');
    if (c.header !== undefined) {
      const h = obj(c.header, 'header');
      onlyKeys(h, HEADER_KEYS, 'header');
      text(h.title, 'header.title');
      if (h.template !== undefined && !TEMPLATES.has(String(h.template))) throw new Refusal(230099, `header.template ${String(h.template)} unknown`);
    }
    const body = obj(c.body, 'body');
    onlyKeys(body, BODY_KEYS, 'body');
    const elements = walk(body.elements, 'body.elements');
    // At most five table components per card, and only at the card's root.
    const tables = (body.elements as { tag?: unknown }[]).filter((e) => e.tag === 'table').length;
    if (tables > 5) throw new Refusal(230099, `card has ${tables} tables (max 5)`);
    if (JSON.stringify(body.elements).split('"tag":"table"').length - 1 > tables) throw new Refusal(230099, 'a table may only sit at the root of the body');
    if (elements > MAX_ELEMENTS) throw new Refusal(230099, `card has ${elements} components (max ${MAX_ELEMENTS})`);
    return { ok: true, bytes, elements };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, code: err.code, error: err.message };
    return { ok: false, code: 230099, error: err instanceof Error ? err.message : String(err) };
  }
}
