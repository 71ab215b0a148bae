// WeChat Official Account template messages (POST /cgi-bin/message/template/send), see PLATFORMS.md §4.
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { Language } from '../../core/i18n.ts';
import type { Logger } from '../../core/logger.ts';
import type { CustomerChannel, CustomerMessage, Recipient, SendReceipt } from '../../core/notify.ts';
import { requestJsonOnce } from '../../sync/http-client.ts';
import { renderCustomerText } from '../texts.ts';
import { maskId } from './mask.ts';
import { stableMessageId } from './message-key.ts';
import type { WeChatFieldType } from './wechat-fields.ts';
import { buildTemplateData, fillTemplateUrl, parseWeChatTemplates, type WeChatTemplateConfig } from './wechat-template-data.ts';
import { createStableTokenSource } from './wechat-token.ts';
import { formatWeChatTime, nextShanghaiMidnight } from './wechat-time.ts';

/** Something staff must know about the WeChat channel (the lead turns it into an alert). */
export type WeChatAlert =
  | { kind: 'quota'; channel: 'wechat_template'; errcode: number; pausedUntil: number; message: string }
  | { kind: 'template'; channel: 'wechat_template'; errcode: number; template: string; templateId: string; message: string }
  | { kind: 'field'; channel: 'wechat_template'; template: string; templateId: string; field: string; fieldType: WeChatFieldType; reason: string; message: string }
  | { kind: 'auth'; channel: 'wechat_template'; errcode: number; message: string };

/** Options for `createWeChatTemplateChannel`. */
export interface WeChatTemplateChannelOptions {
  appId: string;
  appSecret: string;
  /** Default `https://api.weixin.qq.com`. */
  apiBase?: string;
  /** Our template (a status such as `shipped`, or `ask_stock`…) → WeChat template id and keyword mapping. */
  templates: Record<string, WeChatTemplateConfig>;
  clock: Clock;
  log: Logger;
  onAlert?: (alert: WeChatAlert) => void;
  /** Zone for `time`/`date` keywords and `sentAt` (default Asia/Shanghai). */
  timeZone?: string;
  /** Language of the text parts; default the recipient's. WeChat templates are Chinese, so `phrase` keywords need zh-CN. */
  language?: Language;
  timeoutMs?: number;
}

/** The WeChat template channel; `pausedUntil` is set while the daily quota is spent. */
export interface WeChatTemplateChannel extends CustomerChannel {
  pausedUntil(): number | undefined;
}

const SendReply = z.object({ errcode: z.number().int(), errmsg: z.string().optional(), msgid: z.union([z.number(), z.string()]).optional() });
type SendReplyT = z.infer<typeof SendReply>;

const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
const UNREACHABLE = new Set([43004, 40003, 43101]);
const TOO_FREQUENT_RETRY_MS = 60_000;

