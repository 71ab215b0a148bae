// Quiet hours in the customer's own time zone: a message due then waits until they end (delay, never drop).
import type { QuietHours } from './settings.ts';

const DAY_MIN = 1440;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string | null | undefined): timeZone is string {
  if (!timeZone) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Offset of `timeZone` from UTC at `at`, in minutes (Asia/Shanghai → 480). */
export function zoneOffsetMinutes(at: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - Math.floor(at / 1000) * 1000) / 60_000);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The verdict for one moment: not quiet, or quiet until an instant. */
export type QuietVerdict = { quiet: false } | { quiet: true; until: number };

/** Whether `now` falls in the quiet hours of `timeZone`, and if so when they end (epoch ms, DST-aware). */
export function quietHoursAt(now: number, timeZone: string, qh: QuietHours): QuietVerdict {
  if (!qh.enabled) return { quiet: false };
  const start = minutesOf(qh.start);
  const end = minutesOf(qh.end);
  if (start === end) return { quiet: false };
  const offset = zoneOffsetMinutes(now, timeZone);
  const localMs = now + offset * 60_000;
  const minuteOfDay = Math.floor((((localMs % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
  const inWindow = start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
  if (!inWindow) return { quiet: false };
  const wait = (end - minuteOfDay + DAY_MIN) % DAY_MIN;
  const startOfMinute = now - (((localMs % 60_000) + 60_000) % 60_000);
  let until = startOfMinute + wait * 60_000;
  // A DST change inside the wait moves the wall clock: correct by the difference in offsets.
  until -= (zoneOffsetMinutes(until, timeZone) - offset) * 60_000;
  return { quiet: true, until: Math.max(until, now + 1) };
}
