// Explicit migrations of the persisted learning state (STYLE practice 9): migrations[n] upgrades
// version n to n+1. The json-store adapter runs them on open; parseLearningState runs them too.
import type { Migration } from '../json-store.js';
import { BUCKETS } from './buckets.js';

/** Version 1 kept 20 confidence buckets of 0.05. */
const V1_BUCKETS = 20;

const HISTOGRAMS = ['histKnown', 'histBad', 'histAuto', 'histWrong'] as const;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Old bucket i ([i/20, (i+1)/20)) goes whole into new bucket 5i+4 ([(5i+4)/100, (5i+5)/100)), its
 * upper edge: no count is lost, the sum from any 0.05 step up is what it was, and a threshold
 * between two old steps sees the old bucket's evidence, so an upgrade never loosens a threshold
 * without new evidence. Anything that is not a 20-bucket histogram is left for the schema to refuse.
 */
export function spreadHistogram(old: unknown): unknown {
  if (!Array.isArray(old) || old.length !== V1_BUCKETS) return old;
  const hist: unknown[] = Array.from({ length: BUCKETS }, () => 0);
  (old as unknown[]).forEach((count, i) => {
    hist[(i + 1) * (BUCKETS / V1_BUCKETS) - 1] = count;
  });
  return hist;
}

function migrateAggregate(old: unknown): unknown {
  if (!isRecord(old)) return old;
  const aggregate = { ...old };
  for (const key of HISTOGRAMS) if (Object.hasOwn(old, key)) aggregate[key] = spreadHistogram(old[key]);
  return aggregate;
}

/** 1 -> 2: confidence histograms from 20 buckets of 0.05 to 100 of 0.01. Pure: `old` is not modified. */
export const learningV1ToV2: Migration = (old) => {
  const aggregates = old['aggregates'];
  return {
    ...old,
    ...(Array.isArray(aggregates) ? { aggregates: (aggregates as unknown[]).map(migrateAggregate) } : {}),
    schemaVersion: 2,
  };
};

/** migrations[n] upgrades version n to n+1, as json-store's `migrations` option expects. */
export const LEARNING_MIGRATIONS: Readonly<Record<number, Migration>> = { 1: learningV1ToV2 };
