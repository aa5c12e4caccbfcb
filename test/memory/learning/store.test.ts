import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchemaValidationError, StoreError } from '../../../core/errors.js';
import { LearningStore, confidenceThreshold, emptyLearningState, learnReport, modelTier, parseLearningState } from '../../../memory/learning/index.js';
import { check } from '../../../schemas/registry.js';
import { auto, config, decided, outcome } from './helpers.js';

/** A deterministic mix: agents, content types, models, good and bad at several confidences. */
function feed(store: LearningStore, from: number, to: number): void {
  const models = ['claude-haiku-5-5', 'claude-sonnet-5-5'];
  for (let i = from; i < to; i++) {
    const confidence = 0.5 + (i % 10) * 0.05;
    const bad = i % 10 < 3 && i % 3 === 0;
    const over = { agent: i % 4 === 0 ? 'sales' : 'marketing', contentType: `type-${i % 3}`, model: models[i % 2] ?? 'm' };
    store.record(i % 2 === 0 ? auto(confidence, bad, over) : decided(confidence, !bad, over));
    store.recordHeal({ kind: 'timeout', remedy: i % 2 === 0 ? 'retry' : 'switch_model', outcome: i % 5 === 0 ? 'failure' : 'success', severity: 0.4 });
  }
}

const c = config({ learning: { minEvidence: 20, window: 50 } });
const readSchema = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../schemas/${name}.schema.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

const otherVersion = (): unknown => parseLearningState({ ...emptyLearningState(), schemaVersion: 3 });

describe('LearningStore', () => {
  it('stays bounded at 10× the window, and the rules see every record through the aggregates', () => {
    const bounded = new LearningStore({ window: 50 });
    const unbounded = new LearningStore({ window: 100_000 });
    feed(bounded, 0, 50);
    const sizeAtWindow = JSON.stringify(bounded.state).length;
    feed(bounded, 50, 500);
    feed(unbounded, 0, 500);
    expect(bounded.state.window).toHaveLength(50);
    expect(bounded.state.heal.recent).toHaveLength(50);
    expect(unbounded.state.window).toHaveLength(500);
    // Past the window, only counts grow: the state size does not follow the record count.
    expect(JSON.stringify(bounded.state).length).toBeLessThan(sizeAtWindow * 1.5);
    expect(learnReport(bounded.state, c).filter((t) => !t.key.startsWith('severity'))).toEqual(
      learnReport(unbounded.state, c).filter((t) => !t.key.startsWith('severity')),
    );
    expect(confidenceThreshold(bounded.state, c, 'marketing', 'content').evidence['labelled']).toBe(375);
    expect(modelTier(bounded.state, c, 'marketing')).toMatchObject({ source: 'learned', evidence: { n: 250 } });
  });

  it('round-trips through JSON and validates against the LearningState schema', () => {
    const store = new LearningStore({ window: 20 });
    feed(store, 0, 60);
    store.recordSubagentRun('s1', 'Explore', true);
    store.recordSubagentRun('s1', 'Plan', true);
    store.endSession('s1', true);
    store.recordSubagentRun('s2', 'Explore', false);
    const json = JSON.parse(JSON.stringify(store.toJSON())) as unknown;
    expect(check('learning-state', json)).toEqual([]);
    const restored = LearningStore.fromJSON(json, { window: 20 });
    expect(restored.toJSON()).toEqual(store.toJSON());
    expect(learnReport(restored.state, c)).toEqual(learnReport(store.state, c));
    expect(check('learning-state', emptyLearningState())).toEqual([]);
  });

  it('refuses a state of another version with STORE_VERSION, and a damaged one with STORE_CORRUPT', () => {
    expect(otherVersion).toThrowError(StoreError);
    expect(otherVersion).toThrowError(expect.objectContaining({ code: 'STORE_VERSION' }) as Error);
    const damaged = { ...emptyLearningState(), window: [{ id: 'x' }] };
    expect(() => parseLearningState(damaged)).toThrowError(expect.objectContaining({ code: 'STORE_CORRUPT' }) as Error);
    expect(() => parseLearningState(null)).toThrowError(expect.objectContaining({ code: 'STORE_VERSION' }) as Error);
    expect(() => parseLearningState({ ...emptyLearningState(), schemaVersion: 0 })).toThrowError(expect.objectContaining({ code: 'STORE_VERSION' }) as Error);
  });

  it('refuses an invalid outcome', () => {
    const store = new LearningStore({ window: 10 });
    expect(() => store.record(outcome({ confidence: 1.5 }))).toThrowError(SchemaValidationError);
    expect(store.state.window).toHaveLength(0);
  });

  it('does not share objects with the caller', () => {
    const store = new LearningStore({ window: 10 });
    const o = outcome();
    store.record(o);
    o.agent = 'changed';
    expect(store.state.window[0]?.agent).toBe('marketing');
    const copy = store.toJSON();
    copy.window.length = 0;
    expect(store.state.window).toHaveLength(1);
  });

  it('keeps the stored outcome shape equal to outcome.schema.json', () => {
    // Schema files cannot reference each other here, so learning-state repeats OutcomeRecord.
    const strip = (x: unknown): unknown =>
      Array.isArray(x)
        ? x.map(strip)
        : typeof x === 'object' && x !== null
          ? Object.fromEntries(Object.entries(x).filter(([k]) => !['title', 'description', '$schema', '$id'].includes(k)).map(([k, v]) => [k, strip(v)]))
          : x;
    const defs = readSchema('learning-state')['$defs'] as Record<string, unknown>;
    expect(strip(defs['StoredOutcome'])).toEqual(strip(readSchema('outcome')));
  });
});
