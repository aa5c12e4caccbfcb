// The learning store: records outcomes and tunes review tiers, confidence thresholds, models,
// healer remedies, the severity threshold and next-subagent suggestions from them.
export { LearningStore } from './store.js';
export { CURRENT_SCHEMA_VERSION, SUPPORTED_SCHEMA_VERSIONS, emptyLearningState, parseLearningState } from './state.js';
export { LEARNING_MIGRATIONS, learningV1ToV2 } from './migrate.js';
export { reviewTier } from './review-tier.js';
export { confidenceThreshold } from './confidence-threshold.js';
export { modelTier } from './model-tier.js';
export { healerPolicy, severityThreshold } from './healer-policy.js';
export { nextSubagent } from './next-subagent.js';
export { learnReport } from './report.js';
export type { LearnEntry } from './report.js';
export { formatEvidence, formatLearnReport } from './format.js';
export type { Evidence, LearnConfig, Tuned } from './tuned.js';
export { salvageLearningState, validHeal } from './salvage.js';
export { healRecordOf } from './heal-state.js';
export { newDraft, noteDecision, noteStep, outcomeOf } from './draft.js';
export type { OutcomeDraft, StepFacts } from './draft.js';
export { LearnedValues } from './learned.js';
