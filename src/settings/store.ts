import { mkdirSync, readFileSync, existsSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSONFile } from 'lowdb/node';
import { Low } from 'lowdb';
import { UserError } from '../core/errors.ts';
import { formatIssues, settingsSchema, type Settings } from './schema.ts';

/** The checked-in defaults a new settings document starts from. */
export const DEFAULT_SETTINGS_PATH = fileURLToPath(new URL('../../data/default-settings.json', import.meta.url));

/** Parses and validates a settings document; a bad one is a UserError naming each bad field. */
export function parseSettings(raw: unknown, file = 'settings.json'): Settings {
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    throw new UserError('settings.invalid', `${file} is not valid:\n${formatIssues(result.error)}`, { file });
  }
  return result.data;
}

/** Reads the checked-in defaults. */
export function readDefaultSettings(): Settings {
  return parseSettings(JSON.parse(readFileSync(DEFAULT_SETTINGS_PATH, 'utf8')), DEFAULT_SETTINGS_PATH);
}

/** The live settings document: validated on open, edits validated before they are written (atomically). */
export class SettingsStore {
  private constructor(
    private readonly db: Low<Settings>,
    readonly file: string,
  ) {}

  /** Opens `<dataDir>/settings.json`, creating it from the defaults on first start. */
  static async open(dataDir: string): Promise<SettingsStore> {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'settings.json');
    if (!existsSync(file)) copyFileSync(DEFAULT_SETTINGS_PATH, file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UserError('settings.bad_json', `${file} is not valid JSON: ${(err as Error).message}`, { file });
    }
    const db = new Low<Settings>(new JSONFile<Settings>(file), parseSettings(raw, file));
    return new SettingsStore(db, file);
  }

  /** The current, validated settings. */
  get(): Settings {
    return this.db.data;
  }

  /** Applies `edit` to a copy, validates it, then writes it atomically; the old document stays on error. */
  async update(edit: (draft: Settings) => void): Promise<Settings> {
    const draft = structuredClone(this.db.data);
    edit(draft);
    this.db.data = parseSettings(draft, this.file);
    await this.db.write();
    return this.db.data;
  }
}
