// Rule 2: the semi-auto confidence threshold per agent and task type (workflow).
import type { LearningState } from '../../schemas/generated/types.js';
import { THRESHOLD_BUCKETS, addInto, bucketOf, sumFrom, thresholdOf, zeros } from './buckets.js';
import type { Histogram } from './buckets.js';
import { allAggregates, matching } from './evidence.js';
import { isPinned, pct, ratio } from './tuned.js';
import type { Evidence, LearnConfig, Tuned } from './tuned.js';

function evidenceAt(known: Histogram, bad: Histogram, bucket: number): Evidence {
  const n = sumFrom(known, bucket);
  const wrong = sumFrom(bad, bucket);
  const labelled = sumFrom(known, 0);
  // belowShare: of labelled outcomes, those under the threshold, i.e. those a person would see.
  return { n, wrong, wrongRate: ratio(wrong, n), labelled, belowShare: ratio(labelled - n, labelled) };
}

export function confidenceThreshold(state: Readonly<LearningState>, config: LearnConfig, agent: string, taskType: string): Tuned<number> {
  const key = `confidenceThreshold:${agent}/${taskType}`;
  const { minEvidence: m, wrongApprovalTarget: target } = config.learning;
  const fallback = config.risk.confidenceThreshold;
  const known = zeros();
  const bad = zeros();
  for (const a of matching(allAggregates(state), { agent, workflow: taskType })) {
    addInto(known, a.histKnown);
    addInto(bad, a.histBad);
  }
  const atFallback = evidenceAt(known, bad, bucketOf(fallback));
  if (isPinned(config.learning.pin.confidenceThreshold)) {
    return { key, value: fallback, source: 'pinned', evidence: atFallback, rule: 'pinned by learning.pin.confidenceThreshold: risk.confidenceThreshold' };
  }
  const rule =
    `lowest threshold from 0.50 to 0.95 (steps of 0.01) whose wrong-approval rate among outcomes ` +
    `with confidence at or above it stays <= ${pct(target)} over >= ${m} outcomes`;
  if (!config.learning.enabled) return { key, value: fallback, source: 'config', evidence: atFallback, rule: 'learning disabled: risk.confidenceThreshold' };
  for (const b of THRESHOLD_BUCKETS) {
    const e = evidenceAt(known, bad, b);
    if (e.n >= m && (e['wrongRate'] ?? 1) <= target) return { key, value: thresholdOf(b), source: 'learned', evidence: e, rule };
  }
  return { key, value: fallback, source: 'config', evidence: atFallback, rule: `no threshold met it (${rule}): risk.confidenceThreshold` };
}
