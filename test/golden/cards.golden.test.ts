// Golden tests: every sample card on every renderer, in every language, against checked-in files.
// Regenerate deliberately with UPDATE_GOLDEN=1 npm test (then review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CARD_SAMPLES } from '../../cards/samples.ts';
import { renderConsoleCard } from '../../src/adapters/console/render.ts';
import { renderSlackCard } from '../../src/adapters/slack/render.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { validateBlocks } from '../fakes/slack-blocks.ts';

const DIR = new URL('./files/', import.meta.url).pathname;
const RENDERERS: Record<string, (card: Parameters<typeof renderSlackCard>[0]) => unknown> = {
  slack: renderSlackCard,
  console: renderConsoleCard,
};

for (const [renderer, render] of Object.entries(RENDERERS)) {
  test(`golden: every card on ${renderer}`, () => {
    mkdirSync(join(DIR, renderer), { recursive: true });
    let checked = 0;
    for (const sample of CARD_SAMPLES) {
      for (const lang of SUPPORTED_LANGUAGES) {
        const rendered = render(sample.build(getT(lang, 'cards')));
        const file = join(DIR, renderer, `${sample.name}.${lang}.json`);
        const text = `${JSON.stringify(rendered, null, 2)}\n`;
        // A new sample writes its file once locally; in CI a missing golden file is a failure, never silently created.
        if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(file) && process.env.CI !== 'true')) writeFileSync(file, text);
        assert.ok(existsSync(file), `${renderer}/${sample.name}.${lang}: no golden file (run UPDATE_GOLDEN=1 npm test locally and commit it)`);
        assert.equal(text, readFileSync(file, 'utf8'), `${renderer}/${sample.name}.${lang} differs from its golden file`);
        if (renderer === 'slack') {
          const verdict = validateBlocks((rendered as { blocks: unknown }).blocks);
          assert.ok(verdict.ok, `${sample.name}.${lang}: Slack would reject it: ${JSON.stringify(verdict)}`);
        }
        checked++;
      }
    }
    assert.equal(checked, CARD_SAMPLES.length * SUPPORTED_LANGUAGES.length);
    assert.ok(CARD_SAMPLES.length >= 10);
  });
}
