// Business-hours arithmetic for dwell limits: only time inside the calendar's opening hours counts.

/** Opening hours: ISO weekdays (1 = Monday … 7 = Sunday), `HH:MM` start and end, in an IANA time zone. */
export interface BusinessHours {
  tz: string;
  days: readonly number[];
  start: string;
  end: string;
}

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock fields of an instant in `tz`, as if they were UTC (so date arithmetic is plain). */
function wallClock(ms: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** The instant whose wall clock in `tz` reads `wall` (the earlier one in a DST overlap, shifted forward in a gap). */
function fromWallClock(wall: number, tz: string): number {
  let guess = wall - (wallClock(wall, tz) - wall);
  guess = wall - (wallClock(guess, tz) - guess);
  return guess;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** ISO weekday (1 = Monday) of a wall-clock day start. */
function isoDay(wallDay: number): number {
  const d = new Date(wallDay).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The opening window of the wall-clock day starting at `wallDay`, as instants, or undefined when closed. */
function windowOf(wallDay: number, hours: BusinessHours): [number, number] | undefined {
  if (!hours.days.includes(isoDay(wallDay))) return undefined;
  const start = minutesOf(hours.start);
  let end = minutesOf(hours.end);
  if (end <= start) end += 1440; // overnight opening (e.g. 22:00-06:00) ends the next day
  return [fromWallClock(wallDay + start * 60_000, hours.tz), fromWallClock(wallDay + end * 60_000, hours.tz)];
}

/**
 * The latest instant `since` for which more than `limitMs` of business time passes before `now`: an order
 * is past its limit exactly when its status started before this cutoff. Without any opening time in the
 * last ten years the cutoff is minus infinity (nothing is ever late).
 */
export function businessCutoff(now: number, limitMs: number, hours: BusinessHours): number {
  let remaining = limitMs;
  const today = Math.floor(wallClock(now, hours.tz) / DAY) * DAY;
  // Start one day ahead: an overnight window opened yesterday may still be open now.
  for (let day = today + DAY, i = 0; i < 3660; day -= DAY, i++) {
    const w = windowOf(day, hours);
    if (!w) continue;
    const end = Math.min(w[1], now);
    if (end <= w[0]) continue;
    const open = end - w[0];
    if (open >= remaining) return end - remaining;
    remaining -= open;
  }
  return Number.NEGATIVE_INFINITY;
}

/** Business time between `from` and `to` in milliseconds (for tests and display). */
export function businessTimeBetween(from: number, to: number, hours: BusinessHours): number {
  if (to <= from) return 0;
  let total = 0;
  const first = Math.floor(wallClock(from, hours.tz) / DAY) * DAY - DAY;
  const last = Math.floor(wallClock(to, hours.tz) / DAY) * DAY;
  for (let day = first; day <= last; day += DAY) {
    const w = windowOf(day, hours);
    if (!w) continue;
    const a = Math.max(w[0], from);
    const b = Math.min(w[1], to);
    if (b > a) total += b - a;
  }
  return total;
}
