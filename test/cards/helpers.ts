// Test helpers for cards: every visible string of a card, and a check that no i18n key leaked into it.
import assert from 'node:assert/strict';
import type { Card } from '../../src/core/card.ts';
import { loadLocaleResources } from '../../src/core/i18n.ts';

/** Every user-visible string of a card (header, texts, labels, cells, buttons, fallback). */
export function cardStrings(c: Card): string[] {
  const out: string[] = [c.fallbackText];
  if (c.header) out.push(c.header.title);
  for (const e of c.elements) {
    if (e.type === 'text' || e.type === 'context') out.push(e.text);
    else if (e.type === 'fields') out.push(...e.fields.flatMap((f) => [f.label, f.value]));
    else if (e.type === 'table') out.push(...e.columns, ...e.rows.flat());
    else if (e.type === 'list') out.push(...e.items);
    else if (e.type === 'actions') out.push(...e.buttons.flatMap((b) => [b.label, ...(b.confirm ? [b.confirm.title, b.confirm.text, b.confirm.confirm, b.confirm.deny] : [])]));
  }
  return out;
}

/** All text of a card joined, for substring assertions. */
export function cardText(c: Card): string {
  return cardStrings(c).join('\n');
}

function leafKeys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

// Key paths of our namespaces, without plural suffixes (what t() returns for a missing key).
const KEYS = [...new Set(['cards', 'bot'].flatMap((ns) => leafKeys(loadLocaleResources().en?.[ns]).map((k) => k.replace(/_(one|other)$/, ''))))];

// Top-level groups of our namespaces: a missing key comes back as "<group>.<rest>".
const GROUPS = [...new Set(KEYS.map((k) => k.split('.')[0] ?? '').filter((g) => g.length > 0))];
const GROUP_PATH = new RegExp(`(?:^|[^\\w.])(?:${GROUPS.join('|')})\\.[a-zA-Z_]+`);

/** Fails when a card shows an untranslated key, a namespace prefix, a placeholder or an empty label. */
export function assertNoKeyLeaks(c: Card, where: string): void {
  for (const s of cardStrings(c)) {
    assert.doesNotMatch(s, /\b(cards|bot|cli):[a-zA-Z]/, `${where}: namespace leaked in "${s}"`);
    assert.doesNotMatch(s, /\{\{|\}\}/, `${where}: placeholder left in "${s}"`);
    assert.doesNotMatch(s, /(?:^|\s)[a-z][a-zA-Z]*(?:\.[a-z][a-zA-Z_]*){2,}(?:\s|$)/, `${where}: key path in "${s}"`);
    assert.doesNotMatch(s, GROUP_PATH, `${where}: key path in "${s}"`);
    const leaked = KEYS.find((k) => k.includes('.') && new RegExp(`(^|[^\\w.])${k.replace(/\./g, '\\.')}($|[^\\w.])`).test(s));
    assert.equal(leaked, undefined, `${where}: key ${leaked ?? ''} leaked in "${s}"`);
  }
  if (c.header) assert.ok(c.header.title.trim().length > 0, `${where}: empty header`);
  assert.ok(c.fallbackText.trim().length > 0, `${where}: empty fallback text`);
}
