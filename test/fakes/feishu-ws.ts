// The long-connection side of the fake Feishu: a minimal RFC 6455 server (handshake, binary frames, ping/pong,
// close; no extensions) speaking the SDK's protobuf frames. It pushes events as data frames and collects the
// client's answers (the SDK echoes the frame's headers with a JSON payload {code, data: base64(answer)}).
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { decodeFeishuFrame, encodeFeishuFrame, type FeishuFrame } from './feishu-frame.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** What the client answered to a pushed event. */
export interface WsAnswer {
  code: number;
  /** The decoded `data` (the handler's return value), if any. */
  body: unknown;
}

function wsFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLen(len)]);
  return Buffer.concat([head, payload]);
}

function bigLen(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}

/** One connected SDK client. */
export class FeishuWsSession {
  private buffer = Buffer.alloc(0);
  private closed = false;
  private readonly waiting = new Map<string, (a: WsAnswer) => void>();
  /** Control frames the client sent (pings). */
  readonly pings: FeishuFrame[] = [];
  private seq = 0n;

  constructor(
    private readonly socket: Duplex,
    readonly serviceId: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  /** Whether the connection is gone. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Pushes an event (or card callback) envelope; resolves with the client's answer. */
  push(envelope: unknown, opts: { chunks?: number } = {}): Promise<WsAnswer> {
    const messageId = randomUUID();
    const data = Buffer.from(JSON.stringify(envelope), 'utf8');
    const sum = Math.max(1, opts.chunks ?? 1);
    const size = Math.ceil(data.length / sum);
    const answered = new Promise<WsAnswer>((resolve) => this.waiting.set(messageId, resolve));
    for (let i = 0; i < sum; i++) {
      const headers = { type: 'event', message_id: messageId, sum: String(sum), seq: String(i), trace_id: `trace-${messageId}` };
      this.send({ seqId: ++this.seq, logId: 0n, service: this.serviceId, method: 1, headers, payload: data.subarray(i * size, (i + 1) * size) });
    }
    return answered;
  }

  /** Closes the connection from the server side. */
  close(): void {
    if (this.closed) return;
    this.socket.write(wsFrame(0x8, Buffer.from([0x03, 0xe8])));
    this.socket.end();
    this.closed = true;
  }

  private send(f: FeishuFrame): void {
    if (!this.closed) this.socket.write(wsFrame(0x2, encodeFeishuFrame(f)));
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const b0 = this.buffer[0] ?? 0;
      const b1 = this.buffer[1] ?? 0;
      let len = b1 & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      const need = offset + (masked ? 4 : 0) + len;
      if (this.buffer.length < need) return;
      const mask = masked ? this.buffer.subarray(offset, offset + 4) : undefined;
      const payload = Buffer.from(this.buffer.subarray(need - len, need));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
      this.buffer = this.buffer.subarray(need);
      this.onMessage(b0 & 0x0f, payload);
    }
  }

  private onMessage(opcode: number, payload: Buffer): void {
    if (opcode === 0x8) return this.close();
    if (opcode === 0x9) return void this.socket.write(wsFrame(0xa, payload));
    if (opcode !== 0x2) return;
    const f = decodeFeishuFrame(payload);
    if (f.method === 0) {
      this.pings.push(f);
      const pong = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 };
      this.send({ ...f, headers: { type: 'pong' }, payload: Buffer.from(JSON.stringify(pong)) });
      return;
    }
    const id = f.headers.message_id ?? '';
    const resolve = this.waiting.get(id);
    if (!resolve) return;
    this.waiting.delete(id);
    const answer = JSON.parse((f.payload ?? Buffer.alloc(0)).toString('utf8')) as { code?: number; data?: string };
    resolve({ code: answer.code ?? 0, body: answer.data ? (JSON.parse(Buffer.from(answer.data, 'base64').toString('utf8')) as unknown) : undefined });
  }
}

/** Accepts upgrades on the fake's HTTP server. */
export class FeishuWsServer {
  readonly sessions: FeishuWsSession[] = [];
  private readonly waiters: ((s: FeishuWsSession) => void)[] = [];

  /** Handles an HTTP upgrade request; refuses anything that is not a WebSocket. */
  upgrade(req: IncomingMessage, socket: Duplex, serviceId: number): void {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string' || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const session = new FeishuWsSession(socket, serviceId);
    this.sessions.push(session);
    for (const w of this.waiters.splice(0)) w(session);
  }

  /** The first open session (waits for one). */
  async session(ms = 5000): Promise<FeishuWsSession> {
    const open = this.sessions.find((s) => !s.isClosed);
    if (open) return open;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no long connection')), ms);
      this.waiters.push((s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  /** Closes every session. */
  closeAll(): void {
    for (const s of this.sessions) s.close();
  }
}
