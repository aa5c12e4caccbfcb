// Numbers as a person reads them: money in dollars and cents (fractions of a cent to two
// significant digits), shares as whole percents ("<1%" rather than a false 0%), durations in
// units, other fractions to three significant digits. --json keeps every value exact.
import { duration } from './time.js';

/** A share 0..1 as a percent; a non-zero share below 0.5% reads "<1%". */
export function share(x: number): string {
  if (x > 0 && x < 0.005) return '<1%';
  return `${Math.round(x * 100)}%`;
}

/** "$1.25"; under a cent, two significant digits ("$0.00038"); "$0" for nothing. */
function usd(x: number): string {
  if (x === 0) return '$0';
  if (Math.abs(x) < 0.01) return `$${Number(x.toPrecision(2))}`;
  return `$${x.toFixed(2)}`;
}

/** Milliseconds for a person: "240ms" under a second, else the duration's two largest units. */
export function ms(x: number): string {
  return Math.abs(x) < 1000 ? `${Math.round(x)}ms` : duration(x);
}

/** A plain number: integers as they are, fractions to three significant digits. */
function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(3)));
}

/** A named value as a person reads it, by what its name says it is. */
export function humanValue(key: string, x: number): string {
  if (key.toLowerCase().endsWith('usd')) return usd(x);
  if (key === 'minutes') return ms(x * 60_000);
  if (key.endsWith('Ms')) return ms(x);
  if (/(Rate|Share)$/.test(key)) return share(x);
  return num(x);
}
