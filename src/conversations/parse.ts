// Reads a customer's answer in zh/en/es: digits (full-width too), Chinese numerals and words; anything doubtful is unclear.
import { CONVERSATION_TEMPLATES } from '../notify/texts.ts';
import type { AskTemplate } from './types.ts';

/** What a reply means: one of the template's choices, or unclear (ask again / hand off). */
export type ParsedReply = { kind: 'choice'; choice: string } | { kind: 'unclear'; reason: 'empty' | 'unknown' | 'ambiguous' | 'negated' };

const YES = ['yes', 'y', 'ok', 'okay', 'si', 'vale', 'claro', '是', '是的', '好', '好的', '可以', '行', '嗯', '对', '对的'];
const NO = ['no', 'n', 'nope', '不', '不要', '不行', '不用', '否'];

// Whole-reply words per template and choice (compared after normalising: NFKC, lower case, accents and punctuation gone).
const WORDS: Readonly<Record<AskTemplate, Readonly<Record<string, readonly string[]>>>> = {
  ask_stock: {
    wait: ['wait', 'i will wait', 'ill wait', 'esperar', 'espero', 'esperare', '等', '等待', '等货', '等到货', '我等', '等吧'],
    switch: ['switch', 'change', 'swap', 'replace', 'cambiar', 'cambio', 'cambialo', '换', '换货', '更换', '换一个', '换吧', '换同类'],
    cancel: ['cancel', 'cancel it', 'cancelar', 'cancela', 'cancelalo', '取消', '取消吧', '退', '退款', '不要了'],
  },
  ask_price: {
    accept: ['accept', 'agree', 'aceptar', 'acepto', 'de acuerdo', '接受', '同意', ...YES],
    decline: ['decline', 'reject', 'refuse', 'cancel', 'rechazar', 'rechazo', 'cancelar', '拒绝', '不接受', '不同意', '取消', ...NO],
  },
  ask_address: {
    confirm: ['confirm', 'correct', 'right', 'confirmar', 'confirmo', 'correcto', 'correcta', '确认', '正确', '没问题', '地址正确', ...YES],
    change: ['change', 'change it', 'wrong', 'cambiar', 'cambiarla', 'incorrecta', '修改', '改', '改地址', '不对', '错了', ...NO],
  },
};

const CHINESE_DIGITS: Readonly<Record<string, string>> = { 一: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5' };
// Words that may surround a chosen number ("我选2", "第二个", "option 2", "opción 2") without changing it.
const FILLERS = /我|选择|选|第|个|项|号|吧|的|了|啦|呢|啊|哦|option|opcion|number|numero|choose|elijo|la|el|please|por favor/gu;
const LATIN_NEGATION = / (not|dont|never|no|nunca) /u;
const CHINESE_NEGATION = /[不别没]/u;

/** Normalises a reply: NFKC (full-width digits and letters), lower case, no accents, no punctuation, single spaces. */
export function normalizeReply(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’]/g, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The choices of an asking template, in reply-digit order (`['wait', 'switch', 'cancel']`). */
export function choicesOf(template: AskTemplate): string[] {
  return Object.entries(CONVERSATION_TEMPLATES[template].replies)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, choice]) => choice);
}

/** Parses a reply to `template`; only one clear choice counts, anything else is unclear. */
export function parseReply(template: AskTemplate, text: string): ParsedReply {
  const norm = normalizeReply(text);
  if (!norm) return { kind: 'unclear', reason: 'empty' };
  const digits: Readonly<Record<string, string>> = CONVERSATION_TEMPLATES[template].replies;
  const words = WORDS[template];
  const whole = wholeWord(words, norm);
  if (whole) return { kind: 'choice', choice: whole };
  const bare = norm.replace(FILLERS, '').replace(/\s+/g, '');
  const numeral = CHINESE_DIGITS[bare] ?? (/^\d$/.test(bare) ? bare : undefined);
  if (numeral !== undefined) {
    const choice = digits[numeral];
    return choice ? { kind: 'choice', choice } : { kind: 'unclear', reason: 'unknown' };
  }
  const found = new Set<string>();
  let rest = ` ${norm} `;
  for (const d of norm.match(/\d+/g) ?? []) {
    const choice = digits[d];
    if (choice) found.add(choice);
  }
  // Longest keywords first, each blanked once matched, so "我不接受" is one "decline" and not "accept" plus a negation.
  for (const [word, choice] of keywordsOf(template)) {
    const pattern = HAN.test(word) ? word : ` ${word} `;
    if (!rest.includes(pattern)) continue;
    found.add(choice);
    rest = rest.split(pattern).join(' ');
  }
  if (found.size === 0) return { kind: 'unclear', reason: 'unknown' };
  // "don't cancel", "不要等": a keyword next to a negation is not an answer we dare act on.
  if (LATIN_NEGATION.test(rest) || CHINESE_NEGATION.test(rest)) return { kind: 'unclear', reason: 'negated' };
  if (found.size > 1) return { kind: 'unclear', reason: 'ambiguous' };
  const [choice] = [...found];
  return choice ? { kind: 'choice', choice } : { kind: 'unclear', reason: 'unknown' };
}

const HAN = /\p{Script=Han}/u;
const keywordCache = new Map<AskTemplate, [string, string][]>();

// Keywords that are unique to one choice of the template, longest first.
function keywordsOf(template: AskTemplate): [string, string][] {
  const cached = keywordCache.get(template);
  if (cached) return cached;
  const all = Object.entries(WORDS[template]).flatMap(([choice, list]) => list.map((w): [string, string] => [w, choice]));
  const unique = all.filter(([w]) => all.filter(([x]) => x === w).length === 1).sort(([a], [b]) => b.length - a.length);
  keywordCache.set(template, unique);
  return unique;
}

function wholeWord(words: Readonly<Record<string, readonly string[]>>, text: string): string | undefined {
  const hits = Object.entries(words).filter(([, list]) => list.includes(text));
  return hits.length === 1 ? hits[0]?.[0] : undefined;
}
