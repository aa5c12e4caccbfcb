// Display helpers: money, times, durations, the countdown to a deadline.
export const usd = (n: number): string => (n < 0.01 && n > 0 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);
export const pct = (share: number | null): string => (share === null ? '–' : `${Math.round(share * 100)} %`);

export function time(iso: string | undefined): string {
  if (iso === undefined) return '–';
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

/** `2 h 05 min`, `4 min 10 s`, `12 s`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The time left until `deadline` as text, or `overdue by …`. */
export function countdown(deadline: string, now: number): string {
  const left = Date.parse(deadline) - now;
  return left >= 0 ? `${duration(left)} left` : `overdue by ${duration(-left)}`;
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
