// A fake Feishu open platform on 127.0.0.1 (real node:http) following PLATFORMS.md section 2: tenant tokens,
// message create (uuid idempotency, 5/s per chat when enforced) and PATCH (versions kept), the ephemeral card
// API, card validation (validateFeishuCard), scripted failures (230020 / 99991400 with HTTP 429 and
// x-ogw-ratelimit-reset, revoked tokens → 99991663, 230031 / 230011 / 230110) and the long-connection endpoint.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateFeishuCard } from './feishu-card.ts';
import { FeishuWsServer } from './feishu-ws.ts';

/** A message as the fake holds it. */
export interface FakeFeishuMessage {
  messageId: string;
  chatId: string;
  /** Every content the message had, oldest first (create, PATCHes, cards returned in click answers). */
  versions: string[];
  via: ('create' | 'patch' | 'callback')[];
  uuid?: string | undefined;
  createdAt: number;
  state: 'live' | 'recalled' | 'deleted' | 'expired';
}

/** A card only `openId` sees. */
export interface FakeEphemeral {
  chatId: string;
  openId: string;
  card: unknown;
}

/** One recorded call. */
export interface FakeFeishuCall {
  api: 'token' | 'create' | 'patch' | 'ephemeral' | 'ws_endpoint';
  status: number;
  code: number;
  at: number;
  chatId?: string | undefined;
}

/** A scripted failure for the next call(s) of an API. */
export interface FakeFeishuFailure {
  code: number;
  /** HTTP status (default 400; 429 for 99991400). */
  status?: number;
  /** x-ogw-ratelimit-reset in seconds. */
  reset?: number;
  times?: number;
}

type Answer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };
const ok = (data: Record<string, unknown> = {}): Answer => ({ status: 200, body: { code: 0, msg: 'success', data } });
const fail = (code: number, msg: string, status = 400, headers?: Record<string, string>): Answer => ({ status, body: { code, msg }, ...(headers ? { headers } : {}) });

/** The fake server. */
export class FakeFeishuApi {
  readonly calls: FakeFeishuCall[] = [];
  readonly messages = new Map<string, FakeFeishuMessage>();
  readonly ephemerals: FakeEphemeral[] = [];
  readonly ws = new FeishuWsServer();
  /** When true, more than 5 sends to one chat within a second get 230020 (like Feishu). */
  enforceChatRate = true;
  private readonly tokens = new Set<string>();
  private readonly failures = new Map<string, FakeFeishuFailure[]>();
  private readonly byUuid = new Map<string, string>();
  private seq = 0;

  private constructor(
    private readonly server: Server,
    readonly appId: string,
    readonly appSecret: string,
  ) {}

