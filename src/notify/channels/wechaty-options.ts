// Which WeChat account to run through wechaty, read from wechaty's own environment variables (WECHATY_PUPPET names the
// puppet, WECHATY_PUPPET_<NAME>_TOKEN / _ENDPOINT its token and endpoint, WECHATY_NAME the session file). Kept apart
// from the bot itself so reading the options never loads wechaty.
import { isAbsolute, join } from 'node:path';
import { OrderOpsError } from '../../core/errors.ts';

/** How to build the bot, read from the environment. */
export interface WechatyBotOptions {
  /** The puppet package, e.g. `wechaty-puppet-service`, `wechaty-puppet-padlocal`, `wechaty-puppet-mock`. */
  puppet: string;
  /** Passed to the puppet: token and endpoint (and puppet-service's authority and TLS settings) when set. */
  puppetOptions: Record<string, unknown>;
  /** The session file (memory card) name; an absolute path keeps the login across restarts. */
  name: string;
}

// Any installed puppet package works (wechaty imports it by name), scoped or not.
const PUPPET_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?wechaty-puppet-[a-z0-9][a-z0-9._-]*$/;

// wechaty-puppet-service → WECHATY_PUPPET_SERVICE: the prefix wechaty's puppets read their settings under.
function envPrefix(puppet: string): string {
  return puppet.replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/**
 * The bot's options when WECHATY_PUPPET is set, else undefined. Values are read from `env` (not process.env) so the
 * composition root decides; puppets may still read other variables of their own from the process environment.
 */
export function wechatyOptionsFromEnv(env: Readonly<Record<string, string | undefined>>, dataDir: string): WechatyBotOptions | undefined {
  const puppet = env.WECHATY_PUPPET?.trim();
  if (!puppet) return undefined;
  if (!PUPPET_NAME.test(puppet)) throw new OrderOpsError('wechaty.bad_puppet', `WECHATY_PUPPET must name a wechaty puppet package (wechaty-puppet-…), not "${puppet.slice(0, 60)}"`);
  const prefix = envPrefix(puppet);
  const value = (suffix: string): string | undefined => env[`${prefix}_${suffix}`] || undefined;
  const puppetOptions: Record<string, unknown> = {};
  const token = value('TOKEN');
  const endpoint = value('ENDPOINT');
  if (token) puppetOptions.token = token;
  if (endpoint) puppetOptions.endpoint = endpoint;
  if (prefix === 'WECHATY_PUPPET_SERVICE') {
    const authority = value('AUTHORITY');
    if (authority) puppetOptions.authority = authority;
    const tls = { disable: value('NO_TLS_INSECURE_CLIENT') === 'true' || undefined, serverName: value('TLS_SERVER_NAME'), caCert: value('TLS_CA_CERT') };
    if (Object.values(tls).some((v) => v !== undefined)) puppetOptions.tls = Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined));
  }
  // The session file holds the login: under data/runtime/ (git-ignored) unless WECHATY_NAME says otherwise.
  const named = env.WECHATY_NAME?.trim();
  const name = named ? (isAbsolute(named) ? named : join(dataDir, 'runtime', named)) : join(dataDir, 'runtime', 'wechaty');
  return { puppet, puppetOptions, name };
}
