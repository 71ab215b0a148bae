// Small fetch helpers for the console API tests.

/** POSTs JSON (or raw text) to the console with a same-origin Origin header unless told otherwise. */
export function postConsole(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

let n = 0;
/** A fresh client id (the page uses 32 hex characters). */
export function clientId(): string {
  n += 1;
  return `test-${process.pid}-${n}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Sends a command as `user` in `channel`. */
export function sendCommand(base: string, user: string, channel: string, text: string, id = clientId()): Promise<Response> {
  return postConsole(base, '/console/api/command', { user, channel, text, id, locale: 'en' });
}
