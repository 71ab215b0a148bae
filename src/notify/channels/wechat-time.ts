// Time helpers for WeChat: its daily quotas reset at midnight China Standard Time (UTC+8, no DST).

const CST_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The first midnight in Asia/Shanghai strictly after `now` (epoch ms). */
export function nextShanghaiMidnight(now: number): number {
  return (Math.floor((now + CST_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - CST_OFFSET_MS;
}

// Building an Intl.DateTimeFormat costs ~70 µs; one per time zone is kept (there are few).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Formats an instant as `YYYY-MM-DD HH:mm` (or `YYYY-MM-DD`) in `timeZone`. */
export function formatWeChatTime(at: number, timeZone: string, withTime = true): string {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '00';
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  return withTime ? `${date} ${get('hour')}:${get('minute')}` : date;
}
