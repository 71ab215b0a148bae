// Options of the Feishu / Lark adapter and reading them from the environment.
import type { Clock } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { HttpServer } from '../../http/server.ts';
import type { FeishuRetryPolicy } from './api.ts';

/** Feishu's open platform; Lark's is https://open.larksuite.com. */
export const FEISHU_API_BASE = 'https://open.feishu.cn';

/** How events arrive: our HTTP route, or the SDK's long connection (WSClient). */
export type FeishuMode = 'http' | 'ws';

/** Everything `createFeishuAdapter` takes. */
export interface FeishuAdapterOptions {
  appId: string;
  appSecret: string;
  /** Compared with `header.token` (v2) / `token` (v1) of every HTTP delivery; required in HTTP mode. */
  verificationToken?: string | undefined;
  /** When set, HTTP deliveries are signed and encrypted with it. */
  encryptKey?: string | undefined;
  /** Open platform base URL (default https://open.feishu.cn); tests point it at the fake. */
  apiBase?: string | undefined;
  mode?: FeishuMode | undefined;
  /** Our shared HTTP server (HTTP mode registers POST `path` on it). */
  server?: HttpServer | undefined;
  clock: Clock;
  log: Logger;
  /** Route path in HTTP mode (default /feishu/events). */
  path?: string;
  /** The umbrella command (`/orderops order A1`), default "orderops". */
  mainCommand?: string;
  retry?: Partial<FeishuRetryPolicy>;
  maxBodyBytes?: number;
  /** How long a click waits for the hub before answering Feishu (default 2500 ms). */
  clickBudgetMs?: number;
  /** Long-connection tuning (tests). */
  ws?: { autoReconnect?: boolean; connectTimeoutMs?: number };
}

/** The credentials part of the options, as read from the environment. */
export type FeishuEnvOptions = Pick<FeishuAdapterOptions, 'appId' | 'appSecret' | 'verificationToken' | 'encryptKey' | 'apiBase' | 'mode'>;

/**
 * Reads FEISHU_APP_ID, FEISHU_APP_SECRET, FEISHU_VERIFICATION_TOKEN, FEISHU_ENCRYPT_KEY, FEISHU_API_BASE and
 * FEISHU_MODE; undefined when neither app id nor secret is set (Feishu off). Never puts a secret in a message.
 */
export function feishuOptionsFromEnv(env: Record<string, string | undefined>): FeishuEnvOptions | undefined {
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const appId = value('FEISHU_APP_ID');
  const appSecret = value('FEISHU_APP_SECRET');
  if (!appId && !appSecret) return undefined;
  if (!appId || !appSecret) throw new UserError('feishu.config', `FEISHU_${appId ? 'APP_SECRET' : 'APP_ID'} is missing (both FEISHU_APP_ID and FEISHU_APP_SECRET are needed)`);
  const rawMode = (value('FEISHU_MODE') ?? 'http').toLowerCase();
  if (rawMode !== 'http' && rawMode !== 'ws') throw new UserError('feishu.config', 'FEISHU_MODE must be "http" or "ws"');
  const mode: FeishuMode = rawMode;
  const verificationToken = value('FEISHU_VERIFICATION_TOKEN');
  if (mode === 'http' && !verificationToken) throw new UserError('feishu.config', 'FEISHU_MODE=http needs FEISHU_VERIFICATION_TOKEN (Events and Callbacks > Encryption Strategy)');
  if (mode === 'ws' && !/^cli_[0-9a-fA-F]{16}$/.test(appId)) throw new UserError('feishu.config', 'FEISHU_MODE=ws needs a FEISHU_APP_ID of the form cli_ followed by 16 hex digits');
  const apiBase = value('FEISHU_API_BASE');
  if (apiBase && !/^https?:\/\/[^/\s]+\/?$/.test(apiBase)) throw new UserError('feishu.config', 'FEISHU_API_BASE must be an origin such as https://open.feishu.cn or https://open.larksuite.com');
  return { appId, appSecret, verificationToken, encryptKey: value('FEISHU_ENCRYPT_KEY'), apiBase: apiBase?.replace(/\/$/, ''), mode };
}
