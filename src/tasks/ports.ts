// The ports the tasks module works through; the composition root (src/main.ts) wires them.
import type { CardFactory } from '../core/command.ts';
import type { CanonicalStatus } from '../core/status.ts';
import type { TaskOrderInfo } from './types.ts';

/** Where task cards go: post, update every copy, notify a person or a channel. */
export interface TaskChat {
  /** Posts a new task card, tracked under `cardKey`, to the channels routed for tasks of `kind` (`tasks.<kind>`, else `tasks`). */
  publish(cardKey: string, card: CardFactory, kind?: string): Promise<void>;
  /** Replaces every posted copy of `cardKey` (every platform, each in its own language). */
  update(cardKey: string, card: CardFactory): Promise<void>;
  /** Sends the card to one person (`platform:userId`) directly (DM or the platform's nearest thing), tracked under `cardKey`. */
  notifyPerson(person: string, cardKey: string, card: CardFactory): Promise<void>;
  /** Posts the card to one channel (`platform:channelId`), tracked under `cardKey`. */
  notifyChannel(channel: string, cardKey: string, card: CardFactory): Promise<void>;
}

/** Order facts for a task (amount for four-eyes, every system's view, contact to show masked). */
export interface TaskOrders {
  lookup(orderId: string): Promise<TaskOrderInfo | undefined>;
}

/**
 * What executors do in the shop's systems. Systems are the names findings use (a source's `system`, defaulting to its name).
 * Throw RetryableError for what may pass (timeouts, 5xx) and PermanentError for what will not.
 */
export interface TaskExecutorPorts {
  /** True when the system's source declares the push capability. */
  canPush(system: string): boolean;
  /** Writes a canonical status to one system through its source's `push`. */
  pushStatus(system: string, orderId: string, status: CanonicalStatus): Promise<void>;
  /** Pulls a system's source now (SyncEngine.run); throws when the run failed. */
  resync(system: string): Promise<void>;
  /** Corrects an order's amount in one system. */
  applyPrice(orderId: string, system: string, amount: number, currency: string | null): Promise<void>;
  /** Asks the customer-notification work to tell the customer something (template id + values). */
  requestCustomerNotification(orderId: string, template: string, vars: Record<string, string | number>): Promise<void>;
  /** Makes a failing source's fallback the one that is pulled. */
  switchToFallback(source: string): Promise<void>;
  /** Undoes switchToFallback: the source itself is pulled again. */
  restoreSource(source: string): Promise<void>;
  /**
   * Sends one customer message (its outbox `key`) again down the customer's channel chain under a new idempotency key
   * (the `/notify resend` path, audited as `by`); returns the new key.
   */
  resendNotification(orderId: string, key: string, by: { key: string; name?: string | undefined }): Promise<{ key: string }>;
  /**
   * Records that `by` vouched for the order's shipping addresses as they stand (an incomplete one then stops being a
   * problem until an address changes); false when the order has no address.
   */
  acceptAddresses(orderId: string, by: string): Promise<boolean>;
  /** Marks a finding resolved because a person dealt with it (its alert resolves, its task's episode ends). */
  resolveFinding(fingerprint: string): Promise<void>;
}
