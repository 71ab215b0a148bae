// Small server-rendered pages (sign-in, console off): every interpolated string is HTML-escaped.
import type { ServerResponse } from 'node:http';
import type { Language } from '../../core/i18n.ts';
import { consoleT } from './strings.ts';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Security headers on every console HTML answer; `inlineStyle` only for these small pages. */
export function htmlHeaders(inlineStyle: boolean): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'${inlineStyle ? " 'unsafe-inline'" : ''}; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with the sign-in form, which the origin check refuses.
    'referrer-policy': 'same-origin',
  };
}

const STYLE = `body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;background:#f3f5f8;color:#1d2433;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;border:1px solid #dde2ea;border-radius:12px;padding:28px 32px;width:min(360px,90vw);box-shadow:0 8px 24px rgba(20,30,50,.08)}
h1{font-size:18px;margin:0 0 16px}label{display:block;font-weight:600;margin:10px 0 6px}input{width:100%;box-sizing:border-box;padding:9px 10px;border:1px solid #c5ccd8;border-radius:8px;font:inherit}
button{margin-top:14px;width:100%;padding:9px;border:0;border-radius:8px;background:#2f6fed;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.error{color:#b42318;margin:0 0 12px}p{margin:0 0 12px;color:#4a5568}`;

function page(language: Language, title: string, body: string): string {
  return `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** Answers with the sign-in form (`error`: a console string key, with its seconds for a lock, to show above it). */
export function sendLoginPage(
  res: ServerResponse,
  status: number,
  language: Language,
  error?: { key: 'login.failed' } | { key: 'login.throttled'; seconds: number },
  headers: Record<string, string> = {},
): void {
  const t = consoleT(language);
  const text = error ? (error.key === 'login.throttled' ? t(error.key, { seconds: error.seconds }) : t(error.key)) : '';
  const err = error ? `<p class="error" data-testid="login-error">${escapeHtml(text)}</p>` : '';
  const body =
    `<h1>${escapeHtml(t('login.title'))}</h1>${err}<form method="post" action="/console/login">` +
    `<label for="user">${escapeHtml(t('login.user'))}</label><input id="user" name="user" autocomplete="username" autofocus data-testid="login-user">` +
    `<label for="password">${escapeHtml(t('login.password'))}</label><input id="password" name="password" type="password" autocomplete="current-password" required data-testid="login-password">` +
    `<button type="submit" data-testid="login-submit">${escapeHtml(t('login.submit'))}</button></form>`;
  res.writeHead(status, { ...htmlHeaders(true), ...headers });
  res.end(page(language, t('login.title'), body));
}

/** Answers 403 with a page saying why the console is off and how to turn it on. */
export function sendDisabledPage(res: ServerResponse, language: Language): void {
  const t = consoleT(language);
  res.writeHead(403, htmlHeaders(true));
  res.end(page(language, t('disabled.title'), `<h1>${escapeHtml(t('disabled.title'))}</h1><p data-testid="console-disabled">${escapeHtml(t('disabled.text'))}</p>`));
}
