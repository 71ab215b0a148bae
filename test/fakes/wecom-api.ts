// A fake WeCom server API on 127.0.0.1 (real node:http) following PLATFORMS.md section 3: gettoken, message/send
// (template_card validated, task_id unique per app → 42014, response_code issued), update_template_card (codes
// single use, 72 h), the group robot webhook (20/min, 93000 for a bad key) and scripted errcodes. Calls recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateTemplateCard } from './wecom-cards.ts';

/** A message as the fake holds it. */
export interface FakeWeComMessage {
  msgid: string;
  to: { touser?: string; toparty?: string; totag?: string };
  msgtype: string;
  card?: Record<string, unknown>;
  text?: string;
  taskId?: string;
  /** 1 when sent, +1 per update_template_card. */
  versions: number;
}

/** One recorded call. */
export interface FakeWeComCall {
  path: string;
  query: Record<string, string>;
  body: unknown;
  answer: Record<string, unknown>;
}

/** Options of the fake. */
export interface FakeWeComOptions {
  corpId?: string;
  secret?: string;
  webhookKey?: string;
  /** The fake's time (response code expiry, robot window); default Date.now. */
  now?: () => number;
  /** Robot cap per minute (default 20; Infinity turns it off). */
  robotPerMinute?: number;
}

/** errcode the fake answers for a used, expired or unknown response_code (the real code is not documented). */
export const FAKE_SPENT_CODE = 40058;
const CODE_TTL_MS = 72 * 3600_000;

type Answer = Record<string, unknown>;
const ok = (extra: Answer = {}): Answer => ({ errcode: 0, errmsg: 'ok', ...extra });
const fail = (errcode: number, errmsg: string): Answer => ({ errcode, errmsg });

/** The fake WeCom API. */
export class FakeWeComApi {
  readonly corpId: string;
  readonly secret: string;
  readonly webhookKey: string;
  readonly messages: FakeWeComMessage[] = [];
  readonly robotMessages: { content: string; at: number }[] = [];
  readonly calls: FakeWeComCall[] = [];
  private readonly tokens = new Map<string, { expired: boolean }>();
  private readonly codes = new Map<string, { taskId: string; issuedAt: number; used: boolean }>();
  private readonly taskIds = new Set<string>();
  private readonly failures = new Map<string, { errcode: number; times: number }[]>();
  private seq = 0;
  private readonly now: () => number;
  private readonly robotPerMinute: number;

  private constructor(
    private readonly server: Server,
    opts: FakeWeComOptions,
  ) {
    this.corpId = opts.corpId ?? 'wwFAKECORP0001';
    this.secret = opts.secret ?? 'fake-app-secret';
    this.webhookKey = opts.webhookKey ?? 'fake-robot-key';
    this.now = opts.now ?? Date.now;
    this.robotPerMinute = opts.robotPerMinute ?? 20;
  }

