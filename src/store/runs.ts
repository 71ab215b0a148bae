import type { Db } from './db.ts';

/** How a run ended. */
export type RunStatus = 'running' | 'ok' | 'failed' | 'interrupted';

/** One recorded sync run. */
export interface RunRecord {
  id: number;
  source: string;
  system: string;
  trigger: string;
  startedAt: number;
  finishedAt: number | null;
  status: RunStatus;
  fetched: number;
  changed: number;
  quarantined: number;
  errors: number;
  fallbackUsed: string | null;
  error: string | null;
  durationMs: number | null;
}

interface RunRow {
  id: number;
  source: string;
  system: string;
  trigger: string;
  started_at: number;
  finished_at: number | null;
  status: RunStatus;
  fetched: number;
  changed: number;
  quarantined: number;
  errors: number;
  fallback_used: string | null;
  error: string | null;
  duration_ms: number | null;
}

function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    source: r.source,
    system: r.system,
    trigger: r.trigger,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    fetched: r.fetched,
    changed: r.changed,
    quarantined: r.quarantined,
    errors: r.errors,
    fallbackUsed: r.fallback_used,
    error: r.error,
    durationMs: r.duration_ms,
  };
}

/** Counters a run accumulates. */
export interface RunCounters {
  fetched: number;
  changed: number;
  quarantined: number;
  errors: number;
}

/** Sync run bookkeeping. */
export class RunsRepo {
  constructor(private readonly db: Db) {}

  /** Records the start of a run and returns its id. */
  async start(source: string, system: string, trigger: string, now: number): Promise<number> {
    const res = await this.db.run("INSERT INTO runs (source, system, trigger, started_at, status) VALUES (?, ?, ?, ?, 'running')", [source, system, trigger, now]);
    return res.lastID;
  }

  /** Records how a run ended. */
  async finish(id: number, status: RunStatus, counters: RunCounters, now: number, extra: { error?: string; fallbackUsed?: string } = {}): Promise<void> {
    await this.db.run(
      'UPDATE runs SET status = ?, finished_at = ?, fetched = ?, changed = ?, quarantined = ?, errors = ?, error = ?, fallback_used = ?, duration_ms = ? - started_at WHERE id = ?',
      [status, now, counters.fetched, counters.changed, counters.quarantined, counters.errors, extra.error ?? null, extra.fallbackUsed ?? null, now, id],
    );
  }

  /** Marks runs left 'running' by a crashed process as interrupted. */
  async markInterrupted(now: number): Promise<number> {
    const res = await this.db.run("UPDATE runs SET status = 'interrupted', finished_at = ?, error = 'process stopped during the run' WHERE status = 'running'", [now]);
    return res.changes;
  }

  /** One run by id. */
  async get(id: number): Promise<RunRecord | undefined> {
    const row = await this.db.get<RunRow>('SELECT * FROM runs WHERE id = ?', [id]);
    return row ? toRun(row) : undefined;
  }

  /** The latest run of each source. */
  async latestPerSource(): Promise<RunRecord[]> {
    const rows = await this.db.all<RunRow>('SELECT * FROM runs WHERE id IN (SELECT max(id) FROM runs GROUP BY source) ORDER BY source');
    return rows.map(toRun);
  }

  /** The latest successful run of each source. */
  async lastSuccessPerSource(): Promise<RunRecord[]> {
    const rows = await this.db.all<RunRow>("SELECT * FROM runs WHERE id IN (SELECT max(id) FROM runs WHERE status = 'ok' GROUP BY source) ORDER BY source");
    return rows.map(toRun);
  }

  /** Recent runs, newest first. */
  async recent(limit = 20, source?: string): Promise<RunRecord[]> {
    const rows = source
      ? await this.db.all<RunRow>('SELECT * FROM runs WHERE source = ? ORDER BY id DESC LIMIT ?', [source, limit])
      : await this.db.all<RunRow>('SELECT * FROM runs ORDER BY id DESC LIMIT ?', [limit]);
    return rows.map(toRun);
  }

  /** How many of the source's latest runs failed in a row. */
  async consecutiveFailures(source: string): Promise<number> {
    const rows = await this.db.all<{ status: RunStatus }>("SELECT status FROM runs WHERE source = ? AND status != 'running' ORDER BY id DESC LIMIT 50", [source]);
    let n = 0;
    for (const r of rows) {
      // A run our own shutdown (or a crash) interrupted says nothing about the source either way.
      if (r.status === 'interrupted') continue;
      if (r.status !== 'failed') break;
      n++;
    }
    return n;
  }

  /** The committed resume point of a source. */
  async getCursor(source: string): Promise<string | null> {
    const row = await this.db.get<{ cursor: string | null }>('SELECT cursor FROM cursors WHERE source = ?', [source]);
    return row?.cursor ?? null;
  }

  /** True when the source already processed a file with this hash. */
  async isFileProcessed(source: string, hash: string): Promise<boolean> {
    return (await this.db.get('SELECT 1 AS x FROM processed_files WHERE source = ? AND hash = ?', [source, hash])) !== undefined;
  }
}
