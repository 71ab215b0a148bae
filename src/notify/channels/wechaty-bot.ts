// The shop's WeChat account through wechaty, switched on by wechaty's own environment variables: WECHATY_PUPPET
// names the puppet, WECHATY_PUPPET_<NAME>_TOKEN / _ENDPOINT its token and endpoint (e.g. WECHATY_PUPPET_SERVICE_TOKEN),
// WECHATY_NAME the session file. One bot serves the wechaty customer channel and customer conversations.
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { ScanStatus, WechatyBuilder, type OfficialPuppetNpmName, type Wechaty } from 'wechaty';
import { OrderOpsError, describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { maskId } from './mask.ts';

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

/** A built (not yet started) bot with its lifecycle. */
export interface WechatyBot {
  readonly bot: Wechaty;
  /** Starts the puppet; a failure is logged, never fatal (the channel reports itself unreachable until logged in). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the bot and logs its login lifecycle (the QR code to scan, login, logout, errors); never logs the token. */
export function createWechatyBot(opts: WechatyBotOptions, log: Logger): WechatyBot {
  mkdirSync(dirname(opts.name), { recursive: true });
  // wechaty's type lists only its official puppets; at run time it imports whichever package the name gives.
  const bot = WechatyBuilder.build({ name: opts.name, puppet: opts.puppet as OfficialPuppetNpmName, puppetOptions: opts.puppetOptions });
  bot.on('scan', (qrcode, status) => {
    // The QR code is what the shop's phone scans to log in; it is short-lived and grants nothing by itself.
    const waiting = status === ScanStatus.Waiting || status === ScanStatus.Timeout;
    log.info({ status: ScanStatus[status], ...(waiting && qrcode ? { qrcode, render: `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}` } : {}) }, waiting ? 'wechaty: scan the QR code with the shop WeChat account to log in' : 'wechaty: scan status changed');
  });
  bot.on('login', (user) => log.info({ user: maskId(user.id) }, 'wechaty: logged in'));
  bot.on('logout', (user, reason) => log.warn({ user: maskId(user.id), reason }, 'wechaty: logged out; customers are reached by other channels until it logs in again'));
  bot.on('error', (err) => log.error({ err: describeError(err) }, 'wechaty error'));
  let started = false;
  return {
    bot,
    async start() {
      log.info({ puppet: opts.puppet }, 'wechaty: starting');
      try {
        await bot.start();
        started = true;
      } catch (err) {
        log.error({ puppet: opts.puppet, err: describeError(err) }, 'wechaty: the bot could not start; WeChat chat stays off');
      }
    },
    async stop() {
      if (!started) return;
      started = false;
      await bot.stop().catch((err: unknown) => log.warn({ err: describeError(err) }, 'wechaty: stopping failed'));
    },
  };
}
