// The page's UI strings (locales/<lang>/console.json), served to it so the page is translated too.
import { getI18n, getT, resolveLanguage, SUPPORTED_LANGUAGES, type Language } from '../../core/i18n.ts';
import type { TFunction } from 'i18next';

/** The console namespace of one language, as a plain object for the page. */
export function consoleStrings(language: Language): Record<string, unknown> {
  return (getI18n().getResourceBundle(language, 'console') as Record<string, unknown> | undefined) ?? {};
}

/** The languages the page offers. */
export function consoleLanguages(): readonly Language[] {
  return SUPPORTED_LANGUAGES;
}

/** Picks the page language: an explicit choice, else the first Accept-Language tag, else `fallback`. */
export function pickConsoleLanguage(choice: string | null | undefined, acceptLanguage: string | undefined, fallback: Language): Language {
  if (choice && (SUPPORTED_LANGUAGES as readonly string[]).includes(choice)) return choice as Language;
  const first = acceptLanguage?.split(',')[0]?.split(';')[0]?.trim();
  return first ? resolveLanguage(first, fallback) : fallback;
}

/** A translator for server-rendered console pages (login, disabled). */
export function consoleT(language: Language): TFunction {
  return getT(language, 'console');
}
