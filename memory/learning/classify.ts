// What an outcome says about quality. Kept in one place so every rule reads outcomes alike.
import type { OutcomeRecord } from '../../schemas/generated/types.js';

/** Would auto-approving this outcome have been wrong? A person's decision or a later finding tells. */
export type QualityLabel = 'good' | 'bad' | 'unknown';

export function qualityLabel(o: OutcomeRecord): QualityLabel {
  // A blocked action never reached the confidence check, so it says nothing about the threshold.
  if (o.gate === 'blocked') return 'unknown';
  if (o.wrong === true || o.humanDecision === 'rejected') return 'bad';
  if (o.wrong === false || o.humanDecision === 'approved') return 'good';
  return 'unknown';
}

/** Rejected by a reviewer, a person or the final status, or found wrong later. */
export function isRejected(o: OutcomeRecord): boolean {
  return (
    o.finalStatus === 'rejected' ||
    o.humanDecision === 'rejected' ||
    o.wrong === true ||
    o.reviewVerdicts.some((r) => r.verdict === 'reject')
  );
}

/** Completed with no rejection anywhere (a `revise` that ended completed still counts). */
export function isApproved(o: OutcomeRecord): boolean {
  return o.finalStatus === 'completed' && !isRejected(o);
}
