// Money inside the ledger is integer micro-dollars: sums of many small call costs stay exact,
// so the budget invariant is checked without an epsilon. USD floats only cross the boundary.

const MICROS_PER_USD = 1_000_000;

/** USD → micro-dollars, rounded to the nearest. Monotone, so `a ≤ b` survives the conversion. */
export function toMicros(usd: number): number {
  return Math.round(usd * MICROS_PER_USD);
}

export function toUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

/** A number for people: two decimals when that is exact, else as many as it needs (up to six). */
export function formatAmount(n: number): string {
  const two = n.toFixed(2);
  // Showing 0.795 as "0.80" would print "0.80 is below the threshold 0.80".
  return Math.abs(Number(two) - n) < 1e-9 ? two : String(Number(n.toFixed(6)));
}

export function formatUsd(usd: number): string {
  return `$${formatAmount(usd)}`;
}
