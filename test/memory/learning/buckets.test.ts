import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKETS, THRESHOLD_BUCKETS, bucketOf, thresholdOf, zeros } from '../../../memory/learning/buckets.js';

describe('confidence buckets', () => {
  it('are 100 buckets of 0.01, and the thresholds run from 0.50 to 0.95 in steps of 0.01', () => {
    expect([BUCKETS, zeros().length]).toEqual([100, 100]);
    expect(THRESHOLD_BUCKETS.map(thresholdOf)).toEqual(Array.from({ length: 46 }, (_, i) => Number((0.5 + i / 100).toFixed(2))));
  });

  it('put every 0.01 step in its own bucket, despite float error (0.29 * 100 = 28.999…), and 1.0 in the last', () => {
    const steps = Array.from({ length: 101 }, (_, k) => Number((k / 100).toFixed(2)));
    expect(steps.map(bucketOf)).toEqual(steps.map((_, k) => Math.min(k, 99)));
    expect(THRESHOLD_BUCKETS.map((b) => bucketOf(thresholdOf(b)))).toEqual(THRESHOLD_BUCKETS);
  });

  it('count a confidence at or above a threshold exactly when its bucket is at or above the threshold bucket', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(...THRESHOLD_BUCKETS), (milli, b) => {
        const confidence = milli / 1000;
        expect(bucketOf(confidence) >= b).toBe(confidence >= thresholdOf(b));
      }),
      { numRuns: 500 },
    );
  });
});
