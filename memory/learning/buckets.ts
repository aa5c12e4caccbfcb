// Confidence histograms: 20 buckets of 0.05, so a threshold on a 0.05 step is a bucket boundary.
import type { OutcomeAggregate } from '../../schemas/generated/types.js';

export type Histogram = OutcomeAggregate['histKnown'];

export const BUCKETS = 20;

/** Thresholds the confidence rule may pick, as bucket indexes: 0.50, 0.55, … 0.95. */
export const THRESHOLD_BUCKETS: readonly number[] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];

export function bucketOf(confidence: number): number {
  // The epsilon keeps 0.55 * 20 = 11.000000000000002 and 0.7 * 20 = 13.999… on the right side.
  const index = Math.floor(confidence * BUCKETS + 1e-9);
  return Math.min(BUCKETS - 1, Math.max(0, index));
}

export function thresholdOf(bucket: number): number {
  return Math.round((bucket / BUCKETS) * 100) / 100;
}

export function zeros(): Histogram {
  return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
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