  /** Starts the fake for one app on a free port. */
  static async start(opts: { appId: string; appSecret?: string }): Promise<FakeFeishuApi> {
    const server = createServer();
    const fake = new FakeFeishuApi(server, opts.appId, opts.appSecret ?? 'fake-app-secret');
    server.on('request', (req, res) => void fake.onRequest(req, res));
    server.on('upgrade', (req, socket) => fake.ws.upgrade(req, socket, 7));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** http://127.0.0.1:PORT (the SDK's `domain`). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Calls of one API. */
  callsTo(api: FakeFeishuCall['api']): FakeFeishuCall[] {
    return this.calls.filter((c) => c.api === api);
  }

  /** Messages in a chat, oldest first. */
  messagesIn(chatId: string): FakeFeishuMessage[] {
    return [...this.messages.values()].filter((m) => m.chatId === chatId);
  }

  /** Makes the next call(s) of `api` fail as scripted. */
  failNext(api: 'create' | 'patch' | 'ephemeral', failure: FakeFeishuFailure): void {
    const list = this.failures.get(api) ?? [];
    list.push({ times: 1, ...failure });
    this.failures.set(api, list);
  }

  /** Invalidates every token issued so far (the next API call answers 99991663). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Puts a message into a state PATCH refuses: expired (230031), recalled (230011), deleted (230110). */
  setState(messageId: string, state: FakeFeishuMessage['state']): void {
    const m = this.messages.get(messageId);
    if (m) m.state = state;
  }

  /** A card returned in a click answer replaces the clicked message's card (it must validate, like a PATCH). */
  applyCallbackCard(messageId: string, card: unknown): void {
    const m = this.messages.get(messageId);
    if (!m) throw new Error(`no message ${messageId}`);
    const verdict = validateFeishuCard(card);
    if (!verdict.ok) throw new Error(`callback card refused: ${verdict.error}`);
    m.versions.push(JSON.stringify(card));
    m.via.push('callback');
  }

  /** Stops the fake (and its long connections). */
  async close(): Promise<void> {
    this.ws.closeAll();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private takeFailure(api: string): FakeFeishuFailure | undefined {
    const list = this.failures.get(api);
    const f = list?.[0];
    if (!f) return undefined;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) list?.shift();
    return f;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    const url = new URL(req.url ?? '/', this.url);
    const [api, answer] = this.route(req.method ?? '', url, req.headers.authorization, body);
    const code = typeof answer.body.code === 'number' ? answer.body.code : 0;
    this.calls.push({ api, status: answer.status, code, at: Date.now(), chatId: typeof body.receive_id === 'string' ? body.receive_id : typeof body.chat_id === 'string' ? body.chat_id : undefined });
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...answer.headers });
    res.end(text);
  }

  private route(method: string, url: URL, auth: string | undefined, body: Record<string, unknown>): [FakeFeishuCall['api'], Answer] {
    const path = url.pathname;
    if (method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal') return ['token', this.issueToken(body)];
    if (method === 'POST' && path === '/callback/ws/endpoint') return ['ws_endpoint', this.wsEndpoint(body)];
    const api = path === '/open-apis/im/v1/messages' ? 'create' : path.startsWith('/open-apis/im/v1/messages/') ? 'patch' : path === '/open-apis/ephemeral/v1/send' ? 'ephemeral' : undefined;
    if (!api) return ['create', fail(404, `no such API ${method} ${path}`, 404)];
    const token = /^Bearer (.+)$/.exec(auth ?? '')?.[1];
    if (!token || !this.tokens.has(token)) return [api, fail(99991663, 'Invalid access token for authorization. Please make a request with token attached.')];
    const f = this.takeFailure(api);
    if (f) {
      const status = f.status ?? (f.code === 99991400 ? 429 : 400);
      return [api, fail(f.code, 'scripted failure', status, f.reset !== undefined ? { 'x-ogw-ratelimit-limit': '5', 'x-ogw-ratelimit-reset': String(f.reset) } : undefined)];
    }
    if (api === 'create' && method === 'POST') return [api, this.create(url, body)];
    if (api === 'patch' && method === 'PATCH') return [api, this.patch(decodeURIComponent(path.slice('/open-apis/im/v1/messages/'.length)), body)];
    if (api === 'ephemeral' && method === 'POST') return [api, this.ephemeral(body)];
    return [api, fail(404, `no such API ${method} ${path}`, 404)];
  }

  private issueToken(body: Record<string, unknown>): Answer {
    if (body.app_id !== this.appId || body.app_secret !== this.appSecret) return { status: 200, body: { code: 10014, msg: 'app secret invalid' } };
    const token = `t-fake-${++this.seq}`;
    this.tokens.add(token);
    return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 } };
  }

  private wsEndpoint(body: Record<string, unknown>): Answer {
    if (body.AppID !== this.appId || body.AppSecret !== this.appSecret) return { status: 200, body: { code: 403, msg: 'forbidden' } };
    const url = `${this.url.replace(/^http/, 'ws')}/ws?device_id=fake-device&service_id=7`;
    return ok({ URL: url, ClientConfig: { PingInterval: 120, ReconnectCount: 1, ReconnectInterval: 1, ReconnectNonce: 0 } });
  }

  private overChatRate(chatId: string): boolean {
    if (!this.enforceChatRate) return false;
    // 950 ms, not 1000: arrival times are compressed by a few ms of network jitter between evenly spaced sends.
    const now = Date.now();
    return this.calls.filter((c) => c.api === 'create' && c.code === 0 && c.chatId === chatId && now - c.at < 950).length >= 5;
  }

  private create(url: URL, body: Record<string, unknown>): Answer {
    if (url.searchParams.get('receive_id_type') !== 'chat_id') return fail(230001, 'receive_id_type must be chat_id here');
    const chatId = body.receive_id;
    if (typeof chatId !== 'string' || !chatId.startsWith('oc_')) return fail(230001, 'invalid receive_id');
    if (body.msg_type !== 'interactive' || typeof body.content !== 'string') return fail(230001, 'msg_type must be interactive with a string content');
    const uuid = typeof body.uuid === 'string' ? body.uuid : undefined;
    if (uuid && uuid.length > 50) return fail(230001, 'uuid longer than 50');
    const known = uuid ? this.byUuid.get(uuid) : undefined;
    if (known) return ok({ message_id: known, chat_id: chatId, msg_type: 'interactive' });
    if (this.overChatRate(chatId)) return fail(230020, 'This operation triggers the frequency limit.', 400, { 'x-ogw-ratelimit-reset': '1' });
    const verdict = validateFeishuCard(body.content);
    if (!verdict.ok) return fail(verdict.code, verdict.error);
    const messageId = `om_fake${String(++this.seq).padStart(8, '0')}`;
    this.messages.set(messageId, { messageId, chatId, versions: [body.content], via: ['create'], uuid, createdAt: Date.now(), state: 'live' });
    if (uuid) this.byUuid.set(uuid, messageId);
    return ok({ message_id: messageId, chat_id: chatId, msg_type: 'interactive', create_time: String(Date.now()) });
  }

  private patch(messageId: string, body: Record<string, unknown>): Answer {
    const m = this.messages.get(messageId);
    if (!m) return fail(230001, 'message not found');
    if (m.state === 'expired') return fail(230031, 'The message is older than 14 days and cannot be updated.');
    if (m.state === 'recalled') return fail(230011, 'The message is recalled.');
    if (m.state === 'deleted') return fail(230110, 'The message is deleted.');
    if (typeof body.content !== 'string') return fail(230001, 'content must be a string');
    // Both the card being replaced and its replacement must be shared cards (update_multi).
    const before = JSON.parse(m.versions.at(-1) ?? '{}') as { config?: { update_multi?: unknown } };
    if (before.config?.update_multi !== true) return fail(230001, 'the sent card has no config.update_multi: it cannot be updated');
    const verdict = validateFeishuCard(body.content);
    if (!verdict.ok) return fail(verdict.code, verdict.error);
    m.versions.push(body.content);
    m.via.push('patch');
    return ok({});
  }

  private ephemeral(body: Record<string, unknown>): Answer {
    const { chat_id: chatId, open_id: openId, msg_type: msgType, card } = body;
    if (typeof chatId !== 'string' || !chatId.startsWith('oc_') || typeof openId !== 'string' || msgType !== 'interactive') return fail(230001, 'chat_id, open_id and msg_type interactive are required');
    const verdict = validateFeishuCard(card);
    if (!verdict.ok) return fail(verdict.code, verdict.error);
    this.ephemerals.push({ chatId, openId, card });
    return ok({ message_id: `om_eph${++this.seq}` });
  }
}
