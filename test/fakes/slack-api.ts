// A fake Slack Web API on 127.0.0.1 (real node:http) following PLATFORMS.md section 1: Bearer token checks,
// form or JSON bodies, {ok:false,error} answers, Block Kit validation, message storage for chat.update,
// scripted rate limits, response_url endpoints and a Socket Mode WebSocket. Every call is recorded.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateBlocks } from './slack-blocks.ts';
import { FakeSlackSocket, type FakeSocketSession } from './slack-socket.ts';

/** One recorded HTTP call. */
export interface FakeCall {
  method: string;
  token: string | undefined;
  contentType: string;
  args: Record<string, unknown>;
  status: number;
  response: unknown;
}

/** A message as the fake stores it. */
export interface FakeMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown[];
  user: string;
  threadTs?: string | undefined;
  edits: number;
  deleted: boolean;
}

/** An ephemeral message (only `user` would see it). */
export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string | undefined;
  blocks: unknown;
  via: 'chat.postEphemeral' | 'response_url';
}

/** A scripted failure for the next call(s) of a method. */
export interface FakeFailure {
  /** HTTP status (default 429 when retryAfter is set, else 200 like Slack's {ok:false} answers). */
  status?: number;
  error: string;
  retryAfter?: number;
  times?: number;
}

interface ResponseUrl {
  channel: string;
  user: string;
  messageTs?: string | undefined;
  uses: number;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const ok = (body: Record<string, unknown>): Answer => ({ status: 200, body: { ok: true, ...body } });
const err = (error: string, extra: Record<string, unknown> = {}, status = 200): Answer => ({ status, body: { ok: false, error, ...extra } });

/** The fake server. */
export class FakeSlackApi {
  readonly calls: FakeCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly ephemerals: FakeEphemeral[] = [];
  readonly botUserId = 'UBOT0001';
  readonly botId = 'BBOT0001';
  readonly teamId = 'T0FAKE01';
  private readonly failures = new Map<string, FakeFailure[]>();
  private readonly missingChannels = new Set<string>();
  private readonly responseUrls = new Map<string, ResponseUrl>();
  private readonly socket = new FakeSlackSocket();
  private seq = 0;

  private constructor(
    private readonly server: Server,
    readonly botToken: string,
    readonly appToken: string,
  ) {}

