// Slack's documented limits (PLATFORMS.md 1.5 and 1.6); the renderer and the hub's send queue respect them.
import type { ChatLimits } from '../../core/chat.ts';

/** Block Kit limits for a message surface. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  blockIdLength: 255,
  actionIdLength: 255,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  textObject: 3000,
  /** Slack truncates message `text` above this; the fake rejects it as msg_too_long. */
  messageText: 40_000,
  /**
   * Undocumented cumulative cap on text across all blocks: msg_blocks_too_long was hit at ~12-13k
   * characters (slackapi/bolt-js#2509, #2867). We stay well under it.
   */
  totalBlockText: 10_000,
  /** Button rows we keep before marking the rest as omitted (10 × 25 buttons). */
  maxActionsBlocks: 10,
} as const;

/** What the hub's per-channel queue allows: chat.postMessage is about 1 message/second per channel. */
export const SLACK_CHAT_LIMITS: ChatLimits = { perChannelPerSecond: 1, burst: 3 };

/** Slack retries events up to 5 minutes after the first try; remember deliveries a bit longer. */
export const SLACK_DEDUPE_TTL_MS = 15 * 60_000;

/** Replay window of the v0 signature (seconds). */
export const SLACK_SIGNATURE_WINDOW_S = 5 * 60;

/** Largest request body we read (real block_actions payloads carry the whole message). */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;
