// A fake WeChat Official Account API on 127.0.0.1: stable_token, template send (typed keyword checks,
// client_msg_id dedupe, scripted errors) and a signed TEMPLATESENDJOBFINISH poster. Rules re-implemented
// here on purpose, independently of src/, so a bug in the channel's own checks shows up.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Keyword types the fake validates. */
export type FakeFieldType = 'thing' | 'number' | 'character_string' | 'time' | 'date' | 'amount' | 'phone_number' | 'name' | 'phrase' | 'const';

/** A template registered on the fake account. */
export interface FakeTemplate {
  id: string;
  fields: Record<string, FakeFieldType>;
}

/** Options for `startFakeWeChatApi`. */
export interface FakeWeChatOptions {
  appId: string;
  appSecret: string;
  templates: FakeTemplate[];
  /** Token lifetime in seconds (default 7200). */
  tokenTtlSec?: number;
  /** The fake's clock (default Date.now); pass the test's ManualClock so token expiry follows it. */
  now?: () => number;
}

/**
 * A scripted failure: a WeChat errcode, an HTTP 500, a connection dropped before anything happens (`drop`),
 * or a message delivered whose answer is lost on the way back (`lost_reply`).
 */
export type FakeFailure = number | 'http500' | 'drop' | 'lost_reply';

/** One message the fake delivered. */
export interface FakeDelivery {
  msgid: number;
  touser: string;
  templateId: string;
  clientMsgId: string | undefined;
  url: string | undefined;
  data: Record<string, string>;
}

