// The persisted shape: versioned, validated on every read (STYLE practice 9).
import { StoreError } from '../../core/errors.js';
import { validate } from '../../schemas/registry.js';
import type { LearningState } from '../../schemas/generated/types.js';
import { emptyHealState } from './heal-state.js';
import { emptySessions } from './sessions.js';

export const CURRENT_SCHEMA_VERSION = 1;
export const SUPPORTED_SCHEMA_VERSIONS = [1] as const;

export function emptyLearningState(): LearningState {
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    aggregates: [],
    window: [],
    reviewRuns: [],
    heal: emptyHealState(),
    sessions: emptySessions(),
  };
}

/** `data` as a LearningState, or a StoreError (STORE_VERSION, STORE_CORRUPT) saying why not. */
export function parseLearningState(data: unknown): LearningState {
  const version = typeof data === 'object' && data !== null ? (data as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (!(SUPPORTED_SCHEMA_VERSIONS as readonly unknown[]).includes(version)) {
    throw new StoreError('STORE_VERSION', `learning state has schemaVersion ${JSON.stringify(version)}; supported: ${SUPPORTED_SCHEMA_VERSIONS.join(', ')}`, {
      details: { got: String(version), supported: SUPPORTED_SCHEMA_VERSIONS.map(String) },
    });
  }
  return validate<LearningState>('learning-state', data, 'STORE_CORRUPT');
}
