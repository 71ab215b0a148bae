import type { Clock } from '../core/clock.ts';
import { describeError, OrderOpsError, RetryableError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { readWebhookOrders, webhookBodySchema, type WebhookSource } from '../sync/sources/webhook.ts';
import { HttpError, readBody, sendJson, type HttpServer } from './server.ts';

/** What the order webhook route needs. */
export interface WebhookRouteDeps {
  engine: SyncEngine;
  /** The webhook source of that name, or undefined. */
  source(name: string): WebhookSource | undefined;
  maxBytes: () => number;
  log: Logger;
  clock: Clock;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * POST /webhooks/orders/:source — signature over the raw body, with the signed timestamp when sent (5-minute window)
 * (401), size limit (413), malformed (400),
 * idempotent on the delivery id, 503 + Retry-After when we cannot store it (so the sender retries).
 */
export function registerOrderWebhook(server: HttpServer, deps: WebhookRouteDeps): void {
  server.route('POST', '/webhooks/orders/:source', async ({ req, res, params }) => {
    const name = params.source ?? '';
    const source = deps.source(name);
    if (!source) throw new HttpError(404, 'unknown_source', `no webhook source named "${name}"`);
    const body = await readBody(req, deps.maxBytes());
    const signature = header(req.headers[source.options.signatureHeader.toLowerCase()]);
    const timestamp = header(req.headers[source.options.timestampHeader.toLowerCase()]);
    if (!source.verify(body, signature, timestamp, deps.clock.now())) {
      deps.log.warn({ source: name }, 'webhook signature mismatch');
      throw new HttpError(401, 'bad_signature', 'signature missing or wrong');
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'bad_json', 'body is not valid JSON');
    }
    const parsed = webhookBodySchema.safeParse(json);
    if (!parsed.success) {
      throw new HttpError(400, 'bad_body', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    }
    const eventId = header(req.headers[source.options.eventIdHeader.toLowerCase()]) ?? parsed.data.id;
    if (!eventId) throw new HttpError(400, 'missing_event_id', `an event id is required (header ${source.options.eventIdHeader} or body "id")`);
    const { records, errors } = readWebhookOrders(parsed.data.orders, eventId);
    try {
      const result = await deps.engine.ingest(name, records, { eventId, errors });
      sendJson(res, 200, {
        ok: true,
        duplicate: result.duplicate,
        received: parsed.data.orders.length,
        changed: result.changed,
        quarantined: result.quarantined,
        errors: errors.map((e) => ({ ref: e.ref, message: e.message })),
      });
    } catch (err) {
      deps.log.error({ source: name, eventId, err: describeError(err) }, 'webhook could not be stored');
      const retryable = err instanceof RetryableError || !(err instanceof OrderOpsError) || err.code.startsWith('store.');
      throw new HttpError(retryable ? 503 : 500, 'store_failed', 'the delivery could not be stored; retry later', retryable ? { 'retry-after': '5' } : {});
    }
  });
}
