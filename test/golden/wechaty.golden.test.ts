// Golden tests for the staff WeChat renderer: every sample card in every language as the text WeChat shows,
// against checked-in .txt files (readable in review). Regenerate deliberately with UPDATE_GOLDEN=1 (then review).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CARD_SAMPLES } from '../../cards/samples.ts';
import { WECHATY_MAX_MESSAGE_CHARS } from '../../src/adapters/wechaty/limits.ts';
import { renderWechatyCard } from '../../src/adapters/wechaty/render.ts';
import { charLength } from '../../src/adapters/wechaty/text.ts';
import { cardButtons } from '../../src/core/card.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';

const DIR = join(new URL('./files/', import.meta.url).pathname, 'wechaty');

test('golden: every card on wechaty (staff WeChat text)', () => {
  mkdirSync(DIR, { recursive: true });
  let checked = 0;
  for (const sample of CARD_SAMPLES) {
    for (const lang of SUPPORTED_LANGUAGES) {
      // The hub sets the card's language; the renderer's own words ("回复 A1 …") follow it.
      const built = { ...sample.build(getT(lang, 'cards')), language: lang };
      const rendered = renderWechatyCard(built, { cardNo: 12, slot: cardButtons(built).length > 0 ? 'A' : undefined, revised: false });
      const file = join(DIR, `${sample.name}.${lang}.txt`);
      const text = `${rendered.text}\n`;
      // A new sample writes its file once locally; in CI a missing golden file is a failure, never silently created.
      if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(file) && process.env.CI !== 'true')) writeFileSync(file, text);
      assert.ok(existsSync(file), `wechaty/${sample.name}.${lang}: no golden file (run UPDATE_GOLDEN=1 locally and commit it)`);
      assert.equal(text, readFileSync(file, 'utf8'), `wechaty/${sample.name}.${lang} differs from its golden file`);
      assert.ok(charLength(rendered.text) <= WECHATY_MAX_MESSAGE_CHARS, `${sample.name}.${lang}: ${charLength(rendered.text)} characters`);
      // Every code bound is printed on its own reply line, in order.
      const printed = [...rendered.text.matchAll(/^(?:回复|reply|responde) (A\d+)\b/gm)].map((m) => m[1]);
      assert.deepEqual(printed, rendered.buttons.map((b) => b.code), `${sample.name}.${lang}: printed codes`);
      checked++;
    }
  }
  assert.equal(checked, CARD_SAMPLES.length * SUPPORTED_LANGUAGES.length);
  assert.ok(CARD_SAMPLES.length >= 10);
});