/** Creates the WeChat template channel (one per Official Account). */
export function createWeChatTemplateChannel(opts: WeChatTemplateChannelOptions): WeChatTemplateChannel {
  const templates = parseWeChatTemplates(opts.templates);
  const apiBase = (opts.apiBase ?? 'https://api.weixin.qq.com').replace(/\/+$/, '');
  const timeZone = opts.timeZone ?? 'Asia/Shanghai';
  const { clock, log } = opts;
  const alert = (a: WeChatAlert): void => {
    log.warn({ alert: a.kind, channel: a.channel }, a.message);
    opts.onAlert?.(a);
  };
  const tokens = createStableTokenSource({
    appId: opts.appId,
    appSecret: opts.appSecret,
    apiBase,
    clock,
    log,
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    onAuthFailure: (errcode, errmsg) => alert({ kind: 'auth', channel: 'wechat_template', errcode, message: `WeChat refused the app credentials: ${errcode} ${errmsg}` }),
  });
  let pausedUntil: number | undefined;
  const isPaused = (): boolean => pausedUntil !== undefined && clock.now() < pausedUntil;

  const post = async (token: string, body: string): Promise<SendReplyT> => {
    const res = await requestJsonOnce(`${apiBase}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`, {
      clock,
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      timeoutMs: opts.timeoutMs ?? 10_000,
    });
    const parsed = SendReply.safeParse(res.body);
    if (!parsed.success) throw new RetryableError('wechat.bad_reply', 'template send answered with an unexpected body');
    return parsed.data;
  };

  const sendWithToken = async (body: string): Promise<SendReplyT> => {
    const token = await tokens.get();
    const reply = await post(token, body);
    if (!TOKEN_ERRORS.has(reply.errcode)) return reply;
    log.warn({ channel: 'wechat_template', errcode: reply.errcode }, 'access token rejected; refreshing once');
    const again = await post(await tokens.replace(token), body);
    if (TOKEN_ERRORS.has(again.errcode)) throw new RetryableError('wechat.token_rejected', `access token rejected twice (${again.errcode})`);
    return again;
  };

  const fail = (reply: SendReplyT, message: CustomerMessage, config: WeChatTemplateConfig): never => {
    const { errcode } = reply;
    const errmsg = (reply.errmsg ?? '').slice(0, 200);
    const details = { errcode, template: message.template, key: message.key };
    if (UNREACHABLE.has(errcode)) throw new PermanentError('recipient.unreachable', `WeChat cannot reach this follower (${errcode})`, details);
    if (errcode === 45009) {
      const wasPaused = isPaused();
      pausedUntil = nextShanghaiMidnight(clock.now());
      if (!wasPaused) alert({ kind: 'quota', channel: 'wechat_template', errcode, pausedUntil, message: `WeChat daily template quota reached; channel paused until ${new Date(pausedUntil).toISOString()}` });
      throw new PermanentError('channel.paused', 'WeChat daily template quota reached', { ...details, until: pausedUntil });
    }
    if (errcode === 47003 || errcode === 40037) {
      alert({ kind: 'template', channel: 'wechat_template', errcode, template: message.template, templateId: config.templateId, message: `WeChat rejected template ${config.templateId} for "${message.template}": ${errcode} ${errmsg}` });
      throw new PermanentError('template.rejected', `WeChat rejected the template (${errcode} ${errmsg})`, details);
    }
    if (errcode === 48001) {
      alert({ kind: 'auth', channel: 'wechat_template', errcode, message: 'this account may not send template messages (48001)' });
      throw new PermanentError('channel.unauthorized', 'account not allowed to send template messages (48001)', details);
    }
    if (errcode === 43117) throw new RetryableError('wechat.too_frequent', 'too many messages to this follower', { retryAfterMs: TOO_FREQUENT_RETRY_MS, details });
    if (errcode === -1) throw new RetryableError('wechat.busy', 'WeChat system busy', { details });
    throw new PermanentError('wechat.error', `WeChat answered ${errcode} ${errmsg}`, details);
  };

  return {
    name: 'wechat_template',
    pausedUntil: () => (isPaused() ? pausedUntil : undefined),
    canReach: (recipient: Recipient) => Boolean(recipient.openid) && !isPaused(),
    async send(message: CustomerMessage): Promise<SendReceipt> {
      if (isPaused()) throw new PermanentError('channel.paused', 'WeChat daily template quota reached', { until: pausedUntil });
      const { recipient } = message;
      if (!recipient.openid) throw new PermanentError('recipient.unreachable', 'recipient has no WeChat openid');
      const config = templates[message.template];
      if (!config) throw new PermanentError('template.not_configured', `no WeChat template for "${message.template}"`, { template: message.template });
      const vars = { orderId: message.orderId, ...(recipient.name ? { name: recipient.name } : {}), ...message.vars };
      const { parts } = renderCustomerText(message.template, 'wechat', opts.language ?? recipient.language, vars);
      const sources = { sentAt: formatWeChatTime(clock.now(), recipient.timeZone ?? timeZone), ...vars, ...parts };
      const built = buildTemplateData(config, sources, recipient.timeZone ?? timeZone);
      if (!built.ok) {
        const { field, fieldType, reason } = built.problem;
        alert({ kind: 'field', channel: 'wechat_template', template: message.template, templateId: config.templateId, field, fieldType, reason, message: `WeChat keyword ${field} (${fieldType}) of "${message.template}" cannot be sent: ${reason}` });
        throw new PermanentError('template.invalid_field', `keyword ${field} (${fieldType}): ${reason}`, { template: message.template, field, fieldType });
      }
      const url = fillTemplateUrl(config.url, vars);
      const body = JSON.stringify({
        touser: recipient.openid,
        template_id: config.templateId,
        ...(url ? { url } : {}),
        client_msg_id: stableMessageId(message.key),
        data: built.data,
      });
      const reply = await sendWithToken(body);
      if (reply.errcode !== 0) fail(reply, message, config);
      const providerId = reply.msgid === undefined ? undefined : String(reply.msgid);
      log.info({ channel: 'wechat_template', template: message.template, key: message.key, openid: maskId(recipient.openid), msgid: providerId }, 'wechat template message sent');
      return { channel: 'wechat_template', providerId };
    },
  };
}
