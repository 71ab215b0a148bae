// The console's HTTP surface on our shared server: page, assets, state, SSE events, command and action POSTs, sign-in.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Language } from '../../core/i18n.ts';
import { HttpError, readBody, sendJson, type HttpServer } from '../../http/server.ts';
import type { Settings } from '../../settings/schema.ts';
import type { ConsoleRoom } from './api.ts';
import type { ConsoleGate } from './auth.ts';
import { consoleDmChannel, findConsoleUser, listConsoleChannels, listConsoleUsers, type ConsoleUser } from './directory.ts';
import { actionBodySchema, commandBodySchema, parseConsoleBody, type ActionBody, type CommandBody } from './inbound.ts';
import { MAX_BODY_BYTES } from './limits.ts';
import { htmlHeaders, sendDisabledPage, sendLoginPage } from './pages.ts';
import type { SseHub } from './sse.ts';
import { consoleLanguages, consoleStrings, pickConsoleLanguage } from './strings.ts';

/** What the routes need from the adapter. */
export interface ConsoleRouteDeps {
  gate: ConsoleGate;
  room: ConsoleRoom;
  sse: SseHub;
  settings: () => Settings;
  /** Takes a checked command; `duplicate` when its id was seen, `not_started` before `start`. */
  submitCommand(body: CommandBody, user: ConsoleUser, session: string): 'accepted' | 'duplicate' | 'not_started';
  /** Takes a checked click on a button the card really has. */
  submitAction(body: ActionBody, user: ConsoleUser, session: string): 'accepted' | 'duplicate' | 'not_started';
  /** True when this click id was already taken (a resubmit after the card changed is still a duplicate, not a 400). */
  seenClick(clickId: string): boolean;
}

const PAGE_DIR = new URL('./page/', import.meta.url);
// Only these files are served; nothing else under the folder (or outside it) is reachable.
const ASSETS: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'card.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
  'net.js': 'text/javascript; charset=utf-8',
  'view.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

function language(deps: ConsoleRouteDeps, req: IncomingMessage, choice?: string | null): Language {
  return pickConsoleLanguage(choice, req.headers['accept-language'], deps.settings().language);
}

function requireSession(deps: ConsoleRouteDeps, req: IncomingMessage, write: boolean): void {
  deps.gate.guard(req, write);
  if (!deps.gate.authorized(req)) throw new HttpError(401, 'login_required', 'sign in to the console first');
}

function requireJson(req: IncomingMessage): void {
  // A JSON content type forces a CORS preflight, so a foreign page cannot post here with a plain form.
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'send application/json');
  }
}

function requireUser(deps: ConsoleRouteDeps, id: string): ConsoleUser {
  const user = findConsoleUser(deps.settings(), id);
  if (!user) throw new HttpError(400, 'unknown_user', `no console user "${id}" in settings.chat.users`);
  return user;
}

/**
 * Who acts: the signed-in person, never whoever the body names. Only with acting-as on (loopback with the demo shop,
 * or console.actAs) may the body choose; a body naming someone else than the session is refused.
 */
function actingUser(deps: ConsoleRouteDeps, req: IncomingMessage, named: string): ConsoleUser {
  if (deps.gate.access === 'open') return requireUser(deps, named);
  const me = signedIn(deps, req);
  if (named !== me) throw new HttpError(403, 'not_you', `signed in as ${me}: acting as ${named} is off`);
  return requireUser(deps, me);
}

/** The session behind a console request, for the audit: the signed-in person, or the loopback browser acting as someone. */
function sessionOf(deps: ConsoleRouteDeps, req: IncomingMessage): string {
  const me = deps.gate.access === 'open' ? undefined : deps.gate.sessionUser(req);
  return me ? `console:${me}` : 'console:loopback';
}

/** Whose view a read shows (their ephemeral messages too): the signed-in person, or with acting-as on, the one named. */
function viewerId(deps: ConsoleRouteDeps, req: IncomingMessage, named: string | undefined): string | undefined {
  if (deps.gate.access === 'open') return named === '' ? undefined : named;
  return signedIn(deps, req);
}

function signedIn(deps: ConsoleRouteDeps, req: IncomingMessage): string {
  const me = deps.gate.sessionUser(req);
  if (!me) throw new HttpError(401, 'login_required', 'sign in to the console first');
  return me;
}

function requireChannel(deps: ConsoleRouteDeps, channelId: string, user: ConsoleUser): void {
  const channel = listConsoleChannels(deps.settings(), deps.room.channelIds()).find((c) => c.id === channelId);
  if (!channel) throw new HttpError(400, 'unknown_channel', `no console channel "${channelId}"`);
  if (channel.kind === 'dm' && channel.id !== consoleDmChannel(user.id)) throw new HttpError(400, 'not_your_dm', `only ${channel.userId ?? ''} writes in ${channel.id}`);
}

function answer(res: Parameters<typeof sendJson>[0], outcome: 'accepted' | 'duplicate' | 'not_started'): void {
  if (outcome === 'not_started') throw new HttpError(503, 'console_not_started', 'the console is not receiving yet');
  sendJson(res, 202, { accepted: true, duplicate: outcome === 'duplicate' });
}

