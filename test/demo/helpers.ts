import type { Clock, ManualClock } from '../../src/core/clock.ts';
import { createSilentLogger } from '../../src/core/logger.ts';
import type { OrderSource, PullContext, SourceDeps, SourcePage } from '../../src/sync/sources/types.ts';

/** A clock for sources under test: reads the demo's manual clock, and every sleep moves it forward at once (recorded). */
export function steppingClock(manual: ManualClock): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => manual.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
      manual.advance(ms);
    },
  };
}

/** Source dependencies for tests. */
export function testDeps(env: Record<string, string>, clock: Clock): SourceDeps {
  return { env, dataDir: '/nonexistent', clock, log: createSilentLogger(), random: () => 0.5 };
}

/** Runs one pull to the end and returns its pages. */
export async function collect(source: OrderSource, cursor: string | null, clock: Clock): Promise<SourcePage[]> {
  const ctx: PullContext = {
    cursor,
    signal: new AbortController().signal,
    clock,
    log: createSilentLogger(),
    isFileProcessed: async () => false,
  };
  const pages: SourcePage[] = [];
  for await (const page of source.pull(ctx)) pages.push(page);
  return pages;
}

/** The resume point the engine would hold after committing `pages` (the last cursor any page gave). */
export function finalCursor(pages: readonly SourcePage[], previous: string | null = null): string | null {
  let cursor = previous;
  for (const p of pages) if (p.cursor !== undefined) cursor = p.cursor;
  return cursor;
}

/** GET/POST against the demo and parse JSON. */
export async function call(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}
