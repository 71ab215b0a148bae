// Email through SMTP (nodemailer): subject, text and HTML parts in the customer's language.
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { Clock } from '../../core/clock.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { CustomerChannel, CustomerMessage, Recipient, SendReceipt } from '../../core/notify.ts';
import { renderCustomerText } from '../texts.ts';
import { maskEmail } from './mask.ts';

/** Options for `createEmailChannel`. */
export interface EmailChannelOptions {
  smtp: { host: string; port: number; secure: boolean; user?: string | undefined; pass?: string | undefined };
  /** Sender, e.g. `Shop <orders@shop.example>`; its domain also ends every Message-ID. */
  from: string;
  clock: Clock;
  log: Logger;
  timeoutMs?: number;
}

/** The email channel; `close` ends the SMTP transport. */
export interface EmailChannel extends CustomerChannel {
  close(): void;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const MAILBOX_CODES = new Set([550, 551, 553]);

/** The Message-ID used for a message key: the same key always gives the same id, so receivers can drop a resend. */
export function emailMessageId(key: string, from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'orderops.local';
  return `<orderops.${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

/** Creates the email channel. */
export function createEmailChannel(opts: EmailChannelOptions): EmailChannel {
  const timeout = opts.timeoutMs ?? 20_000;
  const transport = createTransport({
    host: opts.smtp.host,
    port: opts.smtp.port,
    secure: opts.smtp.secure,
    ...(opts.smtp.user ? { auth: { user: opts.smtp.user, pass: opts.smtp.pass ?? '' } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    name: 'email',
    canReach: (recipient: Recipient) => EMAIL.test(recipient.email ?? ''),
    close: () => transport.close(),
    async send(message: CustomerMessage): Promise<SendReceipt> {
      const { recipient } = message;
      const to = recipient.email;
      if (!to || !EMAIL.test(to)) throw new PermanentError('recipient.unreachable', 'recipient has no usable email address');
      const vars = { orderId: message.orderId, ...(recipient.name ? { name: recipient.name } : {}), ...message.vars };
      const { subject, text, html } = renderCustomerText(message.template, 'email', recipient.language, vars);
      const messageId = emailMessageId(message.key, opts.from);
      const masked = maskEmail(to);
      try {
        await transport.sendMail({
          from: opts.from,
          to,
          subject,
          text,
          html,
          messageId,
          date: new Date(opts.clock.now()),
          headers: { 'Content-Language': recipient.language },
        });
      } catch (err) {
        throw mapSmtpError(err, masked);
      }
      opts.log.info({ channel: 'email', template: message.template, key: message.key, to: masked, messageId }, 'email sent');
      return { channel: 'email', providerId: messageId };
    },
  };
}

// Server replies can quote the address; only the code and our masked copy go into the error.
function mapSmtpError(err: unknown, masked: string): Error {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; responseCode?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const details = { smtpCode: reply, code };
  if (code === 'EAUTH') return new PermanentError('channel.auth_failed', 'SMTP server refused the credentials', details);
  if (reply !== undefined && reply >= 400 && reply < 500) return new RetryableError('email.deferred', `SMTP server deferred the message (${reply})`, { details });
  if (reply !== undefined && reply >= 500) {
    if (MAILBOX_CODES.has(reply) || code === 'EENVELOPE') return new PermanentError('recipient.unreachable', `SMTP server rejected ${masked} (${reply})`, details);
    return new PermanentError('email.rejected', `SMTP server rejected the message (${reply})`, details);
  }
  return new RetryableError('email.network', `SMTP delivery failed (${code ?? 'unknown'})`, { details });
}
