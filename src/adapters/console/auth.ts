// Who may open the console: loopback only by default; a password login when the server is exposed.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../core/clock.ts';
import { HttpError } from '../../http/server.ts';
import { LOGIN_FAILURES_PER_WINDOW, LOGIN_WINDOW_MS, SESSION_TTL_MS } from './limits.ts';

/** open: loopback, no login. login: exposed, password set. disabled: exposed without a password. */
export type ConsoleAccess = 'open' | 'login' | 'disabled';

/** The environment variable holding the console password. */
export const CONSOLE_PASSWORD_ENV = 'ORDEROPS_CONSOLE_PASSWORD';

const COOKIE = 'orderops_console';

/** Why the console refuses to open, for operators. */
export const CONSOLE_DISABLED_MESSAGE =
  `The web console is off: the server listens on a non-loopback address and ${CONSOLE_PASSWORD_ENV} is not set. ` +
  `Set ${CONSOLE_PASSWORD_ENV} (then sign in), or listen on 127.0.0.1.`;

/** True for 127.0.0.0/8, ::1, localhost and *.localhost (with or without IPv6 brackets). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

/** Exposure and password from where the server listens and the environment. */
export function consoleAccessFromEnv(env: Readonly<Record<string, string | undefined>>, listenHost: string): { exposed: boolean; auth?: { password: string } } {
  const password = env[CONSOLE_PASSWORD_ENV];
  return { exposed: !isLoopbackHost(listenHost), ...(password ? { auth: { password } } : {}) };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Checks Host, Origin and the session cookie of every console request. */
export class ConsoleGate {
  readonly access: ConsoleAccess;
  private readonly password: Buffer | undefined;
  private readonly sessions = new Map<string, number>();
  private readonly failures = new Map<string, { count: number; since: number }>();
  private readonly clock: Clock;

  constructor(opts: { exposed: boolean; password?: string | undefined; clock: Clock }) {
    this.clock = opts.clock;
    this.password = opts.password ? sha256(opts.password) : undefined;
    this.access = !opts.exposed ? 'open' : this.password ? 'login' : 'disabled';
  }

  /** Throws 403 when the console is disabled, the Host is not loopback (when not exposed), or a POST's Origin is foreign. */
  guard(req: IncomingMessage, write: boolean): void {
    if (this.access === 'disabled') throw new HttpError(403, 'console_disabled', CONSOLE_DISABLED_MESSAGE);
    const host = req.headers.host ?? '';
    // A loopback console reached under another name is a DNS-rebinding attempt, not a person.
    if (this.access === 'open' && !isLoopbackHost(hostnameOf(host))) throw new HttpError(403, 'bad_host', 'the console answers on loopback names only (localhost, 127.0.0.1)');
    if (!write) return;
    if (req.headers['sec-fetch-site'] === 'cross-site') throw new HttpError(403, 'bad_origin', 'cross-site requests are refused');
    const origin = req.headers.origin;
    if (origin === undefined) {
      if (this.access === 'login') throw new HttpError(403, 'bad_origin', 'an Origin header is required');
      return;
    }
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      throw new HttpError(403, 'bad_origin', 'the Origin header is not a URL');
    }
    if (originHost !== host) throw new HttpError(403, 'bad_origin', 'requests from other origins are refused');
  }

  /** True when the request may use the console (always, when open). */
  authorized(req: IncomingMessage): boolean {
    if (this.access === 'open') return true;
    if (this.access === 'disabled') return false;
    const token = cookieValue(req, COOKIE);
    if (!token) return false;
    const key = sha256(token).toString('hex');
    const expires = this.sessions.get(key);
    if (expires === undefined) return false;
    if (expires <= this.clock.now()) {
      this.sessions.delete(key);
      return false;
    }
    return true;
  }

  /** Checks a password in constant time; on success returns the Set-Cookie header of a new session. */
  login(req: IncomingMessage, given: string): { ok: true; cookie: string } | { ok: false; throttled: boolean } {
    const now = this.clock.now();
    const who = req.socket.remoteAddress ?? 'unknown';
    const f = this.failures.get(who);
    if (f && now - f.since < LOGIN_WINDOW_MS && f.count >= LOGIN_FAILURES_PER_WINDOW) return { ok: false, throttled: true };
    if (!this.password || !timingSafeEqual(sha256(given), this.password)) {
      const fresh = !f || now - f.since >= LOGIN_WINDOW_MS;
      this.failures.set(who, { count: fresh ? 1 : f.count + 1, since: fresh ? now : f.since });
      return { ok: false, throttled: false };
    }
    this.failures.delete(who);
    for (const [k, exp] of this.sessions) if (exp <= now) this.sessions.delete(k);
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(sha256(token).toString('hex'), now + SESSION_TTL_MS);
    return { ok: true, cookie: this.cookie(req, token, Math.floor(SESSION_TTL_MS / 1000)) };
  }

  /** Ends the request's session; returns the Set-Cookie header that clears it. */
  logout(req: IncomingMessage): string {
    const token = cookieValue(req, COOKIE);
    if (token) this.sessions.delete(sha256(token).toString('hex'));
    return this.cookie(req, '', 0);
  }

  private cookie(req: IncomingMessage, value: string, maxAge: number): string {
    const secure = req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
    return `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
  }
}

function hostnameOf(hostHeader: string): string {
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return '';
  }
}
