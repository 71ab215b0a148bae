// Server-Sent Events fan-out: one stream per open page, each acting as one console user.
import type { ServerResponse } from 'node:http';
import { SSE_HEARTBEAT_MS } from './limits.ts';

/** Names of the events the page listens for. */
export type ConsoleSseEvent = 'hello' | 'message' | 'message-updated' | 'ephemeral' | 'toast' | 'inbox' | 'channel';

interface Client {
  res: ServerResponse;
  userId: string;
}

/** The open event streams; sends to all of them or to one user's. */
export class SseHub {
  private readonly clients = new Set<Client>();
  private heartbeat: NodeJS.Timeout | undefined;
  private nextId = 1;
  private closed = false;

  /** Turns a response into an event stream for `userId`; it stays open until the page leaves or `closeAll`. */
  open(res: ServerResponse, userId: string, hello: unknown): void {
    if (this.closed) {
      // Stopped: a stream opened now would keep the server from closing.
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
      res.end('console stopped');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Proxies such as nginx buffer responses unless told not to, which would stall live updates.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const client: Client = { res, userId };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    this.write(client, 'hello', hello);
    this.startHeartbeat();
  }

  /** Sends an event to every stream, or only to `userId`'s streams. */
  send(event: ConsoleSseEvent, data: unknown, userId?: string): void {
    for (const c of this.clients) if (userId === undefined || c.userId === userId) this.write(c, event, data);
  }

  /** Open streams (for tests and diagnostics). */
  size(): number {
    return this.clients.size;
  }

  /** Ends every stream (the server cannot close while they are open). */
  closeAll(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  /** Accepts streams again after `closeAll`. */
  reopen(): void {
    this.closed = false;
  }

  private write(c: Client, event: ConsoleSseEvent, data: unknown): void {
    // JSON.stringify never emits a raw newline, so one `data:` line always holds the whole payload.
    c.res.write(`id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.res.write(': ping\n\n');
    }, SSE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }
}
