// Reply codes (pure): the letters a card's version gets in one place, and reading a code back out of a reply.

// No I or O: people mistake them for 1 and 0.
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** How many card versions with buttons one place keeps codes for (A…Z, then AA…ZZ); older ones are reused. */
export const SLOTS_PER_PLACE = LETTERS.length + LETTERS.length * LETTERS.length;

/** The letters of slot `index` (0 → "A", 23 → "Z", 24 → "AA", …), wrapping after SLOTS_PER_PLACE. */
export function slotLetters(index: number): string {
  const k = ((index % SLOTS_PER_PLACE) + SLOTS_PER_PLACE) % SLOTS_PER_PLACE;
  if (k < LETTERS.length) return LETTERS.charAt(k);
  const j = k - LETTERS.length;
  return LETTERS.charAt(Math.floor(j / LETTERS.length)) + LETTERS.charAt(j % LETTERS.length);
}

/** A code as someone typed it back: letters (the card version) and the button's number (1-based). */
export interface ReplyCode {
  code: string;
  slot: string;
  index: number;
}

// "A1", "a1", "回复 A1", "回复A1", "reply a1", "responde A1.", fullwidth "Ａ１" (normalised first).
const CODE = /^(?:回复|回覆|reply|responde|responder)?\s*[:：]?\s*([a-z]{1,2})\s*([1-9][0-9]?)\s*[.!。！]?$/i;

/** The reply code `text` is, if it is one; letters I and O are read too (and then match nothing). */
export function parseReplyCode(text: string): ReplyCode | undefined {
  const m = CODE.exec(text.normalize('NFKC').trim());
  if (!m) return undefined;
  const slot = (m[1] ?? '').toUpperCase();
  const index = Number(m[2]);
  return { code: `${slot}${index}`, slot, index };
}
