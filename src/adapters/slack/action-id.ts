// Slack rejects a message whose buttons share an action_id, while a card may repeat one (a "refresh" per
// row): each button gets a "#<index>" suffix on the way out, stripped again on the way in.
import { SLACK_LIMITS } from './limits.ts';

const SUFFIX = /#\d+$/;

/** The action_id for the `index`-th button of a message (unique within it, at most 255 characters). */
export function encodeActionId(actionId: string, index: number): string {
  const suffix = `#${index}`;
  return actionId.slice(0, SLACK_LIMITS.actionIdLength - suffix.length) + suffix;
}

/** Our action id from a Slack action_id (ids we did not encode come back unchanged). */
export function decodeActionId(slackActionId: string): string {
  return slackActionId.replace(SUFFIX, '');
}
