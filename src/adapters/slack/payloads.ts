// zod schemas of the Slack payloads we accept (PLATFORMS.md 1.2, 1.3, 1.6): slash commands, block_actions,
// Events API envelopes. Unknown extra fields are allowed; what we rely on is required.
import { z } from 'zod';

/** A slash command (form fields). */
export const slashCommandSchema = z.object({
  command: z.string().regex(/^\/\S+$/, 'command must look like /name'),
  text: z.string().default(''),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  channel_id: z.string().min(1),
  team_id: z.string().optional(),
  trigger_id: z.string().min(1),
  response_url: z.string().optional(),
  locale: z.string().optional(),
});
/** A parsed slash command. */
export type SlashCommandBody = z.infer<typeof slashCommandSchema>;

const actionSchema = z.object({
  action_id: z.string().min(1),
  block_id: z.string().optional(),
  type: z.string(),
  value: z.string().optional(),
  selected_option: z.object({ value: z.string() }).nullish(),
  action_ts: z.string().min(1),
});

/** An interactive block_actions payload (the JSON inside the form field `payload`). */
export const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional(), team_id: z.string().optional(), locale: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  trigger_id: z.string().optional(),
  response_url: z.string().optional(),
  container: z
    .object({ type: z.string(), message_ts: z.string().optional(), channel_id: z.string().optional(), thread_ts: z.string().optional(), is_ephemeral: z.boolean().optional() })
    .optional(),
  channel: z.object({ id: z.string(), name: z.string().optional() }).nullish(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z.array(actionSchema).min(1),
  locale: z.string().optional(),
});
/** A parsed block_actions payload. */
export type BlockActionsBody = z.infer<typeof blockActionsSchema>;

/** An Events API delivery (`event_callback`). */
export const eventCallbackSchema = z.object({
  type: z.literal('event_callback'),
  event_id: z.string().min(1),
  team_id: z.string().optional(),
  event: z.object({
    type: z.string().min(1),
    subtype: z.string().optional(),
    user: z.string().optional(),
    bot_id: z.string().optional(),
    text: z.string().optional(),
    channel: z.string().optional(),
    channel_type: z.string().optional(),
    ts: z.string().optional(),
    thread_ts: z.string().optional(),
    user_locale: z.string().optional(),
  }),
});
/** A parsed Events API delivery. */
export type EventCallbackBody = z.infer<typeof eventCallbackSchema>;

/** The Events API handshake. */
export const urlVerificationSchema = z.object({ type: z.literal('url_verification'), challenge: z.string().min(1) });

/** One line per zod issue, for a 400 answer. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}