  /** Starts the fake on 127.0.0.1 with a free port. */
  static async start(opts: { botToken?: string; appToken?: string } = {}): Promise<FakeSlackApi> {
    const server = createServer();
    const fake = new FakeSlackApi(server, opts.botToken ?? 'xoxb-fake-bot-token', opts.appToken ?? 'xapp-fake-app-token');
    server.on('request', (req, res) => void fake.onRequest(req, res));
    server.on('upgrade', (req, socket) => fake.socket.upgrade(req, socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The Web API base URL to give the WebClient. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Calls of one method. */
  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** A stored message. */
  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.get(`${channel}:${ts}`);
  }

  /** Stores a message posted by someone else (chat.update on it is cant_update_message). */
  seedMessage(channel: string, user = 'UOTHER01'): string {
    const ts = this.nextTs();
    this.messages.set(`${channel}:${ts}`, { channel, ts, text: 'hello', blocks: [], user, edits: 0, deleted: false });
    return ts;
  }

  /** Makes the next `times` calls of `method` fail as scripted. */
  failNext(method: string, failure: FakeFailure): void {
    const list = this.failures.get(method) ?? [];
    for (let i = 0; i < (failure.times ?? 1); i++) list.push(failure);
    this.failures.set(method, list);
  }

  /** Makes a channel id unknown (channel_not_found). */
  removeChannel(channel: string): void {
    this.missingChannels.add(channel);
  }

  /** A response_url for an interaction in `channel` by `user` (about `messageTs`, for replace_original). */
  responseUrl(ctx: { channel: string; user: string; messageTs?: string }): string {
    const id = randomUUID();
    this.responseUrls.set(id, { ...ctx, uses: 0 });
    return `${this.url}/hooks/${id}`;
  }

  /** Resolves with the next Socket Mode connection (after the fake said hello). */
  nextSocket(): Promise<FakeSocketSession> {
    return this.socket.next();
  }

  /** Stops the server and drops every connection. */
  async close(): Promise<void> {
    this.socket.closeAll();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private nextTs(): string {
    this.seq += 1;
    return `${1_700_000_000 + this.seq}.${String(this.seq).padStart(6, '0')}`;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    let args: Record<string, unknown> = {};
    try {
      args = contentType.startsWith('application/json') ? (JSON.parse(raw || '{}') as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      return this.send(res, { status: 200, body: { ok: false, error: 'invalid_json' } });
    }
    if (url.pathname.startsWith('/hooks/')) return this.send(res, this.onResponseUrl(url.pathname.slice('/hooks/'.length), args));
    const method = url.pathname.replace(/^\/api\//, '');
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
    const answer = this.answer(method, token, args);
    this.calls.push({ method, token, contentType, args, status: answer.status, response: answer.body });
    this.send(res, answer);
  }

  private send(res: ServerResponse, a: Answer): void {
    const text = JSON.stringify(a.body);
    res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', ...a.headers });
    res.end(text);
  }

  private answer(method: string, token: string | undefined, args: Record<string, unknown>): Answer {
    if (!token) return err('not_authed');
    const expected = method === 'apps.connections.open' ? this.appToken : this.botToken;
    if (token !== expected) return err('invalid_auth');
    const failure = this.failures.get(method)?.shift();
    if (failure) {
      const status = failure.status ?? (failure.retryAfter !== undefined ? 429 : 200);
      return { status, body: { ok: false, error: failure.error }, headers: failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {} };
    }
    switch (method) {
      case 'auth.test':
        return ok({ url: 'https://fake.slack.test/', team: 'Fake', user: 'orderops', team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId });
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.update(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'apps.connections.open':
        return ok({ url: `${this.url.replace('http:', 'ws:')}/socket?ticket=${randomUUID()}` });
      default:
        return err('unknown_method', {}, 404);
    }
  }

  /** Text and blocks checks shared by every method that carries a message. */
  private content(args: Record<string, unknown>, blocksRequired: boolean): { text: string | undefined; blocks: unknown[] | undefined } | Answer {
    const text = typeof args.text === 'string' ? args.text : undefined;
    let blocks: unknown = args.blocks;
    if (typeof blocks === 'string') {
      try {
        blocks = JSON.parse(blocks);
      } catch {
        return err('invalid_blocks_format');
      }
    }
    if ((text === undefined || text === '') && (blocks === undefined || (Array.isArray(blocks) && blocks.length === 0)) && blocksRequired) return err('no_text');
    if (text !== undefined && text.length > 40_000) return err('msg_too_long');
    if (blocks !== undefined) {
      const verdict = validateBlocks(blocks);
      if (!verdict.ok) return err(verdict.error, { errors: verdict.errors, response_metadata: { messages: verdict.errors.map((e) => `[ERROR] ${e}`) } });
    }
    return { text, blocks: blocks as unknown[] | undefined };
  }

  private channelOf(args: Record<string, unknown>): string | undefined {
    const c = args.channel;
    return typeof c === 'string' && /^[CDGU][A-Z0-9]{2,}$/.test(c) && !this.missingChannels.has(c) ? c : undefined;
  }

  private postMessage(args: Record<string, unknown>): Answer {
    const channel = this.channelOf(args);
    if (!channel) return err('channel_not_found');
    const c = this.content(args, true);
    if ('status' in c) return c;
    const ts = this.nextTs();
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    const m: FakeMessage = { channel, ts, text: c.text, blocks: c.blocks ?? [], user: this.botUserId, threadTs, edits: 0, deleted: false };
    this.messages.set(`${channel}:${ts}`, m);
    return ok({ channel, ts, message: { type: 'message', text: m.text, blocks: m.blocks, user: this.botUserId, bot_id: this.botId, ts } });
  }

  private update(args: Record<string, unknown>): Answer {
    const channel = this.channelOf(args);
    if (!channel) return err('channel_not_found');
    const m = typeof args.ts === 'string' ? this.message(channel, args.ts) : undefined;
    if (!m || m.deleted) return err('message_not_found');
    if (m.user !== this.botUserId) return err('cant_update_message');
    const c = this.content(args, true);
    if ('status' in c) return c;
    if (c.text !== undefined) m.text = c.text;
    // chat.update keeps the old blocks when `blocks` is omitted; [] clears them.
    if (c.blocks !== undefined) m.blocks = c.blocks;
    m.edits += 1;
    return ok({ channel, ts: m.ts, text: m.text, message: { text: m.text, blocks: m.blocks, user: m.user } });
  }

  private postEphemeral(args: Record<string, unknown>): Answer {
    const channel = this.channelOf(args);
    if (!channel) return err('channel_not_found');
    if (typeof args.user !== 'string' || args.user === '') return err('user_not_in_channel');
    const c = this.content(args, true);
    if ('status' in c) return c;
    this.ephemerals.push({ channel, user: args.user, text: c.text, blocks: c.blocks, via: 'chat.postEphemeral' });
    return ok({ message_ts: this.nextTs() });
  }

  private onResponseUrl(id: string, body: Record<string, unknown>): Answer {
    const ctx = this.responseUrls.get(id);
    const answer = ((): Answer => {
      if (!ctx) return err('expired_url', {}, 404);
      if (ctx.uses >= 5) return err('used_url', {}, 404);
      ctx.uses += 1;
      const c = this.content(body, body.delete_original !== true);
      if ('status' in c) return { ...c, status: 400 };
      const target = ctx.messageTs ? this.message(ctx.channel, ctx.messageTs) : undefined;
      if (body.delete_original === true || body.replace_original === true || body.replace_original === 'true') {
        if (!target) return err('message_not_found', {}, 404);
        if (body.delete_original === true) target.deleted = true;
        else Object.assign(target, { text: c.text, blocks: c.blocks ?? [], edits: target.edits + 1 });
        return ok({});
      }
      if (body.response_type === 'in_channel') {
        const ts = this.nextTs();
        const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
        this.messages.set(`${ctx.channel}:${ts}`, { channel: ctx.channel, ts, text: c.text, blocks: c.blocks ?? [], user: this.botUserId, threadTs, edits: 0, deleted: false });
      } else {
        this.ephemerals.push({ channel: ctx.channel, user: ctx.user, text: c.text, blocks: c.blocks, via: 'response_url' });
      }
      return ok({});
    })();
    this.calls.push({ method: 'response_url', token: undefined, contentType: 'application/json', args: body, status: answer.status, response: answer.body });
    return answer;
  }
}

export type { FakeSocketSession };
