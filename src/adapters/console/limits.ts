// The console's sending limits and in-memory bounds.
import type { ChatLimits } from '../../core/chat.ts';

/** How fast the hub may post to one console channel (the browser, not a platform, is the limit). */
export const CONSOLE_LIMITS: ChatLimits = { perChannelPerSecond: 20, burst: 40 };

/** Messages kept per channel; older ones fall out of the ring. */
export const MESSAGES_PER_CHANNEL = 200;

/** Customer inbox entries kept. */
export const INBOX_SIZE = 200;

/** Recent command/click ids remembered so a double submit is processed once. */
export const DEDUPE_MEMORY = 2000;

/** Largest POST body the console API reads, bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Longest command or message line, characters. */
export const MAX_TEXT_CHARS = 4000;

/** Seconds between SSE heartbeats (keeps proxies and idle timers from closing the stream). */
export const SSE_HEARTBEAT_MS = 15_000;

/** How long a login session lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Failed logins allowed per client address per window before answering 429. */
export const LOGIN_FAILURES_PER_WINDOW = 5;

/** The failed-login window. */
export const LOGIN_WINDOW_MS = 60_000;
