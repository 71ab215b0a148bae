import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLocaleResources, SUPPORTED_LANGUAGES, getT } from '../../src/core/i18n.ts';
import { CANONICAL_STATUSES } from '../../src/core/status.ts';

function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function placeholders(text: unknown): string[] {
  return typeof text === 'string' ? [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort() : [];
}

test('zh-CN, en and es have the same namespaces, keys and placeholders, none empty', () => {
  const res = loadLocaleResources();
  const en = res.en ?? {};
  for (const lang of SUPPORTED_LANGUAGES) {
    const bundle = res[lang] ?? {};
    assert.deepEqual(Object.keys(bundle).sort(), Object.keys(en).sort(), `${lang} namespaces`);
    for (const [ns, doc] of Object.entries(en)) {
      assert.deepEqual(keys(bundle[ns]).sort(), keys(doc).sort(), `${lang}/${ns} keys`);
      for (const key of keys(doc)) {
        const get = (o: unknown): unknown => key.split('.').reduce<unknown>((acc, k) => (acc as Record<string, unknown> | undefined)?.[k], o);
        const value = get(bundle[ns]);
        assert.ok(typeof value === 'string' && value.trim().length > 0, `${lang}/${ns}:${key} is empty`);
        assert.deepEqual(placeholders(value), placeholders(get(doc)), `${lang}/${ns}:${key} placeholders`);
      }
    }
  }
});

test('every canonical status has a label in every language, and translation works', () => {
  for (const lang of SUPPORTED_LANGUAGES) {
    const t = getT(lang);
    for (const s of CANONICAL_STATUSES) assert.notEqual(t(`statuses.${s}`), `statuses.${s}`, `${lang} ${s}`);
  }
  assert.equal(getT('zh-CN')('statuses.shipped'), '已发货');
  assert.equal(getT('es-MX')('statuses.shipped'), 'enviado');
  assert.equal(getT('en')('order.notFound', { id: 'A<1>' }), 'No order A<1>.', 'chat text is not HTML-escaped');
});