  /** Starts the fake on 127.0.0.1 (a free port). */
  static async start(opts: FakeWeComOptions = {}): Promise<FakeWeComApi> {
    let fake: FakeWeComApi | undefined;
    const server = createServer((req, res) => void fake?.handle(req, res));
    fake = new FakeWeComApi(server, opts);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** Base URL to give the adapter as apiBase. */
  get apiBase(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops the fake. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` calls to `path` (e.g. "/cgi-bin/message/send") answer `errcode`. */
  failNext(path: string, errcode: number, times = 1): void {
    this.failures.set(path, [...(this.failures.get(path) ?? []), { errcode, times }]);
  }

  /** Makes every token issued so far expired (the next call with one answers 42001). */
  expireTokens(): void {
    for (const t of this.tokens.values()) t.expired = true;
  }

  /** Issues a response code for a click on card `taskId`, as WeCom puts in template_card_event. */
  issueClickCode(taskId: string): string {
    return this.issueCode(taskId);
  }

  /** Calls to one path. */
  callsTo(path: string): FakeWeComCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** The message that carries card `taskId`. */
  card(taskId: string): FakeWeComMessage | undefined {
    return this.messages.find((m) => m.taskId === taskId);
  }

  private issueCode(taskId: string): string {
    const code = `rc_${++this.seq}_${taskId.slice(-6)}`;
    this.codes.set(code, { taskId, issuedAt: this.now(), used: false });
    return code;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const query = Object.fromEntries(url.searchParams);
    const answer = this.route(url.pathname, query, body);
    this.calls.push({ path: url.pathname, query, body, answer });
    const out = JSON.stringify(answer);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  }

  private scripted(path: string): number | undefined {
    const list = this.failures.get(path);
    const next = list?.[0];
    if (!list || !next) return undefined;
    if (--next.times <= 0) list.shift();
    return next.errcode;
  }

  private route(path: string, query: Record<string, string>, body: unknown): Answer {
    const injected = this.scripted(path);
    if (injected !== undefined) return fail(injected, injected === 45009 ? 'api freq out of limit, hint: [fake]' : injected === 45033 ? 'api concurrent out of limit' : 'scripted failure');
    if (path === '/cgi-bin/gettoken') {
      if (query.corpid !== this.corpId) return fail(40013, 'invalid corpid');
      if (query.corpsecret !== this.secret) return fail(40001, 'invalid credential');
      const token = `tok_${++this.seq}`;
      this.tokens.set(token, { expired: false });
      return ok({ access_token: token, expires_in: 7200 });
    }
    if (path === '/cgi-bin/webhook/send') return this.robot(query.key, body);
    const token = this.tokens.get(query.access_token ?? '');
    if (!token) return fail(40014, 'invalid access_token');
    if (token.expired) return fail(42001, 'access_token expired');
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (path === '/cgi-bin/message/send') return this.send(b);
    if (path === '/cgi-bin/message/update_template_card') return this.update(b);
    return fail(404, 'no such api in the fake');
  }

  private send(b: Record<string, unknown>): Answer {
    const to = Object.fromEntries((['touser', 'toparty', 'totag'] as const).filter((k) => typeof b[k] === 'string' && b[k] !== '').map((k) => [k, b[k]])) as FakeWeComMessage['to'];
    if (!to.touser && !to.toparty && !to.totag) return fail(81013, 'user & party & tag all invalid');
    const msgid = `msg_${++this.seq}`;
    if (b.msgtype === 'text') {
      const content = (b.text as { content?: unknown } | undefined)?.content;
      if (typeof content !== 'string' || content === '') return fail(44004, 'empty content');
      if (Buffer.byteLength(content) > 2048) return fail(45002, 'content size out of limit');
      this.messages.push({ msgid, to, msgtype: 'text', text: content, versions: 1 });
      return ok({ msgid });
    }
    if (b.msgtype !== 'template_card') return fail(40008, 'invalid message type');
    const card = b.template_card as Record<string, unknown>;
    const verdict = validateTemplateCard(card);
    if (verdict.taskIdProblem) return fail(42014, verdict.taskIdProblem);
    const taskId = typeof card.task_id === 'string' ? card.task_id : undefined;
    if (taskId && this.taskIds.has(taskId)) return fail(42014, 'task_id already exists');
    if (verdict.problems.length > 0) return fail(40058, verdict.problems.join('; '));
    if (taskId) this.taskIds.add(taskId);
    this.messages.push({ msgid, to, msgtype: 'template_card', card, ...(taskId ? { taskId } : {}), versions: 1 });
    const callback = card.card_type === 'button_interaction' && taskId;
    return ok({ msgid, ...(callback ? { response_code: this.issueCode(taskId) } : {}) });
  }

  private update(b: Record<string, unknown>): Answer {
    const code = typeof b.response_code === 'string' ? this.codes.get(b.response_code) : undefined;
    if (!code || code.used || this.now() - code.issuedAt > CODE_TTL_MS) return fail(FAKE_SPENT_CODE, 'invalid response_code');
    const message = this.card(code.taskId);
    if (!message) return fail(FAKE_SPENT_CODE, 'invalid response_code');
    const verdict = validateTemplateCard(b.template_card, { update: true });
    if (verdict.problems.length > 0) return fail(40058, verdict.problems.join('; '));
    code.used = true;
    message.card = { ...(b.template_card as Record<string, unknown>), task_id: code.taskId };
    message.versions += 1;
    return ok({ invaliduser: [] });
  }

  private robot(key: string | undefined, body: unknown): Answer {
    if (key !== this.webhookKey) return fail(93000, 'invalid webhook url');
    const now = this.now();
    const recent = this.robotMessages.filter((m) => m.at > now - 60_000).length;
    if (recent >= this.robotPerMinute) return fail(45009, 'api freq out of limit');
    const b = body as { msgtype?: unknown; markdown?: { content?: unknown } } | undefined;
    if (b?.msgtype !== 'markdown' || typeof b.markdown?.content !== 'string' || b.markdown.content === '') return fail(40008, 'markdown.content required');
    if (Buffer.byteLength(b.markdown.content) > 4096) return fail(40058, 'markdown.content over 4096 bytes');
    this.robotMessages.push({ content: b.markdown.content, at: now });
    return ok();
  }
}
