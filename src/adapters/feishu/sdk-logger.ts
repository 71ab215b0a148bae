// The SDK's logger, onto ours. The SDK logs whole axios errors (their config holds the app secret of a token
// request and the Authorization header): only messages, codes and statuses get through, never objects.
import type { Logger as SdkLogger } from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../core/logger.ts';

function describeArg(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg);
  if (Array.isArray(arg)) return arg.map(describeArg).join(' ');
  if (typeof arg === 'object' && arg !== null) {
    const e = arg as { message?: unknown; code?: unknown; response?: { status?: unknown; data?: { code?: unknown; msg?: unknown } } };
    const parts = [e.message, e.code, e.response?.status, e.response?.data?.code, e.response?.data?.msg].filter((p) => typeof p === 'string' || typeof p === 'number');
    return parts.join(' ');
  }
  return '';
}

function line(args: unknown[]): string {
  // The SDK's log line for a received WS event embeds the whole payload: keep lines short.
  return args.map(describeArg).filter((s) => s !== '').join(' ').slice(0, 500);
}

/** An SDK logger writing to `log` (component "lark-sdk"). */
export function toSdkLogger(log: Logger): SdkLogger {
  const child = log.child({ component: 'lark-sdk' });
  return {
    error: (...args: unknown[]) => child.error(line(args)),
    warn: (...args: unknown[]) => child.warn(line(args)),
    info: (...args: unknown[]) => child.debug(line(args)),
    debug: (...args: unknown[]) => child.debug(line(args)),
    trace: (...args: unknown[]) => child.trace(line(args)),
  };
}
