// Golden tests for the WeCom renderer: every sample card in every language against checked-in files, and every
// rendered card accepted by the fake WeCom's template_card validator (the robot's markdown within 4096 bytes).
// Regenerate deliberately with UPDATE_GOLDEN=1 (then review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CARD_SAMPLES } from '../../cards/samples.ts';
import { renderWeComCard } from '../../src/adapters/wecom/render.ts';
import { renderRobotMarkdown } from '../../src/adapters/wecom/robot.ts';
import { getT, SUPPORTED_LANGUAGES } from '../../src/core/i18n.ts';
import { validateTemplateCard } from '../fakes/wecom-cards.ts';

const DIR = new URL('./files/wecom/', import.meta.url).pathname;
// Fixed so the files are stable: the adapter makes a fresh task_id per posted card.
const OPTS = { taskId: 'oo_golden_0001', cardUrl: 'https://orderops.example/console' };

test('golden: every card on wecom', () => {
  mkdirSync(DIR, { recursive: true });
  let checked = 0;
  for (const sample of CARD_SAMPLES) {
    for (const lang of SUPPORTED_LANGUAGES) {
      const built = { ...sample.build(getT(lang, 'cards')), language: lang };
      const rendered = { ...renderWeComCard(built, OPTS), robot: renderRobotMarkdown(built) };
      const file = join(DIR, `${sample.name}.${lang}.json`);
      const text = `${JSON.stringify(rendered, null, 2)}\n`;
      // A new sample writes its file once locally; in CI a missing golden file is a failure, never silently created.
      if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(file) && process.env.CI !== 'true')) writeFileSync(file, text);
      assert.ok(existsSync(file), `wecom/${sample.name}.${lang}: no golden file (run UPDATE_GOLDEN=1 locally and commit it)`);
      assert.equal(text, readFileSync(file, 'utf8'), `wecom/${sample.name}.${lang} differs from its golden file`);
      const verdict = validateTemplateCard(rendered.card);
      assert.deepEqual([...verdict.problems, ...(verdict.taskIdProblem ? [verdict.taskIdProblem] : [])], [], `${sample.name}.${lang}: WeCom would reject it`);
      assert.ok(Buffer.byteLength(rendered.robot) <= 4096, `${sample.name}.${lang}: robot markdown over 4096 bytes`);
      checked++;
    }
  }
  assert.equal(checked, CARD_SAMPLES.length * SUPPORTED_LANGUAGES.length);
  assert.ok(CARD_SAMPLES.length >= 10);
});
