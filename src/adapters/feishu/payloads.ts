// zod schemas of the Feishu deliveries we accept (PLATFORMS.md 2.5-2.7), in their wire (nested) form. Unknown
// extra fields are allowed; what we rely on is required.
import { z } from 'zod';

/** The `{encrypt}` wrapper of an encrypted delivery. */
export const encryptedSchema = z.object({ encrypt: z.string().min(1) });

/** The event subscription handshake. */
export const urlVerificationSchema = z.object({ type: z.literal('url_verification'), challenge: z.string().min(1), token: z.string().optional() });

/** A v2 envelope header. */
export const headerSchema = z.object({
  event_id: z.string().min(1),
  event_type: z.string().min(1),
  create_time: z.string().optional(),
  token: z.string().optional(),
  app_id: z.string().optional(),
  tenant_key: z.string().optional(),
});

/** A v2 envelope (events and new-style card callbacks). */
export const envelopeSchema = z.object({ schema: z.literal('2.0'), header: headerSchema, event: z.record(z.string(), z.unknown()) });
/** A parsed v2 envelope. */
export type FeishuEnvelope = z.infer<typeof envelopeSchema>;

/** A v1 event (`type: event_callback`, verification token at the top). */
export const v1EventSchema = z.object({
  type: z.literal('event_callback'),
  token: z.string(),
  uuid: z.string().optional(),
  ts: z.string().optional(),
  event: z.object({ type: z.string() }),
});

const idsSchema = z.object({ open_id: z.string().min(1).optional(), user_id: z.string().optional(), union_id: z.string().optional() });

/** `im.message.receive_v1` event body. */
export const messageEventSchema = z.object({
  sender: z.object({ sender_id: idsSchema.optional(), sender_type: z.string(), tenant_key: z.string().optional() }),
  message: z.object({
    message_id: z.string().min(1),
    root_id: z.string().optional(),
    parent_id: z.string().optional(),
    thread_id: z.string().optional(),
    chat_id: z.string().min(1),
    chat_type: z.string().min(1),
    message_type: z.string().min(1),
    content: z.string(),
    mentions: z.array(z.object({ key: z.string(), name: z.string().optional(), id: idsSchema.optional() })).optional(),
    user_agent: z.string().optional(),
  }),
});
/** A parsed message event. */
export type MessageEventBody = z.infer<typeof messageEventSchema>;

/** `card.action.trigger` event body. */
export const cardActionSchema = z.object({
  operator: z.object({ open_id: z.string().min(1), user_id: z.string().optional(), union_id: z.string().optional(), tenant_key: z.string().optional() }),
  token: z.string().optional(),
  action: z.object({
    value: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
    tag: z.string().optional(),
    name: z.string().optional(),
  }),
  host: z.string().optional(),
  context: z.object({ open_message_id: z.string().min(1), open_chat_id: z.string().min(1) }),
});
/** A parsed card action. */
export type CardActionBody = z.infer<typeof cardActionSchema>;

/** The value object our renderer puts on every button (`behaviors[0].value`). */
export const buttonValueSchema = z.object({ action: z.string().min(1), value: z.string() });

/** One line per zod issue, for a 400 answer. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}
