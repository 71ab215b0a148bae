// Golden tests for the Feishu renderer: every sample card in every language against checked-in files, each one
// also validated like Feishu would (2.0 schema, update_multi, ≤ 30 KB, ≤ 200 components, documented properties).
// Regenerate deliberately with UPDATE_GOLDEN=1 (then review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CARD_SAMPLES } from '../../cards/samples.ts';
import { renderFeishuCard } from '../../src/adapters/feishu/render.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { validateFeishuCard } from '../fakes/feishu-card.ts';

const DIR = new URL('./files/feishu/', import.meta.url).pathname;

test('golden: every card on feishu', () => {
  mkdirSync(DIR, { recursive: true });
  let checked = 0;
  for (const sample of CARD_SAMPLES) {
    for (const lang of SUPPORTED_LANGUAGES) {
      // The hub sets the card's language; the renderer's own words (omission notes) follow it.
      const rendered = renderFeishuCard({ ...sample.build(getT(lang, 'cards')), language: lang });
      const file = join(DIR, `${sample.name}.${lang}.json`);
      const text = `${JSON.stringify(rendered, null, 2)}\n`;
      if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(file) && process.env.CI !== 'true')) writeFileSync(file, text);
      assert.ok(existsSync(file), `feishu/${sample.name}.${lang}: no golden file (run UPDATE_GOLDEN=1 locally and commit it)`);
      assert.equal(text, readFileSync(file, 'utf8'), `feishu/${sample.name}.${lang} differs from its golden file`);
      const verdict = validateFeishuCard(rendered);
      assert.ok(verdict.ok, `${sample.name}.${lang}: Feishu would reject it: ${JSON.stringify(verdict)}`);
      checked++;
    }
  }
  assert.equal(checked, CARD_SAMPLES.length * SUPPORTED_LANGUAGES.length);
  assert.ok(CARD_SAMPLES.length >= 10);
});
