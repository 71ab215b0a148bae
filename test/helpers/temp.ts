// Shared test fixtures: temp dirs, a real SQLite store on a temp file, settings with given sources.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Settings, SourceSettings } from '../../src/settings/schema.ts';
import { readDefaultSettings } from '../../src/settings/store.ts';
import { Store } from '../../src/store/index.ts';

/** A fresh temp directory removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'orderops-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real store on a temp file, closed when the test ends. */
export async function tempStore(t: TestContext): Promise<{ store: Store; dir: string }> {
  const dir = tempDir(t);
  const store = await Store.open(join(dir, 'test.db'));
  t.after(() => store.close());
  return { store, dir };
}

/** The default settings with these sources (and optional overrides). */
export function settingsWith(sources: Partial<SourceSettings>[], patch: Partial<Settings> = {}): Settings {
  const base = readDefaultSettings();
  return {
    ...base,
    ...patch,
    sources: sources.map((s) => ({ kind: 'http-json', enabled: true, mapping: ['english-common'], options: {}, ...s }) as SourceSettings),
  };
}
