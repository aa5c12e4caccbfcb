// Rule 3: the model per agent, the cheapest configured tier that holds the approval rate.
import type { LearningState } from '../../schemas/generated/types.js';
import { allAggregates, matching } from './evidence.js';
import { isPinned, ratio } from './tuned.js';
import type { LearnConfig, Tuned } from './tuned.js';

/** How far below the best approval rate a cheaper model may be and still hold it. */
const MODEL_MARGIN = 0.05;

function configuredModel(config: LearnConfig, agent: string): string {
  const byAgent: Record<string, string | undefined> = config.models.byAgent;
  return (Object.hasOwn(byAgent, agent) ? byAgent[agent] : undefined) ?? config.models.default;
}

interface ModelStats {
  n: number;
  approved: number;
}

const rate = (s: ModelStats): number => ratio(s.approved, s.n);

function statsByModel(state: Readonly<LearningState>, agent: string): Map<string, ModelStats> {
  const stats = new Map<string, ModelStats>();
  for (const a of matching(allAggregates(state), { agent })) {
    const s = stats.get(a.model) ?? { n: 0, approved: 0 };
    s.n += a.n;
    s.approved += a.approved;
    stats.set(a.model, s);
  }
  return stats;
}

export function modelTier(state: Readonly<LearningState>, config: LearnConfig, agent: string): Tuned<string> {
  const key = `model:${agent}`;
  const m = config.learning.minEvidence;
  const configured = configuredModel(config, agent);
  const stats = statsByModel(state, agent);
  const base = stats.get(configured) ?? { n: 0, approved: 0 };
  const evidence = { n: base.n, approvalRate: rate(base) };
  if (isPinned(config.learning.pin.models)) return { key, value: configured, source: 'pinned', evidence, rule: 'pinned by learning.pin.models: models.byAgent or models.default' };
  if (!config.learning.enabled || base.n < m) {
    const why = config.learning.enabled ? `the configured model has fewer than ${m} outcomes` : 'learning disabled';
    return { key, value: configured, source: 'config', evidence, rule: `${why}: models.byAgent or models.default` };
  }
  const proven = [...stats].filter(([, s]) => s.n >= m);
  const best = Math.max(...proven.map(([, s]) => rate(s)));
  const pick = config.models.tiers.find((model) => {
    const s = stats.get(model);
    return s !== undefined && s.n >= m && rate(s) >= best - MODEL_MARGIN;
  });
  const chosen = pick ?? configured;
  const s = stats.get(chosen) ?? base;
  return {
    key,
    value: chosen,
    source: 'learned',
    evidence: { n: s.n, approvalRate: rate(s), bestRate: best, configuredRate: rate(base), modelsWithEvidence: proven.length },
    rule:
      `cheapest model in models.tiers with >= ${m} outcomes whose approval rate is within ` +
      `${MODEL_MARGIN * 100} points of the best model with >= ${m} outcomes (else the configured model)`,
  };
}
