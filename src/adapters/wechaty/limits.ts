// WeChat's limits as this adapter respects them: message size, sending pace, and how long reply codes live.
import type { ChatLimits } from '../../core/chat.ts';

/**
 * Per conversation, what the hub's send queue allows. Personal WeChat accounts are restricted (first sends fail,
 * then the account is frozen) when they send fast; one message every 3 s per conversation, bursts of 3, stays far
 * below what people report as the danger zone.
 */
export const WECHATY_CHAT_LIMITS: ChatLimits = { perChannelPerSecond: 1 / 3, burst: 3 };

/**
 * For the whole account, across conversations: WeChat's risk control counts what one account sends, not what one
 * chat receives, so the adapter paces every send through one more bucket (one message every 2 s, bursts of 5).
 */
export const WECHATY_ACCOUNT_PACE: ChatLimits = { perChannelPerSecond: 1 / 2, burst: 5 };

/**
 * Longest message we send, in characters (code points). WeChat cuts or refuses text somewhere around 2000+
 * characters depending on the client and puppet; 1500 leaves room for the header, emoji and CJK byte counts.
 */
export const WECHATY_MAX_MESSAGE_CHARS = 1500;

/** Longest single line of a card body before it is cut with "…". */
export const WECHATY_MAX_LINE_CHARS = 400;

/** The header line's budget. */
export const WECHATY_MAX_HEADER_CHARS = 200;

/** The budget for the reply-code lines of one card; choices beyond it are left out (and said so). */
export const WECHATY_MAX_BUTTON_CHARS = 600;

/** A plain text answer longer than one message is split into at most this many messages (the last one cut). */
export const WECHATY_MAX_TEXT_PARTS = 3;

/** How long a printed reply code works. */
export const WECHATY_CODE_TTL_MS = 14 * 24 * 3600_000;

/** How long the adapter remembers which codes a card carries (to retire them when the card changes). */
export const WECHATY_CARD_TTL_MS = 60 * 24 * 3600_000;

/** How long a message id is remembered: a puppet that reconnects may emit a message again, and a repeated reply code must not be looked up twice. */
export const WECHATY_RECENT_TTL_MS = 15 * 60_000;

/** How many message ids are remembered at most. */
export const WECHATY_RECENT_MAX = 5000;
