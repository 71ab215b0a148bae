// Customer channels switched on by the environment: WeChat (WECHAT_APP_ID/SECRET), SMS (SMS_BASE_URL/API_KEY),
// email (SMTP_HOST…), WeChat chat (a wechaty bot built from WECHATY_PUPPET…, see wechaty-bot.ts), plus the console inbox
// that the embedded default always has.
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { CustomerChannel } from '../../core/notify.ts';
import type { Wechaty } from 'wechaty';
import type { Settings } from '../../settings/schema.ts';
import type { FindingsRepo } from '../../store/findings.ts';
import { createConsoleInboxChannel, type ConsoleInboxEntry } from './console.ts';
import { createEmailChannel } from './email.ts';
import { createSmsChannel } from './sms.ts';
import { createWeChatTemplateChannel } from './wechat-template.ts';
import { createWechatyChannel } from './wechaty.ts';

/** What the channels are built from. */
export interface ChannelEnvDeps {
  env: Readonly<Record<string, string | undefined>>;
  settings: () => Settings;
  clock: Clock;
  log: Logger;
  /** The console's customer inbox. */
  inbox: { push(entry: ConsoleInboxEntry): unknown };
  /** Channel problems (quota, rejected template, bad credentials) become findings staff see as alerts. */
  store: { findings: Pick<FindingsRepo, 'raise'> };
  /** The shop's wechaty bot, when WECHATY_PUPPET built one (it reaches customers once logged in). */
  wechaty?: Wechaty | undefined;
}

/** The configured channels, and a close for the ones holding connections. */
export function createCustomerChannels(deps: ChannelEnvDeps): { list: CustomerChannel[]; close(): void } {
  const { env, clock, log } = deps;
  const list: CustomerChannel[] = [];
  const closers: (() => void)[] = [];
  if (env.WECHAT_APP_ID && env.WECHAT_APP_SECRET) {
    const wechat = deps.settings().wechat;
    list.push(
      createWeChatTemplateChannel({
        appId: env.WECHAT_APP_ID,
        appSecret: env.WECHAT_APP_SECRET,
        ...(env.WECHAT_API_BASE ? { apiBase: env.WECHAT_API_BASE } : {}),
        templates: wechat.templates,
        language: wechat.language,
        clock,
        log: log.child({ channel: 'wechat_template' }),
        onAlert: (a) =>
          void deps.store.findings
            .raise(
              {
                kind: 'source_down',
                fingerprint: `source_down:wechat_template:${a.kind}`,
                source: 'wechat_template',
                details: { failures: 1, error: a.message, code: `wechat.${a.kind}`, fallback: null, fallbackOk: false },
              },
              clock.now(),
            )
            .catch((err: unknown) => log.error({ err: String(err) }, 'recording a channel alert failed')),
      }),
    );
  }
  if (env.SMS_BASE_URL && env.SMS_API_KEY) {
    list.push(createSmsChannel({ baseUrl: env.SMS_BASE_URL, apiKey: env.SMS_API_KEY, ...(env.SMS_SENDER ? { sender: env.SMS_SENDER } : {}), clock, log: log.child({ channel: 'sms' }) }));
  }
  if (env.SMTP_HOST && env.MAIL_FROM) {
    const email = createEmailChannel({
      smtp: { host: env.SMTP_HOST, port: Number(env.SMTP_PORT ?? 587), secure: env.SMTP_SECURE === 'true', user: env.SMTP_USER, pass: env.SMTP_PASS },
      from: env.MAIL_FROM,
      clock,
      log: log.child({ channel: 'email' }),
    });
    list.push(email);
    closers.push(() => email.close());
  }
  if (deps.wechaty) list.push(createWechatyChannel({ bot: deps.wechaty, log: log.child({ channel: 'wechaty' }) }));
  list.push(createConsoleInboxChannel({ push: (entry) => deps.inbox.push(entry), clock }));
  return { list, close: () => closers.forEach((c) => c()) };
}
