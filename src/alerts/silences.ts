// Silences: label matchers with an end time, kept in the settings document; matching alerts are not posted.
import { randomUUID } from 'node:crypto';
import type { Settings } from '../settings/schema.ts';
import type { FindingLabels } from '../detect/types.ts';
import { isFindingKind, MATCHER_LABELS, matchesAll, type MatcherLabel, type Matchers } from './labels.ts';

/** One silence as the settings document stores it. */
export type Silence = Settings['silences'][number];

/** The settings document as silences need it (SettingsStore satisfies it; update is atomic). */
export interface SettingsWriter {
  get(): Settings;
  update(edit: (draft: Settings) => void): Promise<Settings>;
}

/** The longest silence one command may create. */
export const MAX_SILENCE_MS = 90 * 86_400_000;

/** Silences still in force at `now`. */
export function activeSilences(silences: readonly Silence[], now: number): Silence[] {
  return silences.filter((s) => Date.parse(s.until) > now);
}

/** The first silence matching an alert's labels, if any. */
export function silenceFor(labels: FindingLabels, silences: readonly Silence[]): Silence | undefined {
  return silences.find((s) => matchesAll(s.matchers, labels));
}

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `30m`, `24h`, `7d`, `1d12h`; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (!/^(\d+(?:\.\d+)?[smhdw])+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) ms += Number(m[1]) * (UNITS[m[2] ?? 'h'] ?? 0);
  return ms > 0 ? Math.round(ms) : undefined;
}

/** Why a silence spec was refused. */
export type SilenceSpecError = { code: 'no_matchers' } | { code: 'no_duration' } | { code: 'bad_word'; word: string } | { code: 'bad_kind'; value: string } | { code: 'too_long' };

/** Parses `kind=stale source=wms 24h` into matchers and a duration. */
export function parseSilenceSpec(words: readonly string[]): { ok: true; matchers: Matchers; durationMs: number } | { ok: false; error: SilenceSpecError } {
  const matchers: Matchers = {};
  let durationMs: number | undefined;
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq > 0) {
      const name = word.slice(0, eq);
      const value = word.slice(eq + 1);
      const label = MATCHER_LABELS.find((l) => l.toLowerCase() === name.toLowerCase());
      if (!label || value === '') return { ok: false, error: { code: 'bad_word', word } };
      if (label === 'kind' && !isFindingKind(value)) return { ok: false, error: { code: 'bad_kind', value } };
      matchers[label] = value;
      continue;
    }
    const d = parseDuration(word);
    if (d === undefined || durationMs !== undefined) return { ok: false, error: { code: 'bad_word', word } };
    durationMs = d;
  }
  if (Object.keys(matchers).length === 0) return { ok: false, error: { code: 'no_matchers' } };
  if (durationMs === undefined) return { ok: false, error: { code: 'no_duration' } };
  if (durationMs > MAX_SILENCE_MS) return { ok: false, error: { code: 'too_long' } };
  return { ok: true, matchers, durationMs };
}

/** Creates, lists and expires silences in the settings document. */
export class SilenceStore {
  constructor(private readonly settings: SettingsWriter) {}

  /** Silences in force at `now`. */
  active(now: number): Silence[] {
    return activeSilences(this.settings.get().silences, now);
  }

  /** Adds a silence (and drops ones that ended) in one atomic write; returns it. */
  async add(input: { matchers: Matchers; until: number; createdBy: string; comment?: string }, now: number): Promise<Silence> {
    const matchers: Partial<Record<MatcherLabel, string>> = {};
    for (const l of MATCHER_LABELS) if (input.matchers[l] !== undefined) matchers[l] = input.matchers[l];
    const silence: Silence = { id: randomUUID().slice(0, 8), matchers, until: new Date(input.until).toISOString(), createdBy: input.createdBy, comment: input.comment ?? '' };
    await this.settings.update((draft) => {
      draft.silences = [...activeSilences(draft.silences, now), silence];
    });
    return silence;
  }

  /** Ends a silence now; false when no silence in force has that id. */
  async expire(id: string, now: number): Promise<boolean> {
    const wanted = id.trim().toLowerCase();
    if (!this.active(now).some((s) => s.id.toLowerCase() === wanted)) return false;
    await this.settings.update((draft) => {
      draft.silences = activeSilences(draft.silences, now).filter((s) => s.id.toLowerCase() !== wanted);
    });
    return true;
  }
}
