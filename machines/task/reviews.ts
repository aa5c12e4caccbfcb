// Turns a reviewer's or the coordinator's output into one review record.
import type { CoordinatorOutput, ReviewerOutput } from '../../schemas/generated/types.js';
import type { ReviewView } from '../contract.js';
import type { ReviewKind } from './context.js';

export type TaskReview = ReviewView & { escalate?: boolean };

export function toReview(kind: ReviewKind, output: unknown, round: number): TaskReview {
  if (kind !== 'coordinator') {
    const r = output as ReviewerOutput;
    return { kind, verdict: r.verdict, score: r.score, issues: r.issues, round, minutes: 0 };
  }
  const c = output as CoordinatorOutput;
  // The coordinator's reasons become the issues a revision must address.
  const issues = c.reasons.map((reason) => ({ severity: c.decision === 'approve' ? 'low' : 'high', quote: '', fix: reason }));
  switch (c.decision) {
    case 'approve':
      return { kind, verdict: 'approve', issues, round, minutes: 0 };
    case 'revise':
      return { kind, verdict: 'revise', issues, round, minutes: 0 };
    case 'reject':
      return { kind, verdict: 'reject', issues, round, minutes: 0 };
    default:
      // escalate_human / pause_domain: not a rejection of the work, but a person must decide.
      return { kind, verdict: 'approve', issues, round, minutes: 0, escalate: true };
  }
}
