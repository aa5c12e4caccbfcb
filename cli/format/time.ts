// Durations and relative times for people: "12m ago", "due in 3h", "overdue 5m", "up 2h 5m".

/** 42s, 12m, 3h 5m, 2d 4h: the two largest units, the smaller dropped when zero. */
export function duration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** How long ago `iso` was: "12m ago", "just now" under five seconds; "-" for a bad date. */
export function ago(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '-';
  const ms = now - t;
  if (ms < 5000) return 'just now';
  return `${duration(ms)} ago`;
}

/** Time left before a deadline: "due in 3h", or "overdue 5m" once it has passed. */
export function dueIn(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '-';
  const ms = t - now;
  return ms >= 0 ? `due in ${duration(ms)}` : `overdue ${duration(ms)}`;
}

export function uptime(seconds: number): string {
  return duration(seconds * 1000);
}

/** Local wall-clock time of an ISO stamp, HH:MM:SS. */
export function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '--:--:--';
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
