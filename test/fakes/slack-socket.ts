// The fake's Socket Mode side: say hello on connect, send envelopes, collect the client's acks.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { FakeWebSocket } from './slack-websocket.ts';

/** One Socket Mode connection as the fake sees it. */
export class FakeSocketSession {
  /** Every ack the client sent: envelope id and optional response payload. */
  readonly acks: { envelope_id: string; payload?: unknown }[] = [];
  private readonly waiting = new Map<string, (payload: unknown) => void>();

  constructor(readonly ws: FakeWebSocket) {
    ws.onText((text) => {
      let msg: { envelope_id?: unknown; payload?: unknown };
      try {
        msg = JSON.parse(text) as typeof msg;
      } catch {
        return;
      }
      if (typeof msg.envelope_id !== 'string') return;
      this.acks.push({ envelope_id: msg.envelope_id, payload: msg.payload });
      this.waiting.get(msg.envelope_id)?.(msg.payload);
      this.waiting.delete(msg.envelope_id);
    });
  }

  /** Sends an envelope (slash_commands, interactive, events_api); resolves with the ack's payload. */
  send(type: string, payload: unknown, opts: { retryAttempt?: number; retryReason?: string } = {}): Promise<unknown> {
    const envelope_id = randomUUID();
    const acked = new Promise<unknown>((resolve) => this.waiting.set(envelope_id, resolve));
    this.ws.sendText(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(opts.retryAttempt !== undefined ? { retry_attempt: opts.retryAttempt, retry_reason: opts.retryReason ?? 'timeout' } : {}),
      }),
    );
    return acked;
  }
}

/** Accepts WebSocket upgrades on /socket and hands out sessions. */
export class FakeSlackSocket {
  private readonly sessions: FakeSocketSession[] = [];
  private readonly ready: FakeSocketSession[] = [];
  private readonly waiters: ((s: FakeSocketSession) => void)[] = [];

  /** The server's 'upgrade' handler. */
  upgrade(req: IncomingMessage, socket: Duplex): void {
    const ws = new URL(req.url ?? '/', 'http://x').pathname === '/socket' ? FakeWebSocket.accept(req, socket) : undefined;
    if (!ws) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const session = new FakeSocketSession(ws);
    this.sessions.push(session);
    ws.sendText(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0FAKE01' } }));
    const waiter = this.waiters.shift();
    if (waiter) waiter(session);
    else this.ready.push(session);
  }

  /** The next connection (already said hello to). */
  next(): Promise<FakeSocketSession> {
    const s = this.ready.shift();
    return s ? Promise.resolve(s) : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops every connection. */
  closeAll(): void {
    for (const s of this.sessions) s.ws.destroy();
  }
}
