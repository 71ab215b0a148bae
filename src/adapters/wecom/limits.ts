// WeCom's documented limits (PLATFORMS.md 3.3-3.6, doc 94888); the renderer, the API wrapper and the hub's send
// queue respect them. Figures the docs give as "建议不超过" (suggested) are treated as hard caps: WeCom cuts
// longer text on the phone anyway, and we would rather place the "…" ourselves.
import type { ChatLimits } from '../../core/chat.ts';

/** template_card and message limits. */
export const WECOM_LIMITS = {
  /** task_id: at most 128 bytes of [0-9A-Za-z_-@], unique per app. */
  taskIdBytes: 128,
  buttons: 6,
  buttonKeyBytes: 1024,
  buttonText: 10,
  horizontalItems: 6,
  horizontalKeyname: 5,
  horizontalValue: 30,
  mainTitle: 36,
  mainTitleDesc: 44,
  subTitleText: 160,
  sourceDesc: 20,
  /** No documented cap on quote_area; ours keeps a card readable on a phone. */
  quoteTitle: 36,
  quoteText: 600,
  /** Plain text app messages: content at most 2048 bytes. */
  textBytes: 2048,
  /** Group robot markdown: content at most 4096 bytes. */
  markdownBytes: 4096,
  touserCount: 1000,
  partyCount: 100,
  tagCount: 100,
} as const;

/** The characters a task_id may use. */
export const TASK_ID_PATTERN = /^[0-9A-Za-z_\-@]{1,128}$/;

/**
 * The hub's per-channel queue: WeCom drops (silently) app messages above 30 per minute and 1000 per hour per
 * member. 0.25/s is 900/h; a burst of 15 plus 15 refilled in the first minute stays at 30/min.
 */
export const WECOM_CHAT_LIMITS: ChatLimits = { perChannelPerSecond: 0.25, burst: 15 };

/** The group robot takes 20 messages per minute; the robot sender queues above that. */
export const WECOM_ROBOT_PER_MINUTE = 20;

/** Callbacks older (or newer) than this are refused as replays (seconds). */
export const WECOM_TIMESTAMP_WINDOW_S = 5 * 60;

/** response_code lifetime: 72 hours, single use. */
export const WECOM_RESPONSE_CODE_TTL_MS = 72 * 3600_000;

/** How long a posted card's channel is remembered for its clicks (and long button keys for their values). */
export const WECOM_TASK_TTL_MS = 90 * 24 * 3600_000;

/** Largest callback body we read (an encrypted event is a few KB). */
export const WECOM_MAX_BODY_BYTES = 256 * 1024;

/** Retries of a callback delivery arrive within ~15 s; the hub's SQLite dedupe keeps keys far longer. */
export const WECOM_ANSWER_WITHIN_MS = 1000;