const RULES: Record<FakeFieldType, (v: string) => boolean> = {
  thing: (v) => [...v].length <= 20,
  number: (v) => /^\d+(\.\d+)?$/.test(v) && v.replace('.', '').length <= 32,
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  time: (v) => v.split('~').every((p) => /^(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*)?\d{1,2}:\d{2}(:\d{2})?$/.test(p.trim())),
  date: (v) => v.split('~').every((p) => /^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\s*\d{1,2}:\d{2}(:\d{2})?)?$/.test(p.trim())),
  amount: (v) => /^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$/.test(v),
  phone_number: (v) => /^[\d+\-()#*]{1,17}$/.test(v),
  name: (v) => /^[\p{Script=Han}·]{1,10}$/u.test(v) || /^[A-Za-z .'-]{1,20}$/.test(v),
  phrase: (v) => /^\p{Script=Han}{1,5}$/u.test(v),
  const: () => true,
};

const ERRMSG: Record<number, string> = {
  40001: 'invalid credential, access_token is invalid or not latest',
  40014: 'invalid access_token',
  42001: 'access_token expired',
  43004: 'require subscribe',
  43117: 'Sending messages to this openid too frequently, please try later',
  45009: 'reach max api daily quota limit',
  40037: 'invalid template_id',
  40003: 'invalid openid',
};

/** The fake server and what it saw. */
export class FakeWeChatApi {
  /** Every stable_token call, in order. */
  readonly tokenRequests: { force: boolean }[] = [];
  /** Number of template send calls (including rejected and deduplicated ones). */
  sendCalls = 0;
  /** Messages actually delivered to followers. */
  readonly delivered: FakeDelivery[] = [];
  /** Parsed bodies of every template send call. */
  readonly sendBodies: Record<string, unknown>[] = [];
  private readonly tokens = new Map<string, number>();
  private current: string | undefined;
  private rejectCode: number | undefined;
  private tokenSeq = 0;
  private msgSeq = 200228332;
  private readonly nextFailures: FakeFailure[] = [];
  private readonly openidFailures = new Map<string, FakeFailure>();
  private readonly dedupe = new Map<string, { msgid: number; at: number }>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly opts: FakeWeChatOptions) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Starts listening on 127.0.0.1 with a free port. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops the server. */
  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** How many times a message with this client_msg_id reached the follower. */
  deliveryCount(clientMsgId: string): number {
    return this.delivered.filter((d) => d.clientMsgId === clientMsgId).length;
  }

  /** The next template sends fail like this, one entry per call. */
  failNext(...failures: FakeFailure[]): void {
    this.nextFailures.push(...failures);
  }

  /** Every send to `openid` fails like this (undefined clears it). */
  failFor(openid: string, failure: FakeFailure | undefined): void {
    if (failure === undefined) this.openidFailures.delete(openid);
    else this.openidFailures.set(openid, failure);
  }

  /** Sends with the current token answer `code` until a token is force-refreshed. */
  rejectCurrentToken(code: 40001 | 40014 | 42001): void {
    this.rejectCode = code;
  }

  /** Posts a TEMPLATESENDJOBFINISH event to `callbackUrl`, signed with `token` like WeChat does. */
  async postJobFinish(callbackUrl: string, token: string, ev: { openid: string; msgId: string | number; status: string; createTime?: number; toUser?: string }): Promise<Response> {
    const createTime = ev.createTime ?? Math.floor(this.now() / 1000);
    const xml = [
      '<xml>',
      `<ToUserName><![CDATA[${ev.toUser ?? 'gh_7f083739789a'}]]></ToUserName>`,
      `<FromUserName><![CDATA[${ev.openid}]]></FromUserName>`,
      `<CreateTime>${createTime}</CreateTime>`,
      '<MsgType><![CDATA[event]]></MsgType>',
      '<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>',
      `<MsgID>${ev.msgId}</MsgID>`,
      `<Status><![CDATA[${ev.status}]]></Status>`,
      '</xml>',
    ].join('\n');
    return fetch(signCallbackUrl(callbackUrl, token, String(Math.floor(this.now() / 1000))), { method: 'POST', body: xml, headers: { 'content-type': 'text/xml' } });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return json(res, { errcode: 47001, errmsg: 'data format error' });
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') return json(res, this.stableToken(body));
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/template/send') return this.templateSend(url, body, res);
    res.writeHead(404).end();
  }

  private stableToken(body: Record<string, unknown>): Record<string, unknown> {
    const force = body.force_refresh === true;
    this.tokenRequests.push({ force });
    if (body.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
    if (body.appid !== this.opts.appId) return { errcode: 40013, errmsg: rid('invalid appid') };
    if (body.secret !== this.opts.appSecret) return { errcode: 40125, errmsg: rid('invalid appsecret') };
    const ttl = (this.opts.tokenTtlSec ?? 7200) * 1000;
    const now = this.now();
    const exp = this.current ? this.tokens.get(this.current) : undefined;
    // Normal mode hands out the same token until 5 minutes before it expires; force_refresh kills the old one.
    if (!force && this.current && exp !== undefined && now < exp - 300_000) {
      return { access_token: this.current, expires_in: Math.floor((exp - now) / 1000) };
    }
    if (force) this.tokens.clear();
    this.current = `TOKEN_${++this.tokenSeq}_${'x'.repeat(40)}`;
    this.tokens.set(this.current, now + ttl);
    this.rejectCode = undefined;
    return { access_token: this.current, expires_in: ttl / 1000 };
  }

  private templateSend(url: URL, body: Record<string, unknown>, res: ServerResponse): void {
    this.sendCalls++;
    this.sendBodies.push(body);
    const token = url.searchParams.get('access_token') ?? '';
    const exp = this.tokens.get(token);
    if (exp === undefined) return json(res, err(40001));
    if (this.now() >= exp) return json(res, err(42001));
    if (this.rejectCode !== undefined && token === this.current) return json(res, err(this.rejectCode));
    const touser = typeof body.touser === 'string' ? body.touser : '';
    const failure = this.nextFailures.shift() ?? this.openidFailures.get(touser);
    if (failure === 'drop') return void res.socket?.destroy();
    if (failure === 'http500') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
    if (typeof failure === 'number') return json(res, err(failure));
    const lostReply = failure === 'lost_reply';
    const template = this.opts.templates.find((t) => t.id === body.template_id);
    if (!template) return json(res, err(40037));
    const data = (typeof body.data === 'object' && body.data !== null ? body.data : {}) as Record<string, { value?: unknown } | undefined>;
    const values: Record<string, string> = {};
    for (const [key, type] of Object.entries(template.fields)) {
      const value = data[key]?.value;
      if (typeof value !== 'string' || value === '' || !RULES[type](value)) return json(res, { errcode: 47003, errmsg: rid(`argument invalid! data.${key}.value invalid`) });
      values[key] = value;
    }
    const clientMsgId = typeof body.client_msg_id === 'string' ? body.client_msg_id : undefined;
    const dedupeKey = clientMsgId ? `${touser}|${clientMsgId}` : undefined;
    const seen = dedupeKey ? this.dedupe.get(dedupeKey) : undefined;
    if (seen && this.now() - seen.at < 10 * 60_000) return json(res, { errcode: 0, errmsg: 'ok', msgid: seen.msgid });
    const msgid = ++this.msgSeq;
    if (dedupeKey) this.dedupe.set(dedupeKey, { msgid, at: this.now() });
    this.delivered.push({ msgid, touser, templateId: template.id, clientMsgId, url: typeof body.url === 'string' ? body.url : undefined, data: values });
    if (lostReply) return void res.socket?.destroy();
    json(res, { errcode: 0, errmsg: 'ok', msgid });
  }
}

/** Starts a fake WeChat API. */
export function startFakeWeChatApi(opts: FakeWeChatOptions): Promise<FakeWeChatApi> {
  return new FakeWeChatApi(opts).start();
}

/** Adds `signature`, `timestamp` and `nonce` to `url` the way WeChat signs server-URL calls. */
export function signCallbackUrl(url: string, token: string, timestamp = String(Math.floor(Date.now() / 1000)), nonce = String(Math.floor(Math.random() * 1e9))): string {
  const signature = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
  const u = new URL(url);
  u.searchParams.set('signature', signature);
  u.searchParams.set('timestamp', timestamp);
  u.searchParams.set('nonce', nonce);
  return u.toString();
}

function rid(msg: string): string {
  return `${msg} rid: 6650a1b2-1c2d3e4f-5a6b7c8d`;
}

function err(code: number): Record<string, unknown> {
  return { errcode: code, errmsg: rid(ERRMSG[code] ?? 'error') };
}

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
