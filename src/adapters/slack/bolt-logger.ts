// Bolt and its WebClient log through our pino logger (their level follows ours, not theirs).
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../core/logger.ts';

function format(parts: unknown[]): string {
  return parts
    .map((p) => {
      if (p instanceof Error) return p.message;
      if (typeof p === 'string') return p;
      try {
        return JSON.stringify(p);
      } catch {
        return String(p);
      }
    })
    .join(' ');
}

function levelOf(log: Logger): LogLevel {
  if (log.level === 'trace' || log.level === 'debug') return LogLevel.DEBUG;
  if (log.level === 'info') return LogLevel.INFO;
  if (log.level === 'warn') return LogLevel.WARN;
  return LogLevel.ERROR;
}

/** A Bolt/@slack logger writing to `log` under component "slack-bolt". */
export function toBoltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'slack-bolt' });
  return {
    debug: (...m: unknown[]) => child.debug(format(m)),
    info: (...m: unknown[]) => child.info(format(m)),
    warn: (...m: unknown[]) => child.warn(format(m)),
    error: (...m: unknown[]) => child.error(format(m)),
    // Bolt calls setLevel(INFO) in its constructor; LOG_LEVEL decides, so this is a no-op.
    setLevel: () => undefined,
    getLevel: () => levelOf(child),
    setName: () => undefined,
  };
}
