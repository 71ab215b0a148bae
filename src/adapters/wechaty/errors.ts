// wechaty failures → RetryableError / PermanentError with our codes (wechaty throws plain Errors without codes).
import { describeError, OrderOpsError, PermanentError, RetryableError } from '../../core/errors.ts';

/** The bot is not logged in (yet, or any more): try later. */
export function loggedOutError(): RetryableError {
  return new RetryableError('wechaty.logged_out', 'the staff WeChat bot is not logged in');
}

/** No contact or room with this id among the bot's own (not a friend, not a member): sending cannot work. */
export function noConversationError(id: string): PermanentError {
  return new PermanentError('wechaty.no_conversation', `the bot has no contact or room ${id.slice(0, 8)}…`);
}

/**
 * Maps what `say()` or a lookup threw. A failed say may still have reached WeChat, so it is retryable for the
 * caller's policy to decide, never resent here.
 */
export function mapWechatyError(err: unknown, what: string): RetryableError | PermanentError {
  if (err instanceof RetryableError || err instanceof PermanentError) return err;
  if (err instanceof OrderOpsError) return new PermanentError(err.code, err.message, {}, { cause: err });
  return new RetryableError('wechaty.send_failed', `${what}: ${describeError(err).slice(0, 160)}`, { cause: err });
}
