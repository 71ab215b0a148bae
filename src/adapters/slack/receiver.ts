// A Bolt Receiver fed by our shared HTTP server: verify the v0 signature over the raw body, refuse malformed
// bodies, then hand Bolt the payload and answer Slack as soon as the listener acknowledges (always < 3 s).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Clock } from '../../core/clock.ts';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { HttpError, readBody, sendJson, type RouteContext } from '../../http/server.ts';
import { checkSlackSignature, inboundOfDelivery, isSslCheck, parseSlackBody, SlackBodyError, type SlackInbound } from './inbound.ts';

/** What the receiver needs. */
export interface SlackHttpReceiverOptions {
  signingSecret: string;
  clock: Clock;
  log: Logger;
  maxBodyBytes: number;
  ackDeadlineMs: number;
  mainCommand: string;
}

/** Context key under which the receiver hands the listeners the events it already parsed. */
export const PARSED_INBOUND = 'orderopsInbound';

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function retryInfo(req: IncomingMessage): { retryNum?: number; retryReason?: string } {
  const num = Number.parseInt(header(req, 'x-slack-retry-num') ?? '', 10);
  const reason = header(req, 'x-slack-retry-reason');
  return { ...(Number.isFinite(num) ? { retryNum: num } : {}), ...(reason ? { retryReason: reason } : {}) };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined || body === '') {
    res.writeHead(status, { 'content-length': 0 });
    res.end();
  } else if (typeof body === 'string') {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } else {
    sendJson(res, status, body);
  }
}

/** Bolt receiver for POST /slack/events on the shared HttpServer. */
export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private running = false;

  constructor(private readonly opts: SlackHttpReceiverOptions) {}

  /** Called by Bolt's App constructor. */
  init(app: App): void {
    this.app = app;
  }

  /** Starts accepting deliveries (the route exists from construction; before start it answers 503). */
  async start(): Promise<void> {
    this.running = true;
  }

  /** Stops accepting deliveries. */
  async stop(): Promise<void> {
    this.running = false;
  }

  /** The route handler. */
  readonly handle = async ({ req, res }: RouteContext): Promise<void> => {
    const raw = await readBody(req, this.opts.maxBodyBytes);
    const contentType = header(req, 'content-type');
    // Slack's ssl_check probe is not signed; it gets 200 and reaches nothing.
    if (isSslCheck(raw, contentType)) return answer(res, 200, undefined);
    const failure = checkSlackSignature({
      signingSecret: this.opts.signingSecret,
      rawBody: raw,
      signature: header(req, 'x-slack-signature'),
      timestamp: header(req, 'x-slack-request-timestamp'),
      nowMs: this.opts.clock.now(),
    });
    if (failure) {
      this.opts.log.warn({ failure }, 'slack request refused');
      throw new HttpError(401, 'bad_signature', `request signature refused (${failure})`);
    }
    let delivery;
    try {
      delivery = parseSlackBody(raw, contentType);
    } catch (err) {
      if (err instanceof SlackBodyError) throw new HttpError(400, 'bad_body', err.message);
      throw err;
    }
    const app = this.app;
    if (!this.running || !app) throw new HttpError(503, 'not_ready', 'the Slack adapter is not started', { 'retry-after': '5' });
    if (delivery.kind === 'url_verification') return sendJson(res, 200, { challenge: delivery.challenge });
    if (delivery.kind === 'ignored') {
      this.opts.log.debug({ type: delivery.type }, 'slack payload type not handled; acknowledged');
      return answer(res, 200, undefined);
    }
    await this.dispatch(app, delivery.body, inboundOfDelivery(delivery, this.opts.mainCommand), res, retryInfo(req));
  };

  private dispatch(app: App, body: Record<string, unknown>, inbound: SlackInbound[], res: ServerResponse, retry: { retryNum?: number; retryReason?: string }): Promise<void> {
    const { log, ackDeadlineMs } = this.opts;
    return new Promise((resolve) => {
      let answered = false;
      const reply = (status: number, payload: unknown): void => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        answer(res, status, payload);
        resolve();
      };
      // Slack's 3 s deadline is wall-clock time on the wire, so this timer is real time, not the injected clock.
      const timer = setTimeout(() => {
        log.warn({ deadlineMs: ackDeadlineMs }, 'no ack before the deadline; acknowledging anyway');
        reply(200, undefined);
      }, ackDeadlineMs);
      const event: ReceiverEvent = { body, ...retry, customProperties: { [PARSED_INBOUND]: inbound }, ack: async (response?: unknown) => reply(200, response) };
      app.processEvent(event).then(
        // A payload no listener acknowledged (e.g. dropped by middleware) is still delivered: say so.
        () => reply(200, undefined),
        (err: unknown) => {
          log.error({ err: describeError(err) }, 'bolt failed before acknowledging a slack delivery');
          reply(500, { error: 'internal', message: 'internal error' });
        },
      );
    });
  }
}
