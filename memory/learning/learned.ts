// The tuned values a supervisor reads, over a learning state it keeps: each is the rule's value
// only when learned from evidence, else undefined (the config's value applies, pinned or not).
import type { LearningState } from '../../schemas/generated/types.js';
import { confidenceThreshold } from './confidence-threshold.js';
import { formatLearnReport } from './format.js';
import { severityThreshold } from './healer-policy.js';
import { modelTier } from './model-tier.js';
import { learnReport } from './report.js';
import type { LearnEntry } from './report.js';
import type { ReviewTierValue } from './review-runs.js';
import { reviewTier } from './review-tier.js';
import type { LearnConfig } from './tuned.js';

const LEARNED = <T>(t: { value: T; source: string }): T | undefined => (t.source === 'learned' ? t.value : undefined);

export class LearnedValues {
  constructor(
    private readonly learningState: () => Readonly<LearningState>,
    private readonly learnConfig: () => LearnConfig,
  ) {}

  confidenceThreshold(agent: string, taskType: string): number | undefined {
    return LEARNED(confidenceThreshold(this.learningState(), this.learnConfig(), agent, taskType));
  }

  model(agent: string): string | undefined {
    return LEARNED(modelTier(this.learningState(), this.learnConfig(), agent));
  }

  severityThreshold(): number | undefined {
    return LEARNED(severityThreshold(this.learningState(), this.learnConfig()));
  }

  tier(contentType: string): ReviewTierValue | undefined {
    return LEARNED(reviewTier(this.learningState(), this.learnConfig(), contentType));
  }

  /** Every tuned value with its evidence and rule (`agentry learn`). */
  report(): { values: LearnEntry[]; text: string } {
    const values = learnReport(this.learningState(), this.learnConfig());
    return { values, text: formatLearnReport(values) };
  }
}
