// Inhibition: a firing alert of a rule's `source` kind mutes `target` alerts that share its `equal` labels
// (a source-down alert for wms mutes stale alerts whose orders wait on wms).
import type { Settings } from '../settings/schema.ts';
import type { FindingLabels } from '../detect/types.ts';

/** One inhibition rule from settings. */
export type InhibitRule = Settings['alerts']['inhibit'][number];

function tuple(labels: FindingLabels, equal: InhibitRule['equal']): string {
  return equal.map((l) => labels[l] ?? '').join('\u0000');
}

/** Answers "is this alert inhibited, and by what?" for one pipeline pass. */
export class Inhibitor {
  private readonly index: { rule: InhibitRule; keys: Map<string, FindingLabels> }[];

  /** `firing` are the labels of every firing alert of the rules' source kinds. */
  constructor(rules: readonly InhibitRule[], firing: readonly FindingLabels[]) {
    this.index = rules
      .filter((r) => r.source !== r.target)
      .map((rule) => {
        const keys = new Map<string, FindingLabels>();
        for (const l of firing) if (l.kind === rule.source) keys.set(tuple(l, rule.equal), l);
        return { rule, keys };
      })
      .filter((e) => e.keys.size > 0);
  }

  /** Kinds whose firing alerts can inhibit others under these rules. */
  static sourceKinds(rules: readonly InhibitRule[]): string[] {
    return [...new Set(rules.map((r) => r.source))];
  }

  /** The labels of the alert that inhibits `labels`, if one does. */
  inhibitedBy(labels: FindingLabels): FindingLabels | undefined {
    for (const { rule, keys } of this.index) {
      if (labels.kind !== rule.target) continue;
      const by = keys.get(tuple(labels, rule.equal));
      if (by) return by;
    }
    return undefined;
  }
}
