/** Base error: every error we raise carries a stable machine-readable code. */
export class OrderOpsError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** A mistake by the person using the bot (bad argument, bad settings): shown to them, never retried. */
export class UserError extends OrderOpsError {}

/** A transient failure (timeout, 5xx, 429): worth retrying, optionally not before `retryAfterMs`. */
export class RetryableError extends OrderOpsError {
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, opts: { retryAfterMs?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(code, message, opts.details ?? {}, { cause: opts.cause });
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** A failure that will not go away by retrying (4xx, bad credentials, malformed data). */
export class PermanentError extends OrderOpsError {}

/** Message of any thrown value, for logs and summaries. */
export function describeError(err: unknown): string {
  if (err instanceof OrderOpsError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
