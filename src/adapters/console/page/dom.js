// DOM helpers: every string becomes a text node or an attribute value; nothing is ever parsed as HTML.

/** Creates an element. props: className, text, attrs (setAttribute), dataset, on (listeners), hidden, disabled, type, title. */
export function h(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.text !== undefined) el.textContent = String(props.text);
  if (props.title !== undefined) el.title = String(props.title);
  if (props.type !== undefined) el.setAttribute('type', props.type);
  if (props.hidden) el.hidden = true;
  if (props.disabled) el.disabled = true;
  for (const [k, v] of Object.entries(props.attrs ?? {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const [k, v] of Object.entries(props.dataset ?? {})) if (v !== undefined && v !== null) el.dataset[k] = String(v);
  for (const [k, fn] of Object.entries(props.on ?? {})) el.addEventListener(k, fn);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Fills `{{name}}` placeholders of a UI string. */
export function fmt(template, vars = {}) {
  return String(template ?? '').replace(/\{\{(\w+)\}\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

/** Looks up a dotted key in the UI strings; the key itself when missing (so gaps show, not blanks). */
export function lookup(strings, key) {
  const v = key.split('.').reduce((acc, k) => (acc && typeof acc === 'object' ? acc[k] : undefined), strings);
  return typeof v === 'string' ? v : key;
}

/** A random id for submits and clicks (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Reads a value from localStorage, tolerating browsers that refuse storage. */
export function load(key, fallback) {
  try {
    const v = localStorage.getItem(`orderops.console.${key}`);
    return v === null ? fallback : JSON.parse(v);
  } catch {
    return fallback;
  }
}

/** Writes a value to localStorage (best effort). */
export function save(key, value) {
  try {
    localStorage.setItem(`orderops.console.${key}`, JSON.stringify(value));
  } catch {
    // Private windows may refuse storage; the page still works, it just forgets.
  }
}
