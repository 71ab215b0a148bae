// Block Kit validation as the real Slack API does it for messages (PLATFORMS.md 1.5): the fake answers
// invalid_blocks with Slack-style "<reason> [json-pointer:/blocks/…]" lines, or msg_blocks_too_long.

/** The outcome of validating a message's blocks. */
export type BlocksVerdict = { ok: true; textChars: number } | { ok: false; error: 'invalid_blocks' | 'msg_blocks_too_long'; errors: string[] };

/** Sum of text Slack counts towards its undocumented cumulative cap (~12k characters). */
export const FAKE_TOTAL_TEXT_CAP = 12_000;

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly errors: string[] = [];
  textChars = 0;
  readonly actionIds = new Set<string>();
  readonly blockIds = new Set<string>();

  fail(reason: string, pointer: string): void {
    this.errors.push(`${reason} [json-pointer:${pointer}]`);
  }

  text(v: unknown, at: string, opts: { max: number; plainOnly?: boolean }): void {
    if (!isObj(v)) return this.fail('must provide an object', at);
    if (v.type !== 'plain_text' && v.type !== 'mrkdwn') return this.fail('must be a valid enum value', `${at}/type`);
    if (opts.plainOnly && v.type !== 'plain_text') return this.fail('must be a plain_text object', `${at}/type`);
    if (typeof v.text !== 'string') return this.fail('must provide a string', `${at}/text`);
    if (v.text.length < 1) return this.fail('must be more than 0 characters', `${at}/text`);
    if (v.text.length > opts.max) this.fail(`must be less than ${opts.max + 1} characters`, `${at}/text`);
    this.textChars += v.text.length;
  }

  id(kind: 'action_id' | 'block_id', v: unknown, at: string): void {
    if (v === undefined) return;
    if (typeof v !== 'string' || v.length === 0) return this.fail('must provide a string', at);
    if (v.length > 255) this.fail('must be less than 256 characters', at);
    const set = kind === 'action_id' ? this.actionIds : this.blockIds;
    if (set.has(v)) this.fail(`${kind} must be unique within a message (duplicate "${v}")`, at);
    set.add(v);
  }

  confirm(v: unknown, at: string): void {
    if (!isObj(v)) return this.fail('must provide an object', at);
    if (v.title !== undefined) this.text(v.title, `${at}/title`, { max: 100, plainOnly: true });
    this.text(v.text, `${at}/text`, { max: 300 });
    if (v.confirm !== undefined) this.text(v.confirm, `${at}/confirm`, { max: 30, plainOnly: true });
    if (v.deny !== undefined) this.text(v.deny, `${at}/deny`, { max: 30, plainOnly: true });
  }

  button(v: Json, at: string): void {
    this.text(v.text, `${at}/text`, { max: 75, plainOnly: true });
    this.id('action_id', v.action_id, `${at}/action_id`);
    if (v.value !== undefined && (typeof v.value !== 'string' || v.value.length < 1 || v.value.length > 2000)) this.fail('must be 1-2000 characters', `${at}/value`);
    if (v.url !== undefined && (typeof v.url !== 'string' || v.url.length > 3000)) this.fail('must be less than 3001 characters', `${at}/url`);
    if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') this.fail('must be a valid enum value', `${at}/style`);
    if (v.confirm !== undefined) this.confirm(v.confirm, `${at}/confirm`);
  }

  block(b: unknown, at: string): void {
    if (!isObj(b)) return this.fail('must provide an object', at);
    this.id('block_id', b.block_id, `${at}/block_id`);
    switch (b.type) {
      case 'header':
        return this.text(b.text, `${at}/text`, { max: 150, plainOnly: true });
      case 'divider':
        return;
      case 'section': {
        if (b.text === undefined && b.fields === undefined) return this.fail('must provide either text or fields', at);
        if (b.text !== undefined) this.text(b.text, `${at}/text`, { max: 3000 });
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length === 0) return this.fail('must provide a non-empty array', `${at}/fields`);
          if (b.fields.length > 10) this.fail('no more than 10 items allowed', `${at}/fields`);
          b.fields.forEach((f, i) => this.text(f, `${at}/fields/${i}`, { max: 2000 }));
        }
        if (isObj(b.accessory) && b.accessory.type === 'button') this.button(b.accessory, `${at}/accessory`);
        return;
      }
      case 'context': {
        if (!Array.isArray(b.elements) || b.elements.length === 0) return this.fail('must provide a non-empty array', `${at}/elements`);
        if (b.elements.length > 10) this.fail('no more than 10 items allowed', `${at}/elements`);
        b.elements.forEach((e, i) => (isObj(e) && e.type === 'image' ? undefined : this.text(e, `${at}/elements/${i}`, { max: 3000 })));
        return;
      }
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0) return this.fail('must provide a non-empty array', `${at}/elements`);
        if (b.elements.length > 25) this.fail('no more than 25 items allowed', `${at}/elements`);
        b.elements.forEach((e, i) => {
          if (!isObj(e)) return this.fail('must provide an object', `${at}/elements/${i}`);
          if (e.type !== 'button') return this.fail('unsupported element type in this fake', `${at}/elements/${i}/type`);
          this.button(e, `${at}/elements/${i}`);
        });
        return;
      }
      case 'markdown':
        if (typeof b.text !== 'string' || b.text.length < 1 || b.text.length > 12_000) this.fail('must be 1-12000 characters', `${at}/text`);
        else this.textChars += b.text.length;
        return;
      default:
        this.fail(`unsupported type "${String(b.type)}"`, `${at}/type`);
    }
  }
}

/** Validates a message's `blocks` value like Slack does (50 blocks, per-block limits, unique ids, total text). */
export function validateBlocks(blocks: unknown): BlocksVerdict {
  if (!Array.isArray(blocks)) return { ok: false, error: 'invalid_blocks', errors: ['must provide an array [json-pointer:/blocks]'] };
  const c = new Checker();
  if (blocks.length > 50) c.fail('no more than 50 items allowed', '/blocks');
  blocks.forEach((b, i) => c.block(b, `/blocks/${i}`));
  if (c.errors.length > 0) return { ok: false, error: 'invalid_blocks', errors: c.errors };
  if (c.textChars > FAKE_TOTAL_TEXT_CAP) return { ok: false, error: 'msg_blocks_too_long', errors: [`${c.textChars} characters of text across blocks`] };
  return { ok: true, textChars: c.textChars };
}
