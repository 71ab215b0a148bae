// Reads a real Server-Sent Events stream with fetch, for tests.
import type { TestContext } from 'node:test';

/** One received event. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/** Opens `url` as an event stream; `next(pred)` resolves with the first matching event not yet taken. */
export async function openSse(t: TestContext, url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`SSE ${url}: HTTP ${res.status}`);
  const events: SseEvent[] = [];
  const waiters: { pred: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  const take = (): void => {
    for (const w of [...waiters]) {
      const i = events.findIndex(w.pred);
      if (i < 0) continue;
      const [e] = events.splice(i, 1);
      waiters.splice(waiters.indexOf(w), 1);
      if (e) w.resolve(e);
    }
  };
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) as unknown });
        }
        take();
      }
    } catch {
      // Aborted when the test ends.
    }
  })();
  const close = (): void => abort.abort();
  t.after(close);
  return {
    next(pred: (e: SseEvent) => boolean, timeoutMs = 3000): Promise<SseEvent> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching SSE event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`)), timeoutMs);
        waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
        take();
      });
    },
    /** Events received and not taken yet. */
    pending(): SseEvent[] {
      return [...events];
    },
    close,
  };
}
