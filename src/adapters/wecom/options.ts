// Options of the WeCom adapter and reading them from the environment (secrets never in errors or logs).
import type { Clock } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { HttpServer } from '../../http/server.ts';
import type { AdapterStateRepo } from '../../store/adapter-state.ts';
import type { WeComRetryPolicy } from './api.ts';

/** WeCom's API base URL. */
export const WECOM_API_BASE = 'https://qyapi.weixin.qq.com';

/** The credentials part of the options, as read from the environment. */
export interface WeComEnvOptions {
  corpId: string;
  agentId: number;
  secret: string;
  /** Callback Token and EncodingAESKey (both, or neither: then nothing can be received). */
  token?: string | undefined;
  encodingAesKey?: string | undefined;
  apiBase: string;
  /** Group robot key (the `key=` of its webhook URL): enables channel id `robot`. */
  webhookKey?: string | undefined;
  /** Where a card without buttons opens when tapped (text_notice needs a card_action URL). */
  cardUrl?: string | undefined;
}

/** Everything `createWeComAdapter` takes. */
export interface WeComAdapterOptions extends WeComEnvOptions {
  /** The shared HTTP server (GET and POST `path` are registered on it when token and key are set). */
  server?: HttpServer | undefined;
  /** Durable state: response codes, task channels, long button keys. */
  state: AdapterStateRepo;
  clock: Clock;
  log: Logger;
  /** Route path (default /wecom/callback). */
  path?: string;
  retry?: Partial<WeComRetryPolicy>;
  /** Group robot per-minute cap (default 20; benchmarks switch it off with Infinity). */
  robotPerMinute?: number;
}

/**
 * Reads WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET, WECOM_TOKEN, WECOM_ENCODING_AES_KEY, WECOM_API_BASE,
 * WECOM_WEBHOOK_KEY and WECOM_CARD_URL; undefined when none of corp id, agent id and secret is set (WeCom off).
 */
export function wecomOptionsFromEnv(env: Record<string, string | undefined>): WeComEnvOptions | undefined {
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const corpId = value('WECOM_CORP_ID');
  const agent = value('WECOM_AGENT_ID');
  const secret = value('WECOM_SECRET');
  if (!corpId && !agent && !secret) return undefined;
  const missing = [!corpId && 'WECOM_CORP_ID', !agent && 'WECOM_AGENT_ID', !secret && 'WECOM_SECRET'].filter(Boolean);
  if (missing.length > 0 || !corpId || !agent || !secret) throw new UserError('wecom.config', `WeCom is partly configured: ${missing.join(', ')} missing`);
  if (!/^\d{1,10}$/.test(agent)) throw new UserError('wecom.config', 'WECOM_AGENT_ID must be the app\'s numeric AgentId');
  const token = value('WECOM_TOKEN');
  const encodingAesKey = value('WECOM_ENCODING_AES_KEY');
  if (Boolean(token) !== Boolean(encodingAesKey)) {
    throw new UserError('wecom.config', 'WeCom callbacks need both WECOM_TOKEN and WECOM_ENCODING_AES_KEY (one is missing)');
  }
  if (encodingAesKey && !/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new UserError('wecom.config', 'WECOM_ENCODING_AES_KEY must be the 43 characters shown on the API receive page');
  const apiBase = (value('WECOM_API_BASE') ?? WECOM_API_BASE).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(apiBase)) throw new UserError('wecom.config', 'WECOM_API_BASE must be an http(s) URL');
  return { corpId, agentId: Number(agent), secret, token, encodingAesKey, apiBase, webhookKey: value('WECOM_WEBHOOK_KEY'), cardUrl: value('WECOM_CARD_URL') };
}
