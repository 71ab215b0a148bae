// Template settings (our template → WeChat template id and keyword mapping) and building a send's `data`.
import { z } from 'zod';
import { UserError } from '../../core/errors.ts';
import { coerceWeChatField, WECHAT_FIELD_TYPES, type WeChatFieldType } from './wechat-fields.ts';

const FieldSchema = z
  .object({
    /** A text part (`status`, `detail`), a message variable (`orderId`, `carrier`…) or `sentAt`. */
    from: z.string().min(1).optional(),
    /** A fixed value, for `const` keywords. */
    value: z.string().min(1).optional(),
    type: z.enum(WECHAT_FIELD_TYPES),
    /** Allowed values of an `enum` keyword. */
    values: z.array(z.string()).optional(),
  })
  .refine((f) => (f.from === undefined) !== (f.value === undefined), { message: 'give exactly one of from / value' });

const TemplateSchema = z.object({
  templateId: z.string().min(1),
  fields: z.record(z.string().regex(/^[A-Za-z0-9_.]+$/), FieldSchema).refine((f) => Object.keys(f).length > 0, { message: 'no fields' }),
  /** Page opened from the message; `{{var}}` placeholders are filled URL-encoded. */
  url: z.string().regex(/^https?:\/\//).optional(),
});

/** Our template name → the WeChat template that carries it. */
export const WeChatTemplatesSchema = z.record(z.string().min(1), TemplateSchema);
/** The mapping for one of our templates. */
export type WeChatTemplateConfig = z.infer<typeof TemplateSchema>;
/** The mapping for every template the channel can send. */
export type WeChatTemplates = z.infer<typeof WeChatTemplatesSchema>;

/** Validates the template settings; a mistake is a UserError naming the path. */
export function parseWeChatTemplates(input: unknown): WeChatTemplates {
  const parsed = WeChatTemplatesSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UserError('wechat.templates_invalid', `WeChat template settings: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
}

/** A keyword whose value cannot be made valid. */
export interface FieldProblem {
  field: string;
  fieldType: WeChatFieldType;
  reason: string;
}

/** The `data` object of a send, or the first keyword that cannot be sent. */
export type BuiltData = { ok: true; data: Record<string, { value: string }> } | { ok: false; problem: FieldProblem };

/** Fills every keyword from `sources` (text parts first, then variables) and applies its type's rule. */
export function buildTemplateData(config: WeChatTemplateConfig, sources: Readonly<Record<string, string | undefined>>, timeZone: string): BuiltData {
  const data: Record<string, { value: string }> = {};
  for (const [field, spec] of Object.entries(config.fields)) {
    const raw = spec.value ?? sources[spec.from ?? ''];
    if (raw === undefined || raw.trim() === '') return { ok: false, problem: { field, fieldType: spec.type, reason: `no value for "${spec.from ?? ''}"` } };
    const checked = coerceWeChatField(spec.type, raw, { timeZone, values: spec.values });
    if (!checked.ok) return { ok: false, problem: { field, fieldType: spec.type, reason: checked.reason } };
    data[field] = { value: checked.value };
  }
  return { ok: true, data };
}

/** The template's URL with `{{var}}` placeholders filled (URL-encoded); undefined when a value is missing. */
export function fillTemplateUrl(url: string | undefined, vars: Readonly<Record<string, string | undefined>>): string | undefined {
  if (!url) return undefined;
  let missing = false;
  const filled = url.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined) missing = true;
    return encodeURIComponent(v ?? '');
  });
  return missing ? undefined : filled;
}
