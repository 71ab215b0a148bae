import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { ManualClock } from '../../../src/core/clock.ts';
import { PermanentError, RetryableError } from '../../../src/core/errors.ts';
import type { CustomerMessage } from '../../../src/core/notify.ts';
import { createEmailChannel, emailMessageId } from '../../../src/notify/channels/email.ts';
import { captureLog } from './log-capture.ts';

const FROM = 'Bear Goods <orders@bear.example>';
const PASS = 'smtp-pass-0123456789';

interface Received {
  to: string[];
  raw: string;
}

// A real SMTP server on 127.0.0.1: 550 for gone@, 450 for busy@, AUTH required with the right password.
async function startSmtp(t: TestContext): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'shop' && auth.password === PASS) return cb(null, { user: 'shop' });
      cb(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('gone@')) return cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      if (address.address.startsWith('busy@')) return cb(Object.assign(new Error('Try again later'), { responseCode: 450 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, received };
}

// Just enough MIME to read what nodemailer wrote: headers, encoded words, multipart parts, QP and base64.
function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded);
  return m?.[1]?.trim();
}
function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')),
  );
}
function decodeQp(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => `%${h}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
}
function parts(raw: string): Record<string, string> {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  assert.ok(boundary, 'multipart message');
  const out: Record<string, string> = {};
  for (const part of raw.split(`--${boundary}`).slice(1, -1)) {
    const type = /content-type:\s*([^;\r\n]+)/i.exec(part)?.[1]?.trim() ?? '';
    const enc = /content-transfer-encoding:\s*(\S+)/i.exec(part)?.[1]?.toLowerCase() ?? '7bit';
    const body = part.split(/\r?\n\r?\n/).slice(1).join('\n\n').trim();
    out[type] = enc === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : enc === 'quoted-printable' ? decodeQp(body) : body;
  }
  return out;
}

const msg = (email: string, over: Partial<CustomerMessage> = {}): CustomerMessage => ({
  key: 'order:SO1:shipped',
  orderId: 'SO1',
  template: 'shipped',
  vars: { carrier: 'SEUR', trackingNo: 'SE123' },
  urgent: false,
  recipient: { customerId: 'c1', name: 'Lucía <b>', email, language: 'es' },
  ...over,
});

async function setup(t: TestContext, pass = PASS) {
  const smtp = await startSmtp(t);
  const logs = captureLog();
  const channel = createEmailChannel({ smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'shop', pass }, from: FROM, clock: new ManualClock(), log: logs.log, timeoutMs: 5000 });
  t.after(() => channel.close());
  return { ...smtp, channel, logs };
}

test('sends text and HTML parts in the customer language with a Message-ID derived from the key', async (t) => {
  const { channel, received, logs } = await setup(t);
  const receipt = await channel.send(msg('lucia@example.es'));
  const expectedId = emailMessageId('order:SO1:shipped', FROM);
  assert.deepEqual(receipt, { channel: 'email', providerId: expectedId });
  assert.match(expectedId, /^<orderops\.[0-9a-f]{32}@bear\.example>$/);
  const mail = received[0];
  assert.ok(mail);
  assert.deepEqual(mail.to, ['lucia@example.es']);
  assert.equal(header(mail.raw, 'Message-ID'), expectedId);
  assert.equal(header(mail.raw, 'Content-Language'), 'es');
  assert.equal(decodeWords(header(mail.raw, 'Subject') ?? ''), 'Tu pedido SO1 ha sido enviado');
  const p = parts(mail.raw);
  assert.deepEqual(Object.keys(p).sort(), ['text/html', 'text/plain']);
  assert.match(p['text/plain'] ?? '', /^Hola, Lucía <b>:/);
  assert.match(p['text/plain'] ?? '', /Seguimiento: SEUR SE123/);
  assert.match(p['text/html'] ?? '', /Hola, Lucía &lt;b&gt;:/);
  assert.match(p['text/html'] ?? '', /<html lang="es">/);
  // Sending the same key again carries the same Message-ID, so the receiving side can drop the copy.
  await channel.send(msg('lucia@example.es'));
  assert.equal(header(received[1]?.raw ?? '', 'Message-ID'), expectedId);
  const log = logs.text();
  assert.ok(!log.includes('lucia@example.es') && !log.includes(PASS) && log.includes('l***@example.es'));
});

test('550 mailbox unavailable is PermanentError recipient.unreachable; 450 is retryable', async (t) => {
  const { channel, received } = await setup(t);
  const gone = await channel.send(msg('gone@example.com')).then(() => undefined, (e: unknown) => e);
  assert.ok(gone instanceof PermanentError && gone.code === 'recipient.unreachable', String(gone));
  assert.ok(!String(gone).includes('gone@example.com'), 'address masked in the error');
  await assert.rejects(channel.send(msg('busy@example.com')), (e: unknown) => e instanceof RetryableError && e.code === 'email.deferred');
  assert.equal(received.length, 0);
});

test('wrong SMTP password is channel.auth_failed without the password anywhere; no server is retryable', async (t) => {
  const { channel, logs } = await setup(t, 'wrong-pass-99999');
  const err = await channel.send(msg('lucia@example.es')).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof PermanentError && err.code === 'channel.auth_failed', String(err));
  assert.ok(!`${String(err)}${JSON.stringify(err)}${logs.text()}`.includes('wrong-pass-99999'));
  const down = createEmailChannel({ smtp: { host: '127.0.0.1', port: 1, secure: false }, from: FROM, clock: new ManualClock(), log: logs.log, timeoutMs: 2000 });
  t.after(() => down.close());
  await assert.rejects(down.send(msg('lucia@example.es')), (e: unknown) => e instanceof RetryableError && e.code === 'email.network');
});

test('canReach needs an email address', async (t) => {
  const { channel } = await setup(t);
  assert.equal(channel.canReach({ customerId: 'c', language: 'en' }), false);
  assert.equal(channel.canReach({ customerId: 'c', email: 'not-an-email', language: 'en' }), false);
  assert.equal(channel.canReach({ customerId: 'c', email: 'a@b.co', language: 'en' }), true);
  await assert.rejects(channel.send(msg('nope')), (e: unknown) => e instanceof PermanentError && e.code === 'recipient.unreachable');
});
