// The learning store: records outcomes and tunes review tiers, confidence thresholds, models,
// healer remedies, the severity threshold and next-subagent suggestions from them.
export { LearningStore } from './store.js';
export type { StoreLimits } from './store.js';
export { CURRENT_SCHEMA_VERSION, SUPPORTED_SCHEMA_VERSIONS, emptyLearningState, parseLearningState } from './state.js';
export type { SupportedSchemaVersion } from './state.js';
export { LEARNING_MIGRATIONS, V1_BUCKETS, learningV1ToV2 } from './migrate.js';
export { reviewTier } from './review-tier.js';
export type { ReviewTierValue } from './review-runs.js';
export { confidenceThreshold } from './confidence-threshold.js';
export { MODEL_MARGIN, configuredModel, modelTier } from './model-tier.js';
export { HEAL_MIN_EVIDENCE, SEVERITY, healerPolicy, severityThreshold } from './healer-policy.js';
export { NEXT_MIN_EVIDENCE, nextSubagent } from './next-subagent.js';
export { learnReport } from './report.js';
export type { LearnEntry } from './report.js';
export { formatEvidence, formatLearnReport } from './format.js';
export type { Evidence, LearnConfig, Tuned, TunedSource } from './tuned.js';
export { qualityLabel, isApproved, isRejected } from './classify.js';
export type { QualityLabel } from './classify.js';
export { salvageLearningState } from './salvage.js';
export type { Salvaged } from './salvage.js';
