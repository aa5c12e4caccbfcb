// Rule 1: review tier per content type (1 novel, 2 established, 3 repeatable).
import type { LearningState } from '../../schemas/generated/types.js';
import { tierAfter } from './review-runs.js';
import type { ReviewTierValue } from './review-runs.js';
import { isPinned } from './tuned.js';
import type { LearnConfig, Tuned } from './tuned.js';

export function reviewTier(state: Readonly<LearningState>, config: LearnConfig, contentType: string): Tuned<ReviewTierValue> {
  const key = `reviewTier:${contentType}`;
  const m = config.learning.minEvidence;
  const start = config.reviews.defaultTier;
  const run = state.reviewRuns.find((r) => r.contentType === contentType);
  const evidence = {
    n: run ? run.approvals + run.rejections : 0,
    approvals: run?.approvals ?? 0,
    rejections: run?.rejections ?? 0,
    approvalsInRow: run?.run ?? 0,
  };
  const fixed = Object.hasOwn(config.reviews.tiers, contentType) ? config.reviews.tiers[contentType] : undefined;
  if (fixed !== undefined) return { key, value: fixed, source: 'pinned', evidence, rule: `pinned by reviews.tiers.${contentType}` };
  if (isPinned(config.learning.pin.reviewTiers)) {
    return { key, value: start, source: 'pinned', evidence, rule: 'pinned by learning.pin.reviewTiers: reviews.defaultTier' };
  }
  if (!config.learning.enabled || !run || evidence.n < m) {
    const why = config.learning.enabled ? `fewer than ${m} reviewed outcomes` : 'learning disabled';
    return { key, value: start, source: 'config', evidence, rule: `${why}: reviews.defaultTier` };
  }
  return {
    key,
    value: tierAfter(run, m, start),
    source: 'learned',
    evidence,
    rule:
      `from reviews.defaultTier ${start}: ${m} approvals in a row (no rejection) reach tier 2, ` +
      `${3 * m} reach tier 3; a rejection moves the tier back one step and starts a new run`,
  };
}
