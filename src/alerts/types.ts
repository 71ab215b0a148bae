// The alert pipeline's ports: what flows in (alert changes) and out (cards through a publisher).
import type { PostedRef } from '../core/chat.ts';
import type { CardFactory } from '../core/command.ts';
import type { FindingKind, FindingLabels } from '../detect/types.ts';

/** The settings route (chat.routes key) alert and digest cards are posted to. */
export const ALERT_ROUTE = 'alerts';

/** One firing alert: a finding with its labels. */
export interface AlertInput {
  fingerprint: string;
  labels: FindingLabels;
  /** The finding's details as JSON text (FindingDetails[kind]). */
  details: string;
  /** When the problem was first seen. */
  startsAt: number;
}

/** A batch of changes for the pipeline. */
export interface AlertChanges {
  /** New or changed firing alerts (unchanged ones may be repeated: ingesting is idempotent). */
  firing: readonly AlertInput[];
  /** Fingerprints that stopped firing. */
  resolved: readonly string[];
  /** Kinds for which `firing` is complete: every other firing alert of these kinds resolves. */
  complete?: readonly FindingKind[] | undefined;
}

/** Where detectors send alert changes (the pipeline implements it). */
export interface AlertSink {
  ingest(changes: AlertChanges): Promise<void>;
}

/** Posts and updates cards on the channels a route names; ChatHub satisfies it. */
export interface AlertPublisher {
  publish(kind: string, cardKey: string, card: CardFactory): Promise<PostedRef[]>;
  updateCard(cardKey: string, card: CardFactory): Promise<void>;
}

/** How a group's card currently looks. */
export type CardState = 'none' | 'firing' | 'muted' | 'digest';
