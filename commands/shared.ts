// Helpers every command file shares: the display time zone and "did you mean" suggestions.

/** The time zone cards show times in: the process's zone (set TZ to change it). */
export function displayTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The candidate closest to `input` (a prefix, or at most 2 edits away), if any is close enough. */
export function suggestName(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  const prefixed = candidates.find((c) => c.toLowerCase().startsWith(needle) || needle.startsWith(c.toLowerCase()));
  if (prefixed && needle.length > 0) return prefixed;
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(needle, c.toLowerCase());
    if (d <= Math.min(2, Math.max(1, Math.floor(c.length / 2))) && (!best || d < best.d)) best = { name: c, d };
  }
  return best?.name;
}
