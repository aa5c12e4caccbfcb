// Offline coordinator: the decision table an editor-in-chief applies to the reviews.
//   escalation after 3+ SLA breaches     → pause_domain
//   any reject, or any critical issue    → reject
//   any revise                           → revise
//   no reviews, escalation or fallback   → escalate_human (nothing to decide on)
//   no reviews, final approval (tier 3)  → approve
//   every review approves                → approve
import type {
  CoordinatorDecision,
  CoordinatorInput,
  CoordinatorOutput,
  FollowUp,
  ReviewSummary,
} from '../../schemas/generated/types.js';
import { clip } from './text.js';

type Reasons = CoordinatorOutput['reasons'];

interface Ruling {
  decision: CoordinatorDecision;
  reasons: Reasons;
  followUps: FollowUp[];
}

const PAUSE_AFTER_BREACHES = 3;

function cite(review: ReviewSummary): string {
  const worst = review.issues.find((i) => i.severity === 'critical') ?? review.issues[0];
  const issue = worst === undefined ? '' : `: ${worst.severity} issue on "${clip(worst.quote, 80)}"`;
  return clip(`${review.kind} review says ${review.verdict} (score ${review.score})${issue}`, 500);
}

function rule(input: CoordinatorInput): Ruling {
  const { reviews, decision: asked } = input;
  const breaches = input.context?.slaBreaches ?? 0;
  if (asked === 'escalation' && breaches >= PAUSE_AFTER_BREACHES) {
    return { decision: 'pause_domain', reasons: [`${breaches} SLA breaches on this task: a person must look at the workflow`], followUps: ['notify_owner', 'lower_autonomy'] };
  }
  const blocking = citations(reviews.filter((r) => r.verdict === 'reject' || r.issues.some((i) => i.severity === 'critical')));
  if (blocking !== null) return { decision: 'reject', reasons: blocking, followUps: ['notify_owner'] };
  const revising = citations(reviews.filter((r) => r.verdict === 'revise'));
  if (revising !== null) return { decision: 'revise', reasons: revising, followUps: ['none'] };
  if (reviews.length === 0 && asked !== 'final_approval') {
    const why = input.context?.reason ?? (asked === 'escalation' ? 'an escalation' : 'an unanswered approval');
    return { decision: 'escalate_human', reasons: [`No review to decide on after ${clip(why, 200)}`], followUps: ['notify_owner', 'raise_priority'] };
  }
  if (reviews.length === 0) {
    return { decision: 'approve', reasons: ['Repeatable content with no review required; the output is complete'], followUps: ['none'] };
  }
  return { decision: 'approve', reasons: citations(reviews) ?? ['Every review approves'], followUps: ['none'] };
}

/** One reason per review, or null when there is no review to cite. */
function citations(reviews: readonly ReviewSummary[]): Reasons | null {
  const [first, ...rest] = reviews;
  return first === undefined ? null : [cite(first), ...rest.map(cite)];
}

export function coordinate(input: CoordinatorInput, confidence: number): CoordinatorOutput {
  const ruling = rule(input);
  const summary = `${input.reviews.length} review(s) for ${input.decision} on task ${clip(input.task.id, 60)}`;
  return {
    ...ruling,
    confidence,
    rationale: clip(`[offline] Decision table applied to ${summary}: ${ruling.decision}.`, 600),
  };
}
