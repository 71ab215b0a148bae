import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const PLATFORM_SDKS = ['@slack/', '@larksuiteoapi/', 'wechaty', 'nodemailer', 'playwright'];

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('src/core, commands/ and cards/ import no platform SDK and nothing under src/adapters', () => {
  const checked = [...files(join(ROOT, 'src/core')), ...files(join(ROOT, 'commands')), ...files(join(ROOT, 'cards'))];
  assert.ok(checked.length > 0);
  const offenders: string[] = [];
  for (const file of checked) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
      const spec = m[1] ?? '';
      if (PLATFORM_SDKS.some((p) => spec.startsWith(p)) || spec.includes('/adapters/')) offenders.push(`${relative(ROOT, file)} -> ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('no test reads outside the repository (a clone has no ../shared)', () => {
  const offenders = files(join(ROOT, 'test'))
    .filter((f) => /(\.\.\/)+shared\/|\/work\/shared/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(ROOT, f))
    .filter((f) => f !== 'test/core/boundary.test.ts');
  assert.deepEqual(offenders, []);
});

test('the CLI and the composition root load no platform SDK up front (each is imported when its credentials are set)', () => {
  const heavy = ['./adapters/slack/index.ts', './adapters/feishu/index.ts', './adapters/wecom/index.ts', './adapters/wechaty/index.ts', './notify/channels/wechaty-bot.ts', './main.ts'];
  const offenders: string[] = [];
  for (const file of ['src/main.ts', 'src/cli.ts']) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/^import\s+(?!type\b)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1] ?? '';
      if (heavy.includes(spec) || PLATFORM_SDKS.some((p) => spec.startsWith(p))) offenders.push(`${file} -> ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});
