// Options of the staff WeChat adapter, and the second (staff-only) bot read from the environment.
import { isAbsolute, join } from 'node:path';
import type { Wechaty } from 'wechaty';
import type { ChatLimits } from '../../core/chat.ts';
import type { Clock } from '../../core/clock.ts';
import { OrderOpsError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { WechatyBotOptions } from '../../notify/channels/wechaty-options.ts';
import type { Settings } from '../../settings/schema.ts';
import type { AdapterStateRepo } from '../../store/adapter-state.ts';
import type { WechatyInboundOutcome } from './inbound.ts';

/** Everything `createWechatyStaffAdapter` takes. */
export interface WechatyStaffAdapterOptions {
  /** The Wechaty bot: the shop's customer bot (shared) or a staff-only one. Started by its owner, not the adapter. */
  bot: Wechaty;
  /** Current settings: `chat.users["wechat:<contact id>"]` and `chat.routes` say who and where staff are. */
  settings: () => Settings;
  /** Durable adapter state (`store.adapterState`): reply codes and card numbers survive restarts. */
  state: Pick<AdapterStateRepo, 'get' | 'put' | 'take' | 'prune'>;
  clock: Clock;
  log: Logger;
  /** Per-conversation limits the hub's queue honours (default WECHATY_CHAT_LIMITS). */
  limits?: ChatLimits;
  /** Pace of every send of the account (default WECHATY_ACCOUNT_PACE). */
  accountPace?: ChatLimits;
  /** Told what became of each message the bot received (metrics, tests). */
  onInbound?: (outcome: WechatyInboundOutcome) => void;
}

// wechaty-puppet-service → WECHATY_PUPPET_SERVICE (the customer bot's prefix; the staff bot keeps its own names).
const PUPPET_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?wechaty-puppet-[a-z0-9][a-z0-9._-]*$/;

/**
 * The staff-only bot's options when WECHATY_STAFF_PUPPET is set, else undefined: WECHATY_STAFF_PUPPET_TOKEN,
 * _ENDPOINT, _AUTHORITY, _NO_TLS_INSECURE_CLIENT, _TLS_SERVER_NAME, _TLS_CA_CERT and WECHATY_STAFF_NAME mirror the
 * customer bot's variables under one fixed prefix, so the two bots never read each other's token.
 */
export function wechatyStaffOptionsFromEnv(env: Readonly<Record<string, string | undefined>>, dataDir: string): WechatyBotOptions | undefined {
  const puppet = env.WECHATY_STAFF_PUPPET?.trim();
  if (!puppet) return undefined;
  if (!PUPPET_NAME.test(puppet)) throw new OrderOpsError('wechaty.bad_puppet', `WECHATY_STAFF_PUPPET must name a wechaty puppet package (wechaty-puppet-…), not "${puppet.slice(0, 60)}"`);
  const value = (suffix: string): string | undefined => env[`WECHATY_STAFF_PUPPET_${suffix}`]?.trim() || undefined;
  const puppetOptions: Record<string, unknown> = {};
  const token = value('TOKEN');
  const endpoint = value('ENDPOINT');
  if (token) puppetOptions.token = token;
  if (endpoint) puppetOptions.endpoint = endpoint;
  if (puppet === 'wechaty-puppet-service') {
    const authority = value('AUTHORITY');
    if (authority) puppetOptions.authority = authority;
    const tls = { disable: value('NO_TLS_INSECURE_CLIENT') === 'true' || undefined, serverName: value('TLS_SERVER_NAME'), caCert: value('TLS_CA_CERT') };
    if (Object.values(tls).some((v) => v !== undefined)) puppetOptions.tls = Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined));
  }
  // Its own session file: two bots sharing one would log each other out.
  const named = env.WECHATY_STAFF_NAME?.trim();
  const name = named ? (isAbsolute(named) ? named : join(dataDir, 'runtime', named)) : join(dataDir, 'runtime', 'wechaty-staff');
  const customer = env.WECHATY_NAME?.trim();
  const customerName = customer ? (isAbsolute(customer) ? customer : join(dataDir, 'runtime', customer)) : join(dataDir, 'runtime', 'wechaty');
  if (env.WECHATY_PUPPET?.trim() && name === customerName) throw new OrderOpsError('wechaty.same_session', 'WECHATY_STAFF_NAME must differ from WECHATY_NAME: the staff bot needs its own session file');
  return { puppet, puppetOptions, name };
}
