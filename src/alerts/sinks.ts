// Helpers for the composition root: send the detect runner's changes to more than one consumer.
import type { Finding } from '../core/order.ts';
import type { AlertChanges, AlertInput, AlertSink } from './types.ts';

/** The finding an alert stands for (details parsed back to an object), for consumers such as tasks. */
export function findingOf(a: AlertInput): Finding {
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(a.details);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) details = parsed as Record<string, unknown>;
  } catch {
    details = {}; // stored by the detectors as JSON; an unreadable one reaches consumers empty rather than not at all
  }
  return { kind: a.labels.kind, fingerprint: a.fingerprint, source: a.labels.source, orderId: a.labels.orderId, details };
}

/** One sink that hands every change batch to each of `sinks` in turn (the pipeline first, then e.g. tasks). */
export function fanOut(...sinks: AlertSink[]): AlertSink {
  return {
    async ingest(changes: AlertChanges): Promise<void> {
      for (const s of sinks) await s.ingest(changes);
    },
  };
}

/** A sink calling per-finding handlers: `fired` for each firing alert, `resolved` for each resolved fingerprint. */
export function perFinding(handlers: { fired(f: Finding): Promise<unknown>; resolved(fingerprint: string): Promise<unknown> }): AlertSink {
  return {
    async ingest(changes: AlertChanges): Promise<void> {
      for (const a of changes.firing) await handlers.fired(findingOf(a));
      for (const fp of changes.resolved) await handlers.resolved(fp);
    },
  };
}
