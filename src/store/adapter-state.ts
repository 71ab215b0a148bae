import type { Db } from './db.ts';

/** Schema of the adapters' small durable state (a step of the module migrations). */
export const ADAPTER_STATE_SQL = `
  CREATE TABLE adapter_state (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX adapter_state_expiry ON adapter_state(expires_at) WHERE expires_at IS NOT NULL;
`;

/**
 * Small per-platform facts that must survive a restart (WeCom's single-use response codes, the reply codes a
 * staff WeChat card printed, …): a JSON value per (scope, key), optionally expiring.
 */
export class AdapterStateRepo {
  constructor(private readonly db: Db) {}

  /** The value stored under (scope, key), unless it expired before `now`. */
  async get<T>(scope: string, key: string, now: number): Promise<T | undefined> {
    const row = await this.db.get<{ value: string }>('SELECT value FROM adapter_state WHERE scope = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)', [scope, key, now]);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  /** Stores `value` under (scope, key), replacing what was there. */
  async put(scope: string, key: string, value: unknown, now: number, expiresAt?: number): Promise<void> {
    await this.db.run(
      `INSERT INTO adapter_state (scope, key, value, expires_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      [scope, key, JSON.stringify(value), expiresAt ?? null, now],
    );
  }

  /** Removes (scope, key); true when something was there (a single-use value is taken once). */
  async take(scope: string, key: string): Promise<boolean> {
    const r = await this.db.run('DELETE FROM adapter_state WHERE scope = ? AND key = ?', [scope, key]);
    return r.changes > 0;
  }

  /** Drops expired rows; returns how many. */
  async prune(now: number): Promise<number> {
    const r = await this.db.run('DELETE FROM adapter_state WHERE expires_at IS NOT NULL AND expires_at <= ?', [now]);
    return r.changes;
  }
}
