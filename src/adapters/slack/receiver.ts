// A Bolt Receiver fed by our shared HTTP server: verify the v0 signature over the raw body, refuse malformed
// bodies, answer Slack's 200 at once, then hand Bolt the payload. Every delivery we handle is acknowledged with an
// empty body, so the answer need not wait for Bolt's middleware (nor for other deliveries' work): Slack's 3 s
// deadline is met by construction, and a burst of clicks is answered as fast as the bodies can be read.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Clock } from '../../core/clock.ts';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { HttpError, readBody, sendJson, type RouteContext } from '../../http/server.ts';
import { checkSlackSignature, inboundOfDelivery, isSslCheck, parseSlackBody, SlackBodyError, type SlackInbound } from './inbound.ts';
import type { PacedStarter } from './work-queue.ts';

/** What the receiver needs. */
export interface SlackHttpReceiverOptions {
  signingSecret: string;
  clock: Clock;
  log: Logger;
  maxBodyBytes: number;
  mainCommand: string;
  /** Starts Bolt's processing of an acknowledged delivery after the answers already pending. */
  starter: PacedStarter;
  /** Deliveries acknowledged and not yet through Bolt (awaited with the handlers on stop and idle). */
  inflight: Set<Promise<void>>;
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
    const inbound = inboundOfDelivery(delivery, this.opts.mainCommand);
    answer(res, 200, undefined);
    this.dispatch(app, delivery.body, inbound, retryInfo(req));
  };

  // Bolt sees the delivery after the ack; its listeners' ack() is then a no-op. A failure inside Bolt cannot become
  // Slack's answer any more, so it is logged with the delivery it lost (our own handlers catch and report theirs).
  private dispatch(app: App, body: Record<string, unknown>, inbound: SlackInbound[], retry: { retryNum?: number; retryReason?: string }): void {
    const event: ReceiverEvent = { body, ...retry, customProperties: { [PARSED_INBOUND]: inbound }, ack: async () => undefined };
    const { starter, inflight, log } = this.opts;
    const run: Promise<void> = new Promise<void>((resolve) => starter.push(resolve))
      .then(() => app.processEvent(event))
      .catch((err: unknown) => {
        log.error({ err: describeError(err), keys: inbound.map((i) => i.event.dedupeKey), kinds: inbound.map((i) => i.event.kind) }, 'bolt failed on an acknowledged slack delivery');
      })
      .finally(() => inflight.delete(run));
    inflight.add(run);
  }
}
