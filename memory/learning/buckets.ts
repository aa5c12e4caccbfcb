// Confidence histograms: 100 buckets of 0.01, so a threshold on a 0.01 step is a bucket boundary.
import type { OutcomeAggregate } from '../../schemas/generated/types.js';

export type Histogram = OutcomeAggregate['histKnown'];

export const BUCKETS = 100;

/** Thresholds the confidence rule may pick, as bucket indexes: 0.50, 0.51, … 0.95. */
export const THRESHOLD_BUCKETS: readonly number[] = Array.from({ length: 46 }, (_, i) => 50 + i);

export function bucketOf(confidence: number): number {
  // The epsilon keeps 0.29 * 100 = 28.999999999999996 and 0.57 * 100 = 56.99999999999999 on the right side.
  const index = Math.floor(confidence * BUCKETS + 1e-9);
  return Math.min(BUCKETS - 1, Math.max(0, index));
}

export function thresholdOf(bucket: number): number {
  return Math.round((bucket / BUCKETS) * 100) / 100;
}

export function zeros(): Histogram {
  return Array.from({ length: BUCKETS }, () => 0);
}

/** Sum of buckets `from` and above: the outcomes with confidence ≥ thresholdOf(from). */
export function sumFrom(hist: readonly number[], from: number): number {
  let sum = 0;
  for (let i = from; i < hist.length; i++) sum += hist[i] ?? 0;
  return sum;
}

export function addInto(target: Histogram, source: readonly number[]): void {
  for (let i = 0; i < BUCKETS; i++) target[i] = (target[i] ?? 0) + (source[i] ?? 0);
}
