// The persisted shape: versioned, migrated explicitly and validated on every read (STYLE practice 9).
import { StoreError } from '../../core/errors.js';
import { validate } from '../../schemas/registry.js';
import type { LearningState } from '../../schemas/generated/types.js';
import { emptyHealState } from './heal-state.js';
import { LEARNING_MIGRATIONS } from './migrate.js';
import { emptySessions } from './sessions.js';

/** 2: confidence histograms of 100 buckets of 0.01 (1 had 20 of 0.05; migrate.ts upgrades it). */
export const CURRENT_SCHEMA_VERSION = 2;
/** Versions this code reads: the current one, and older ones through LEARNING_MIGRATIONS. */
export const SUPPORTED_SCHEMA_VERSIONS = [1, 2] as const;

type SupportedSchemaVersion = (typeof SUPPORTED_SCHEMA_VERSIONS)[number];

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

function versionOf(data: unknown): SupportedSchemaVersion {
  const version = typeof data === 'object' && data !== null ? (data as { schemaVersion?: unknown }).schemaVersion : undefined;
  if ((SUPPORTED_SCHEMA_VERSIONS as readonly unknown[]).includes(version)) return version as SupportedSchemaVersion;
  const newer = typeof version === 'number' && version > CURRENT_SCHEMA_VERSION ? ' (newer than this agentry understands; upgrade agentry)' : '';
  throw new StoreError('STORE_VERSION', `learning state has schemaVersion ${JSON.stringify(version)}${newer}; supported: ${SUPPORTED_SCHEMA_VERSIONS.join(', ')}`, {
    details: { got: String(version), supported: SUPPORTED_SCHEMA_VERSIONS.map(String) },
  });
}

/** `data` as a LearningState of the current version (older ones migrated), or a StoreError (STORE_VERSION, STORE_CORRUPT) saying why not. */
export function parseLearningState(data: unknown): LearningState {
  let current = data as Record<string, unknown>;
  for (let v: number = versionOf(data); v < CURRENT_SCHEMA_VERSION; v++) {
    const step = LEARNING_MIGRATIONS[v];
    if (step === undefined) throw new StoreError('STORE_VERSION', `learning state: no migration from schemaVersion ${v} to ${v + 1}`, { details: { got: String(v) } });
    current = { ...step(current), schemaVersion: v + 1 };
  }
  return validate<LearningState>('learning-state', current, 'STORE_CORRUPT');
}
