// Review history per content type, kept as run lengths: the current run of approvals and the
// last few runs a rejection ended. The tier is replayed from them (review-tier.ts); three ended
// runs are enough for an exact replay (see tierAfter), so the history stays small.
import type { OutcomeRecord, ReviewRun } from '../../schemas/generated/types.js';
import { isApproved, isRejected } from './classify.js';

export type ReviewTierValue = 1 | 2 | 3;

const KEPT_RUNS = 3;

/** Notes `o` in the run of its content type; failed outcomes and outcomes without a type are skipped. */
export function noteReview(runs: ReviewRun[], o: OutcomeRecord): void {
  if (o.contentType === undefined) return;
  const rejected = isRejected(o);
  if (!rejected && !isApproved(o)) return;
  let run = runs.find((r) => r.contentType === o.contentType);
  if (!run) {
    run = { contentType: o.contentType, run: 0, endedRuns: [], approvals: 0, rejections: 0 };
    runs.push(run);
  }
  if (rejected) {
    run.rejections += 1;
    run.endedRuns = [...run.endedRuns, run.run].slice(-KEPT_RUNS);
    run.run = 0;
  } else {
    run.approvals += 1;
    run.run += 1;
  }
}

/** Promotion within one run: `m` approvals in a row reach tier 2, `3m` reach tier 3. */
function promote(tier: ReviewTierValue, approvalsInRow: number, m: number): ReviewTierValue {
  if (approvalsInRow >= 3 * m) return 3;
  if (approvalsInRow >= m && tier < 2) return 2;
  return tier;
}

/**
 * The tier after the recorded history, starting at `startTier`. A rejection moves the tier back
 * one step and starts a new run. Exact with only the last ended runs kept: a run that did not
 * start the history starts at tier 1 or 2, and either way it ends at 3 (next run starts at 2)
 * exactly when it reached 3m approvals, else the next run starts at 1.
 */
export function tierAfter(run: ReviewRun, m: number, startTier: ReviewTierValue): ReviewTierValue {
  let tier: ReviewTierValue = run.rejections > run.endedRuns.length ? 1 : startTier;
  for (const ended of run.endedRuns) tier = Math.max(1, promote(tier, ended, m) - 1) as ReviewTierValue;
  return promote(tier, run.run, m);
}
