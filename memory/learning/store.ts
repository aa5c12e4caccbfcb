// The learning store: records outcomes, heal results and subagent runs into a bounded
// LearningState. It holds no policy; the rules read its state. Persistence is the caller's:
// save `toJSON()`, restore with `LearningStore.fromJSON`.
import { validate } from '../../schemas/registry.js';
import type { HealRecord, LearningState, OutcomeRecord } from '../../schemas/generated/types.js';
import { foldInto } from './aggregate.js';
import { noteHeal } from './heal-state.js';
import { noteReview } from './review-runs.js';
import { noteEnd, noteRun } from './sessions.js';
import { emptyLearningState, parseLearningState } from './state.js';
import type { LearnConfig } from './tuned.js';

export interface StoreLimits {
  /** Outcome records (and heal records) kept in order besides the aggregates. */
  window: number;
}

export class LearningStore {
  readonly #limits: StoreLimits;
  readonly #state: LearningState;

  constructor(limits: StoreLimits, state: LearningState = emptyLearningState()) {
    this.#limits = limits;
    this.#state = state;
  }

  static forConfig(config: Pick<LearnConfig, 'learning'>, state?: LearningState): LearningStore {
    return new LearningStore({ window: config.learning.window }, state);
  }

  /** Restores a store from persisted JSON, validated against the LearningState schema. */
  static fromJSON(data: unknown, limits: StoreLimits): LearningStore {
    return new LearningStore(limits, structuredClone(parseLearningState(data)));
  }

  /** The live state, for the rules; do not modify. */
  get state(): Readonly<LearningState> {
    return this.#state;
  }

  record(outcome: OutcomeRecord): void {
    const o = structuredClone(validate<OutcomeRecord>('outcome', outcome));
    noteReview(this.#state.reviewRuns, o);
    this.#state.window.push(o);
    const over = this.#state.window.length - this.#limits.window;
    if (over <= 0) return;
    // Records leaving the window fold into the aggregates, so the rules keep their evidence.
    for (const old of this.#state.window.splice(0, over)) foldInto(this.#state.aggregates, old);
  }

  recordHeal(h: HealRecord): void {
    noteHeal(this.#state.heal, h, this.#limits.window);
  }

  recordSubagentRun(sessionId: string, agentType: string, ok: boolean): void {
    noteRun(this.#state.sessions, sessionId, agentType, ok);
  }

  endSession(sessionId: string, endedWell: boolean): void {
    noteEnd(this.#state.sessions, sessionId, endedWell);
  }

  /** A deep copy to persist. */
  toJSON(): LearningState {
    return structuredClone(this.#state);
  }
}
