// Talking to the server: state snapshot, JSON POSTs (retried with the same id), and the SSE stream.

/** Event names the server sends over SSE. */
export const SSE_EVENTS = ['hello', 'message', 'message-updated', 'ephemeral', 'toast', 'inbox', 'channel'];

/** GET /console/api/state; a 401 (session gone) reloads the page, which then shows the sign-in form. */
export async function fetchState(user, lang) {
  const q = new URLSearchParams();
  if (user) q.set('user', user);
  if (lang) q.set('lang', lang);
  const res = await fetch(`/console/api/state?${q}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (res.status === 401) {
    location.reload();
    throw new Error('login required');
  }
  if (!res.ok) throw new Error(`state: HTTP ${res.status}`);
  return res.json();
}

/** POSTs JSON; a network failure is retried (the body carries its own id, so the server processes it once). */
export async function postJson(path, body) {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.ok) return { ok: true, status: res.status };
      const err = await res.json().catch(() => ({}));
      return { ok: false, status: res.status, message: err.message || err.error || `HTTP ${res.status}` };
    } catch (e) {
      if (attempt >= 2) return { ok: false, status: 0, message: String(e && e.message ? e.message : e) };
      await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
    }
  }
}

/** Opens the event stream as `user`; reconnects with backoff when it closes. Returns { close }. */
export function connectEvents(user, onEvent, onStatus) {
  let es;
  let closed = false;
  let delay = 1000;
  let timer;
  const open = () => {
    onStatus('connecting');
    es = new EventSource(`/console/api/events?user=${encodeURIComponent(user || '')}`);
    for (const name of SSE_EVENTS) {
      es.addEventListener(name, (e) => {
        if (name === 'hello') {
          delay = 1000;
          onStatus('live');
        }
        let data;
        try {
          data = JSON.parse(e.data);
        } catch {
          return;
        }
        onEvent(name, data);
      });
    }
    es.onerror = () => {
      if (closed) return;
      onStatus('offline');
      // EventSource retries by itself unless the server answered with an error status; then we retry here.
      if (es.readyState === EventSource.CLOSED) {
        timer = setTimeout(open, delay);
        delay = Math.min(delay * 2, 15000);
      }
    };
  };
  open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      es.close();
    },
  };
}
