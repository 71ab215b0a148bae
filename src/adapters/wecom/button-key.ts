// A button's key carries what the click means: "<index>~<actionId>~<value>" (index first, so keys are unique in
// a card even when two buttons share action and value). A key that would pass WeCom's 1024 bytes (or an action
// id with "~") becomes "#<index>~<sha256>" and its meaning is stored durably by the adapter when it posts.
import { createHash } from 'node:crypto';
import { WECOM_LIMITS } from './limits.ts';

/** What a click on a button means. */
export interface ButtonTarget {
  actionId: string;
  value: string;
}

/** The key of the `index`-th button; `stored` is set when the meaning must be kept aside. */
export function encodeButtonKey(index: number, target: ButtonTarget): { key: string; stored?: ButtonTarget } {
  const key = `${index}~${target.actionId}~${target.value}`;
  if (!target.actionId.includes('~') && Buffer.byteLength(key) <= WECOM_LIMITS.buttonKeyBytes) return { key };
  const digest = createHash('sha256').update(`${target.actionId}\u0000${target.value}`).digest('hex').slice(0, 40);
  return { key: `#${index}~${digest}`, stored: target };
}

/** The meaning of a key: decoded in place, or `stored` when it must be looked up; undefined for foreign keys. */
export function decodeButtonKey(key: string): ButtonTarget | { stored: string } | undefined {
  if (key.startsWith('#')) return /^#\d+~[0-9a-f]{40}$/.test(key) ? { stored: key } : undefined;
  const m = /^(\d+)~([^~]+)~([\s\S]*)$/.exec(key);
  return m ? { actionId: m[2] ?? '', value: m[3] ?? '' } : undefined;
}
