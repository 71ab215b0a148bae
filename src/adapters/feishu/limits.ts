// Feishu's documented limits (PLATFORMS.md 2.2-2.8); the renderer, the receiver and the hub's send queue respect them.
import type { ChatLimits } from '../../core/chat.ts';

/** Card and message limits. */
export const FEISHU_LIMITS = {
  /** A card message body (the serialized card) may be at most 30 KB. */
  cardBytes: 30 * 1024,
  /** What the renderer aims for: room for the JSON escaping of `content` and a margin. */
  renderBytes: 28 * 1024,
  /** Components per 2.0 card, nested ones included. */
  cardElements: 200,
  headerText: 200,
  buttonText: 60,
  buttonsPerCard: 20,
  /** Text of one markdown component (bytes, UTF-8). */
  markdownBytes: 8 * 1024,
  tableRows: 50,
  /** Table components per card (more tables become markdown tables). */
  tablesPerCard: 5,
  tableCell: 200,
  tablePageSize: 10,
  toastText: 300,
  /** `uuid` of message.create: at most 50 characters. */
  uuidLength: 50,
} as const;

/**
 * 5 messages per second to one chat, shared by every bot in it (and 5 QPS of PATCH per message). No burst: a
 * token bucket with burst 5 would let 10 through in the first second, which Feishu counts as over the limit.
 */
export const FEISHU_CHAT_LIMITS: ChatLimits = { perChannelPerSecond: 5, burst: 1 };

/** Replay window of the request timestamp (seconds). */
export const FEISHU_SIGNATURE_WINDOW_S = 5 * 60;

/** Feishu retries events after 15 s, 5 min, 1 h and 6 h: remember deliveries a little longer than that. */
export const FEISHU_DEDUPE_TTL_MS = 7 * 60 * 60_000;

/** Largest request body we read. */
export const FEISHU_MAX_BODY_BYTES = 1024 * 1024;

/** How long a card click waits for the hub before answering (Feishu wants the answer within 3 s). */
export const FEISHU_CLICK_BUDGET_MS = 2500;
