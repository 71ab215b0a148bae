// Bolt listeners: acknowledge first, drop deliveries already seen, then run the hub's handler in the background.
import type { App } from '@slack/bolt';
import type { InboundHandler } from '../../core/chat.ts';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { SlackApi } from './api.ts';
import type { RecentKeys } from '../../chat/recent-keys.ts';
import { toSlackInbound, type SlackInbound } from './inbound.ts';
import { PARSED_INBOUND } from './receiver.ts';
import { createSlackResponder } from './responder.ts';
import type { PacedStarter } from './work-queue.ts';

/** What the listeners need. */
export interface SlackListenerDeps {
  api: SlackApi;
  dedupe: RecentKeys;
  log: Logger;
  mainCommand: string;
  /** The hub's handler once the adapter is started. */
  handler(): InboundHandler | undefined;
  /** Handlers still running (awaited on stop). */
  inflight: Set<Promise<void>>;
  /** Starts handlers after the acks already pending. */
  starter: PacedStarter;
}

/** Turns a payload into neutral events (unless the HTTP receiver already did) and starts their handlers. */
export function deliverSlackPayload(deps: SlackListenerDeps, body: unknown, context: Record<string, unknown>): void {
  const { log } = deps;
  const retryNum = context.retryNum;
  const parsed = context[PARSED_INBOUND];
  const inbound = Array.isArray(parsed) ? (parsed as SlackInbound[]) : toSlackInbound(body, deps.mainCommand);
  for (const { event, target } of inbound) {
    if (!deps.dedupe.claim(event.dedupeKey)) {
      log.info({ key: event.dedupeKey, retryNum }, 'slack delivery already acknowledged; dropped');
      continue;
    }
    const handler = deps.handler();
    if (!handler) {
      log.warn({ kind: event.kind }, 'slack event before start; dropped');
      continue;
    }
    const run: Promise<void> = new Promise<void>((resolve) => deps.starter.push(resolve))
      .then(() => handler(event, createSlackResponder(deps.api, target, log)))
      .catch((err: unknown) => log.error({ err: describeError(err), kind: event.kind, key: event.dedupeKey }, 'slack event handler failed'))
      .finally(() => deps.inflight.delete(run));
    deps.inflight.add(run);
  }
}

/** Registers catch-all command, action and event listeners on the Bolt app. */
export function registerSlackListeners(app: App, deps: SlackListenerDeps): void {
  app.command(/.*/, async ({ ack, body, context }) => {
    await ack();
    deliverSlackPayload(deps, body, context);
  });
  app.action(/.*/, async ({ ack, body, context }) => {
    await ack();
    deliverSlackPayload(deps, body, context);
  });
  // Events API deliveries are acknowledged by Bolt before listeners run.
  app.event(/.*/, async ({ body, context }) => {
    deliverSlackPayload(deps, body, context);
  });
  app.error(async (err) => {
    deps.log.error({ err: describeError(err) }, 'slack listener error');
  });
}
