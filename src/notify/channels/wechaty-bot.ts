// The shop's WeChat account through wechaty, switched on by wechaty's own environment variables: WECHATY_PUPPET
// names the puppet, WECHATY_PUPPET_<NAME>_TOKEN / _ENDPOINT its token and endpoint (e.g. WECHATY_PUPPET_SERVICE_TOKEN),
// WECHATY_NAME the session file. One bot serves the wechaty customer channel and customer conversations.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ScanStatus, WechatyBuilder, type OfficialPuppetNpmName, type Wechaty } from 'wechaty';
import { describeError } from '../../core/errors.ts';
import type { WechatyBotOptions } from './wechaty-options.ts';
import type { Logger } from '../../core/logger.ts';
import { maskId } from './mask.ts';

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
