// Alerts at 50/80/100 % of the daily limit (DESIGN §5), each at most once per UTC day.
const THRESHOLDS = [50, 80, 100] as const;
export type ThresholdPercent = (typeof THRESHOLDS)[number];

/** Thresholds that settled spend has reached and that were not announced yet, in rising order. */
export function newlyCrossed(
  spentMicros: number,
  limitMicros: number,
  announced: ReadonlySet<ThresholdPercent>,
): ThresholdPercent[] {
  // Nothing spent is no alarm, even against a zero limit.
  if (spentMicros <= 0) return [];
  return THRESHOLDS.filter((p) => !announced.has(p) && spentMicros * 100 >= limitMicros * p);
}
