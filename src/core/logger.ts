import { pino, type Logger } from 'pino';

export type { Logger };

// Anything that could carry a credential is redacted before it reaches a log line.
const REDACT = [
  'secret', '*.secret', 'token', '*.token', 'password', '*.password', 'authorization', '*.authorization',
  'headers.authorization', 'headers["x-shopify-access-token"]', '*.headers.authorization',
];

/** Creates the process logger: JSON lines on stderr (stdout stays free for CLI output). */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, pino.destination(2));
}

/** A logger that drops everything, for tests. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
