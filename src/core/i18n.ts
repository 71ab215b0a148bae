import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type TFunction } from 'i18next';

/** Languages every user-visible string exists in. */
export const SUPPORTED_LANGUAGES = ['zh-CN', 'en', 'es'] as const;
/** One supported language. */
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

/** Where the locale JSON files live (locales/<lang>/<namespace>.json). */
export const LOCALES_DIR = fileURLToPath(new URL('../../locales/', import.meta.url));

/** Reads every namespace of every supported language from disk. */
export function loadLocaleResources(dir = LOCALES_DIR): Record<string, Record<string, Record<string, unknown>>> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const lang of SUPPORTED_LANGUAGES) {
    const bundle: Record<string, Record<string, unknown>> = {};
    for (const file of readdirSync(join(dir, lang)).filter((f) => f.endsWith('.json'))) {
      bundle[file.slice(0, -5)] = JSON.parse(readFileSync(join(dir, lang, file), 'utf8')) as Record<string, unknown>;
    }
    resources[lang] = bundle;
  }
  return resources;
}

/** Picks the supported language closest to `tag` (zh, zh-Hans, zh_CN → zh-CN; es-MX → es). */
export function resolveLanguage(tag: string | null | undefined, fallback: Language = 'en'): Language {
  if (!tag) return fallback;
  const lower = tag.toLowerCase().replace('_', '-');
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('es')) return 'es';
  if (lower.startsWith('en')) return 'en';
  return fallback;
}

let shared: i18n | undefined;

/** The process-wide i18next instance (initialised synchronously from the locale files). */
export function getI18n(): i18n {
  if (shared) return shared;
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    resources: loadLocaleResources(),
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...SUPPORTED_LANGUAGES],
    ns: ['cli', 'common'],
    defaultNS: 'cli',
    // Chat and terminal text, not HTML: escaping would show &amp; to people.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  shared = instance;
  return instance;
}

/** A translator fixed to one language. */
export function getT(lang: string | undefined, ns = 'cli'): TFunction {
  return getI18n().getFixedT(resolveLanguage(lang ?? process.env.ORDEROPS_LANG ?? process.env.LANG), ns);
}
