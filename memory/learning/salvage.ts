// Rebuilding a learning state from a damaged file (DESIGN §8a: derived state never blocks a
// start). The outcome records and heal records that still pass their schema are replayed into
// an empty store, so the aggregates, review runs and remedy counts are derived again from them;
// anything else in the file (sessions, aggregates of records that left the window) is dropped.
import { check } from '../../schemas/registry.js';
import type { HealRecord, LearningState, OutcomeRecord } from '../../schemas/generated/types.js';
import { emptyLearningState } from './state.js';
import { LearningStore } from './store.js';
import type { StoreLimits } from './store.js';

export interface Salvaged {
  readonly state: LearningState;
  /** Outcome records replayed. */
  readonly outcomes: number;
  /** Heal records replayed. */
  readonly heals: number;
}

const listAt = (data: unknown, ...keys: string[]): unknown[] => {
  let at: unknown = data;
  for (const key of keys) at = typeof at === 'object' && at !== null && !Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined;
  return Array.isArray(at) ? at : [];
};

/** A heal record is valid when a state holding only it passes the learning-state schema. */
export const validHeal = (h: unknown): h is HealRecord => check('learning-state', { ...emptyLearningState(), heal: { remedies: [], recent: [h] } }).length === 0;

/** A fresh state from whatever records of `data` (a parsed, damaged learning file) are still valid. */
export function salvageLearningState(data: unknown, limits: StoreLimits): Salvaged {
  const store = new LearningStore(limits);
  let outcomes = 0;
  for (const o of listAt(data, 'window')) {
    if (check('outcome', o).length > 0) continue;
    store.record(o as OutcomeRecord);
    outcomes += 1;
  }
  let heals = 0;
  for (const h of listAt(data, 'heal', 'recent')) {
    if (!validHeal(h)) continue;
    store.recordHeal({ kind: h.kind, remedy: h.remedy, outcome: h.outcome, severity: h.severity });
    heals += 1;
  }
  return { state: store.toJSON(), outcomes, heals };
}
