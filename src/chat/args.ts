import type { CommandArg } from '../core/command.ts';

/** Parsed arguments, or why they do not fit. */
export type ArgsResult =
  | { ok: true; args: Record<string, string | undefined> }
  | { ok: false; reason: 'missing' | 'extra' | 'choice'; arg?: string; value?: string; choices?: readonly string[] };

/** Splits a command line into words; "double quotes" keep spaces. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? '');
  return words;
}

/** Matches words against a command's declared arguments. */
export function parseArgs(declared: readonly CommandArg[], words: readonly string[]): ArgsResult {
  const args: Record<string, string | undefined> = {};
  let i = 0;
  for (const d of declared) {
    if (d.rest) {
      const rest = words.slice(i).join(' ');
      if (d.required && rest === '') return { ok: false, reason: 'missing', arg: d.name };
      args[d.name] = rest === '' ? undefined : rest;
      i = words.length;
      continue;
    }
    const w = words[i];
    if (w === undefined) {
      if (d.required) return { ok: false, reason: 'missing', arg: d.name };
      args[d.name] = undefined;
      continue;
    }
    if (d.choices && !d.choices.includes(w)) return { ok: false, reason: 'choice', arg: d.name, value: w, choices: d.choices };
    args[d.name] = w;
    i++;
  }
  if (i < words.length) return { ok: false, reason: 'extra' };
  return { ok: true, args };
}

/** Usage line of a command, e.g. `/order <id>` or `/tasks [mine|open|all]`. */
export function usageOf(name: string, declared: readonly CommandArg[]): string {
  const parts = declared.map((d) => {
    const inner = d.choices ? d.choices.join('|') : d.rest ? `${d.name}…` : d.name;
    return d.required ? `<${inner}>` : `[${inner}]`;
  });
  return [`/${name}`, ...parts].join(' ');
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] ?? 0;
      prev[j] = Math.min((prev[j] ?? 0) + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] ?? 0;
}

/** The known name closest to `name` (prefix match first, then edit distance ≤ 2), if any. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const prefix = known.find((k) => k.startsWith(lower) || lower.startsWith(k));
  if (prefix) return prefix;
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(lower, k);
    if (d <= 2 && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}
