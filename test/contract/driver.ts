// The contract every chat adapter keeps, seen from outside: one driver per platform plays the platform's side
// (its real wire format, signed or encrypted as the vendor does, against the adapter's real inbound route) and
// reads what the platform's fake now shows. `suite.ts` runs the same script over every driver.
import type { TestContext } from 'node:test';
import type { ChatAdapter, PostedRef } from '../../src/core/chat.ts';
import type { Clock } from '../../src/core/clock.ts';
import type { Store } from '../../src/store/index.ts';

/** The suite's people: alice may click (agent), bob may only look (viewer). */
export type ContractPerson = 'alice' | 'bob';

/** One request the driver made to the adapter, and how to send it again byte for byte (a platform retry). */
export interface ContractDelivery {
  /** HTTP status of the answer (2xx accepted; 200 for transports without one, e.g. a chat message). */
  status: number;
  /** Resends the very same delivery (same ids, same body, fresh signature only where the platform re-signs retries). */
  replay(): Promise<ContractDelivery>;
}

/** A message as the fake platform shows it now. */
export interface ContractMessage {
  ref: PostedRef;
  /** The latest content as the platform holds it (its JSON or text), for substring checks. */
  text: string;
  /** 1 when posted, +1 for every in-place change (PATCH, update call, or a card returned in a callback answer). */
  versions: number;
}

/** What a platform driver gives the suite. */
export interface ContractDriver {
  readonly platform: string;
  /** The channel commands are typed in and cards are posted to. */
  readonly channelId: string;
  /** The real adapter, wired to the driver's fakes (the suite registers it on a real ChatHub). */
  readonly adapter: ChatAdapter;
  /** The platform user id of a suite person (settings key `${platform}:${userId}`). */
  userId(person: ContractPerson): string;
  /** Types `text` (e.g. "/ping A1") in the channel as `person`. */
  command(person: ContractPerson, text: string): Promise<ContractDelivery>;
  /**
   * Clicks, as `person`, the button of message `ref` whose action is `actionId` (found in the RENDERED message, so
   * the click carries exactly what the renderer put there).
   */
  click(person: ContractPerson, ref: PostedRef, actionId: string): Promise<ContractDelivery>;
  /** A delivery that is correctly authenticated (signed/encrypted) but whose body is malformed; resolves with the HTTP status. */
  malformed(): Promise<number>;
  /** A well-formed delivery with a wrong signature; resolves with the HTTP status. */
  forged(): Promise<number>;
  /** Messages in `channelId`, oldest first. */
  messages(): ContractMessage[];
  /** Everything shown to `person` alone (toasts, ephemeral messages, direct messages), as text, oldest first. */
  notices(person: ContractPerson): string[];
  /** Resolves when the adapter has finished with everything delivered so far. */
  settle(): Promise<void>;
}

/** What a driver factory gets: the test (for cleanup), the suite's store (real SQLite) and clock. */
export interface ContractContext {
  t: TestContext;
  store: Store;
  clock: Clock;
}

/** Builds a driver (fakes started, adapter built but not started: the hub starts it). */
export type ContractDriverFactory = (ctx: ContractContext) => Promise<ContractDriver>;