/** Registers every console route on the shared server. */
export function registerConsoleRoutes(server: HttpServer, deps: ConsoleRouteDeps): void {
  server.route('GET', '/', async ({ req, res, url }) => {
    if (deps.gate.access === 'disabled') return sendDisabledPage(res, language(deps, req, url.searchParams.get('lang')));
    deps.gate.guard(req, false);
    if (!deps.gate.authorized(req)) return sendLoginPage(res, 401, language(deps, req));
    const html = await readFile(new URL('index.html', PAGE_DIR));
    res.writeHead(200, htmlHeaders(false));
    res.end(html);
  });

  server.route('GET', '/console/assets/:file', async ({ req, res, params }) => {
    requireSession(deps, req, false);
    const file = params.file ?? '';
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (type === undefined) throw new HttpError(404, 'not_found', `no console asset ${file}`);
    const body = await readFile(new URL(file, PAGE_DIR));
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'content-length': body.length });
    res.end(body);
  });

  server.route('GET', '/console/api/state', ({ req, res, url }) => {
    requireSession(deps, req, false);
    const settings = deps.settings();
    const lang = language(deps, req, url.searchParams.get('lang'));
    const userId = viewerId(deps, req, url.searchParams.get('user') ?? undefined);
    sendJson(
      res,
      200,
      {
        platform: 'console',
        access: deps.gate.access,
        /** The signed-in person; with acting-as on, whoever the page chose. */
        me: userId,
        actAs: deps.gate.access === 'open',
        language: lang,
        languages: consoleLanguages(),
        strings: consoleStrings(lang),
        // Names and roles only: a stored password hash never leaves the server.
        users: listConsoleUsers(settings).map(({ id, name, role, language: l }) => ({ id, name, role, language: l })),
        channels: listConsoleChannels(settings, deps.room.channelIds()),
        messages: deps.room.messagesFor(userId),
        inbox: deps.room.inboxItems(),
      },
      { 'cache-control': 'no-store' },
    );
  });

  server.route('GET', '/console/api/events', ({ req, res, url }) => {
    requireSession(deps, req, false);
    // HEAD gets the stream's headers only: an event stream that never ends would hold the request open.
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end();
      return;
    }
    const userId = viewerId(deps, req, url.searchParams.get('user') ?? undefined) ?? '';
    deps.sse.open(res, userId, { user: userId });
  });

  server.route('POST', '/console/api/command', async ({ req, res }) => {
    requireSession(deps, req, true);
    requireJson(req);
    const body = parseConsoleBody(await readBody(req, MAX_BODY_BYTES), commandBodySchema);
    const user = actingUser(deps, req, body.user);
    requireChannel(deps, body.channel, user);
    answer(res, deps.submitCommand(body, user, sessionOf(deps, req)));
  });

  server.route('POST', '/console/api/action', async ({ req, res }) => {
    requireSession(deps, req, true);
    requireJson(req);
    const body = parseConsoleBody(await readBody(req, MAX_BODY_BYTES), actionBodySchema);
    const user = actingUser(deps, req, body.user);
    requireChannel(deps, body.channel, user);
    if (deps.seenClick(body.clickId)) return answer(res, 'duplicate');
    const msg = deps.room.find(body.messageId, user.id);
    if (!msg || msg.channelId !== body.channel) throw new HttpError(400, 'unknown_message', `no message ${body.messageId} in ${body.channel}`);
    // Only buttons the card really shows can be clicked: a forged action id or value is refused.
    if (!deps.room.button(msg, body.actionId, body.value)) throw new HttpError(400, 'unknown_action', `message ${body.messageId} has no such button`);
    answer(res, deps.submitAction(body, user, sessionOf(deps, req)));
  });

  registerLoginRoutes(server, deps);
}

function registerLoginRoutes(server: HttpServer, deps: ConsoleRouteDeps): void {
  server.route('GET', '/console/login', ({ req, res }) => {
    if (deps.gate.access === 'disabled') return sendDisabledPage(res, language(deps, req));
    deps.gate.guard(req, false);
    if (deps.gate.authorized(req)) {
      res.writeHead(303, { location: '/' });
      res.end();
      return;
    }
    sendLoginPage(res, 200, language(deps, req));
  });

  server.route('POST', '/console/login', async ({ req, res }) => {
    deps.gate.guard(req, true);
    if (deps.gate.access !== 'login') throw new HttpError(404, 'not_found', 'the console needs no sign-in here');
    const form = new URLSearchParams((await readBody(req, 4096)).toString('utf8'));
    const result = deps.gate.login(req, form.get('user') ?? '', form.get('password') ?? '');
    if (!result.ok) {
      if (result.throttled) return sendLoginPage(res, 429, language(deps, req), { key: 'login.throttled', seconds: result.retryAfterS }, { 'retry-after': String(result.retryAfterS) });
      return sendLoginPage(res, 401, language(deps, req), { key: 'login.failed' });
    }
    res.writeHead(303, { location: '/', 'set-cookie': result.cookie, 'cache-control': 'no-store' });
    res.end();
  });

  server.route('POST', '/console/logout', ({ req, res }) => {
    deps.gate.guard(req, true);
    res.writeHead(303, { location: '/', 'set-cookie': deps.gate.logout(req), 'cache-control': 'no-store' });
    res.end();
  });
}
