import { JSONPath } from 'jsonpath-plus';

/** A compiled JSONPath: returns every match (an empty list when nothing matches). */
export type CompiledJsonPath = (json: unknown) => unknown[];

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/;

// Plain member paths ($.a.b[0]['c d']) are by far the most common in settings: walk them directly
// instead of running the JSONPath engine once per field per record.
function parseSimplePath(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const keys: (string | number)[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) return undefined;
    if (m[1] !== undefined) keys.push(m[1]);
    else if (m[2] !== undefined) keys.push(Number(m[2]));
    else keys.push((m[3] ?? m[4] ?? '').replace(/\\(.)/g, '$1'));
    rest = rest.slice(m[0].length);
  }
  return keys;
}

/** Compiles `path` once; simple member paths skip the JSONPath engine, anything else uses jsonpath-plus (safe eval). */
export function compileJsonPath(path: string): CompiledJsonPath {
  const keys = parseSimplePath(path);
  if (keys) {
    return (json) => {
      let cur: unknown = json;
      for (const key of keys) {
        if (cur === null || typeof cur !== 'object') return [];
        cur = (cur as Record<string | number, unknown>)[key];
        if (cur === undefined) return [];
      }
      return [cur];
    };
  }
  return (json) => {
    if (json === null || typeof json !== 'object') return [];
    const out: unknown = JSONPath({ path, json, wrap: true, eval: 'safe', ignoreEvalErrors: true });
    return Array.isArray(out) ? (out as unknown[]) : [];
  };
}

/** The first match of a compiled path, or undefined. */
export function firstMatch(compiled: CompiledJsonPath, json: unknown): unknown {
  return compiled(json)[0];
}
