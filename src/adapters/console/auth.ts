// Who may open the console and as whom. Acting as any configured person only on loopback with the demo shop (or
// console.actAs); otherwise each person signs in with their own password (settings passwordHash), and the one shared
// ORDEROPS_CONSOLE_PASSWORD signs in as the named admin only. The acting person comes from the session, never the body.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../core/clock.ts';
import { HttpError } from '../../http/server.ts';
import type { Settings } from '../../settings/schema.ts';
import { findConsoleUser, listConsoleUsers } from './directory.ts';
import { LOGIN_FAILURES_PER_WINDOW, LOGIN_WINDOW_MS, SESSION_TTL_MS } from './limits.ts';
import { verifyConsolePassword } from './passwords.ts';

/** open: loopback, acting as anyone (demo or console.actAs). login: each person signs in. disabled: nobody can. */
export type ConsoleAccess = 'open' | 'login' | 'disabled';

/** The environment variable holding the shared console password (it signs in as the named admin only). */
export const CONSOLE_PASSWORD_ENV = 'ORDEROPS_CONSOLE_PASSWORD';

/** The environment variable naming the console person the shared password signs in as (default: the first admin). */
export const CONSOLE_ADMIN_ENV = 'ORDEROPS_CONSOLE_ADMIN';

const COOKIE = 'orderops_console';

/** Why the console refuses to open, for operators. */
export const CONSOLE_DISABLED_MESSAGE =
  `The web console is off: nobody can sign in. Give people passwords (orderops user set-password <id>) or set ${CONSOLE_PASSWORD_ENV} ` +
  `(it signs in as the admin); on a machine only you use, console.actAs: true in the settings lets you act as anyone on 127.0.0.1.`;

/** True for 127.0.0.0/8, ::1, localhost and *.localhost (with or without IPv6 brackets). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

/** Exposure, the shared password and its admin from where the server listens and the environment. */
export function consoleAccessFromEnv(env: Readonly<Record<string, string | undefined>>, listenHost: string): { exposed: boolean; auth?: { password: string; admin?: string | undefined } } {
  const password = env[CONSOLE_PASSWORD_ENV];
  const admin = env[CONSOLE_ADMIN_ENV]?.trim() || undefined;
  return { exposed: !isLoopbackHost(listenHost), ...(password ? { auth: { password, admin } } : {}) };
}

/** A failed sign-in: wrong, or locked for `retryAfterS` after too many failures from that address for that person. */
export type LoginFailure = { ok: false; throttled: false } | { ok: false; throttled: true; retryAfterS: number };

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

/** What the gate needs. */
export interface ConsoleGateOptions {
  exposed: boolean;
  /** The shared password (ORDEROPS_CONSOLE_PASSWORD) and the person it signs in as. */
  password?: string | undefined;
  admin?: string | undefined;
  clock: Clock;
  settings: () => Settings;
  /** True when acting as anyone is allowed (loopback with the demo shop, or console.actAs). */
  actAs: () => boolean;
}

/** Checks Host, Origin and the session cookie of every console request, and says who the session is. */
export class ConsoleGate {
  private readonly password: Buffer | undefined;
  private readonly sessions = new Map<string, { expires: number; userId: string }>();
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly opts: ConsoleGateOptions) {
    this.password = opts.password ? sha256(opts.password) : undefined;
  }

  /** open (act as anyone, loopback only), login (someone can sign in) or disabled. Read on every request: settings change. */
  get access(): ConsoleAccess {
    if (!this.opts.exposed && this.opts.actAs()) return 'open';
    if (this.adminId() || listConsoleUsers(this.opts.settings()).some((u) => u.passwordHash)) return 'login';
    return 'disabled';
  }

  /** The person the shared password signs in as: ORDEROPS_CONSOLE_ADMIN, else the first console admin in settings. */
  adminId(): string | undefined {
    if (!this.password) return undefined;
    const users = listConsoleUsers(this.opts.settings());
    const named = this.opts.admin ? users.find((u) => u.id === this.opts.admin) : users.find((u) => u.role === 'admin');
    return named?.role === 'admin' ? named.id : undefined;
  }

  /** Throws 403 when the console is disabled, the Host is not loopback (when not exposed), or a POST's Origin is foreign. */
  guard(req: IncomingMessage, write: boolean): void {
    const access = this.access;
    if (access === 'disabled') throw new HttpError(403, 'console_disabled', CONSOLE_DISABLED_MESSAGE);
    const host = req.headers.host ?? '';
    // A loopback console reached under another name is a DNS-rebinding attempt, not a person.
    if (!this.opts.exposed && !isLoopbackHost(hostnameOf(host))) throw new HttpError(403, 'bad_host', 'the console answers on loopback names only (localhost, 127.0.0.1)');
    if (!write) return;
    if (req.headers['sec-fetch-site'] === 'cross-site') throw new HttpError(403, 'bad_origin', 'cross-site requests are refused');
    const origin = req.headers.origin;
    if (origin === undefined) {
      if (access === 'login') throw new HttpError(403, 'bad_origin', 'an Origin header is required');
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

  /** The signed-in person of the request, if its session is valid. */
  sessionUser(req: IncomingMessage): string | undefined {
    const token = cookieValue(req, COOKIE);
    if (!token) return undefined;
    const key = sha256(token).toString('hex');
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (session.expires <= this.opts.clock.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    // A person removed from the settings (or whose password was reset away) is signed out.
    return findConsoleUser(this.opts.settings(), session.userId) ? session.userId : undefined;
  }

  /** True when the request may use the console: acting-as is on, or it has a valid session. */
  authorized(req: IncomingMessage): boolean {
    const access = this.access;
    if (access === 'open') return true;
    return access === 'login' && this.sessionUser(req) !== undefined;
  }

  /**
   * Checks a person's password (theirs, or the shared one for the named admin) in constant time; on success returns
   * the Set-Cookie header of a session bound to that person. Failures are counted per (address, person).
   */
  login(req: IncomingMessage, userId: string, given: string): { ok: true; cookie: string; userId: string } | LoginFailure {
    const now = this.opts.clock.now();
    const who = userId.trim() === '' ? (this.adminId() ?? '') : userId.trim();
    const throttleKey = `${req.socket.remoteAddress ?? 'unknown'}|${who}`;
    const f = this.failures.get(throttleKey);
    if (f && now - f.since < LOGIN_WINDOW_MS && f.count >= LOGIN_FAILURES_PER_WINDOW) {
      return { ok: false, throttled: true, retryAfterS: Math.max(1, Math.ceil((f.since + LOGIN_WINDOW_MS - now) / 1000)) };
    }
    if (!this.checkPassword(who, given)) {
      const fresh = !f || now - f.since >= LOGIN_WINDOW_MS;
      this.failures.set(throttleKey, { count: fresh ? 1 : f.count + 1, since: fresh ? now : f.since });
      return { ok: false, throttled: false };
    }
    this.failures.delete(throttleKey);
    for (const [k, s] of this.sessions) if (s.expires <= now) this.sessions.delete(k);
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(sha256(token).toString('hex'), { expires: now + SESSION_TTL_MS, userId: who });
    return { ok: true, userId: who, cookie: this.cookie(req, token, Math.floor(SESSION_TTL_MS / 1000)) };
  }

  private checkPassword(userId: string, given: string): boolean {
    const user = findConsoleUser(this.opts.settings(), userId);
    if (!user) return false;
    if (user.passwordHash && verifyConsolePassword(given, user.passwordHash)) return true;
    return this.password !== undefined && userId === this.adminId() && timingSafeEqual(sha256(given), this.password);
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
