// Sources switched to their fallback: while a row exists the engine pulls the fallback in the primary's place.
// State, not configuration: it lives in SQLite (survives a restart), never in the staff-edited settings document.
import type { Db } from './db.ts';

/** Schema of the switch table (module step `sync.source_switches`). */
export const SOURCE_SWITCHES_SQL = `
CREATE TABLE IF NOT EXISTS source_switches (
  source TEXT PRIMARY KEY,
  fallback TEXT NOT NULL,
  since INTEGER NOT NULL
);
`;

/** One switched source: `fallback` is pulled instead of `source` since `since` (epoch ms). */
export interface SourceSwitch {
  source: string;
  fallback: string;
  since: number;
}

/** Switched sources, one row per primary. */
export class SourceSwitchesRepo {
  constructor(private readonly db: Db) {}

  /** Switches `source` to `fallback`; switching again keeps the original `since` (unless the fallback changed). */
  async set(source: string, fallback: string, now: number): Promise<SourceSwitch> {
    await this.db.run(
      `INSERT INTO source_switches (source, fallback, since) VALUES (?, ?, ?)
       ON CONFLICT(source) DO UPDATE SET since = CASE WHEN source_switches.fallback = excluded.fallback THEN source_switches.since ELSE excluded.since END, fallback = excluded.fallback`,
      [source, fallback, now],
    );
    return (await this.get(source)) ?? { source, fallback, since: now };
  }

  /** Removes the switch of `source`; returns it when there was one. */
  async clear(source: string): Promise<SourceSwitch | undefined> {
    const current = await this.get(source);
    if (current) await this.db.run('DELETE FROM source_switches WHERE source = ?', [source]);
    return current;
  }

  /** The switch of `source`, if it is switched. */
  get(source: string): Promise<SourceSwitch | undefined> {
    return this.db.get<SourceSwitch>('SELECT source, fallback, since FROM source_switches WHERE source = ?', [source]);
  }

  /** Every switched source, by name. */
  list(): Promise<SourceSwitch[]> {
    return this.db.all<SourceSwitch>('SELECT source, fallback, since FROM source_switches ORDER BY source');
  }
}
