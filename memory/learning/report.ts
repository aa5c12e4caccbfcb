// Every tuned value the store can explain, for `agentry learn --json`.
import type { LearningState } from '../../schemas/generated/types.js';
import { confidenceThreshold } from './confidence-threshold.js';
import { allAggregates } from './evidence.js';
import { healerPolicy, severityThreshold } from './healer-policy.js';
import { modelTier } from './model-tier.js';
import { nextSubagent } from './next-subagent.js';
import { reviewTier } from './review-tier.js';
import type { LearnConfig, Tuned } from './tuned.js';

export type LearnEntry = Tuned<number | string | null>;

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** Every content type, (agent, workflow) pair, agent, failure kind and subagent type seen, with its tuned values. */
export function learnReport(state: Readonly<LearningState>, config: LearnConfig): LearnEntry[] {
  const aggregates = allAggregates(state);
  const contentTypes = sorted([
    ...aggregates.flatMap((a) => (a.contentType === null ? [] : [a.contentType])),
    ...state.reviewRuns.map((r) => r.contentType),
    ...Object.keys(config.reviews.tiers),
  ]);
  const pairs = sorted(aggregates.map((a) => JSON.stringify([a.agent, a.workflow]))).map((p) => JSON.parse(p) as [string, string]);
  const agents = sorted(aggregates.map((a) => a.agent));
  const kinds = sorted(state.heal.remedies.map((r) => r.kind));
  const subagents = sorted(state.sessions.transitions.map((t) => t.from));
  return [
    ...contentTypes.map((c) => reviewTier(state, config, c)),
    ...pairs.map(([agent, workflow]) => confidenceThreshold(state, config, agent, workflow)),
    ...agents.map((a) => modelTier(state, config, a)),
    ...kinds.map((k) => healerPolicy(state, config, k)),
    severityThreshold(state, config),
    ...subagents.map((s) => nextSubagent(state, config, s)),
  ];
}
