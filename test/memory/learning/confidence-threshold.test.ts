import { describe, expect, it } from 'vitest';
import { LearningStore, confidenceThreshold } from '../../../memory/learning/index.js';
import type { OutcomeRecord } from '../../../schemas/generated/types.js';
import { auto, config, decided, outcome } from './helpers.js';

function storeOf(records: OutcomeRecord[], window = 1000): LearningStore {
  const store = new LearningStore({ window });
  for (const r of records) store.record(r);
  return store;
}

/** `good` right and `bad` wrong outcomes at one confidence, half auto-approved, half decided by a person. */
function at(confidence: number, good: number, bad: number): OutcomeRecord[] {
  return [
    ...Array.from({ length: good }, (_, i) => (i % 2 === 0 ? auto(confidence, false) : decided(confidence, true))),
    ...Array.from({ length: bad }, (_, i) => (i % 2 === 0 ? auto(confidence, true) : decided(confidence, false))),
  ];
}

const c20 = config({ learning: { minEvidence: 20, wrongApprovalTarget: 0.02 } });

describe('confidenceThreshold', () => {
  it.each([
    ['no outcomes: config', [], 0.8, 'config'],
    ['19 clean outcomes: below min evidence', at(0.9, 19, 0), 0.8, 'config'],
    ['20 clean outcomes at 0.9: lowest safe is 0.50 (all of them are ≥ 0.5)', at(0.9, 20, 0), 0.5, 'learned'],
    ['bad ones at 0.6 push it to 0.61', [...at(0.6, 30, 10), ...at(0.9, 100, 1)], 0.61, 'learned'],
    ['bad ones spread up to 0.7: 0.71', [...at(0.55, 10, 10), ...at(0.7, 40, 5), ...at(0.8, 100, 2)], 0.71, 'learned'],
    ['bad ones up to 0.62: 0.63, a step the 0.05 grid could not take', [...at(0.62, 20, 10), ...at(0.63, 60, 0), ...at(0.9, 60, 1)], 0.63, 'learned'],
    ['unsafe everywhere: config', [...at(0.6, 50, 10), ...at(0.97, 50, 5)], 0.8, 'config'],
    ['safe only with too little evidence above: config', [...at(0.6, 50, 10), ...at(0.96, 10, 0)], 0.8, 'config'],
  ] as const)('%s', (_name, records, value, source) => {
    const t = confidenceThreshold(storeOf([...records]).state, c20, 'marketing', 'content');
    expect([t.value, t.source]).toEqual([value, source]);
  });

  it('picks the lowest safe threshold, not the first safe one from the top', () => {
    // 0.50 is unsafe (bad at 0.5), 0.51 and above are safe; 0.95 alone would also be safe.
    const t = confidenceThreshold(storeOf([...at(0.5, 10, 10), ...at(0.6, 50, 0), ...at(0.96, 50, 0)]).state, c20, 'marketing', 'content');
    expect(t.value).toBe(0.51);
    expect(t.evidence).toEqual({ n: 100, wrong: 0, wrongRate: 0, labelled: 120, belowShare: 20 / 120 });
    expect(t.rule).toBe(
      'lowest threshold from 0.50 to 0.95 (steps of 0.01) whose wrong-approval rate among outcomes with confidence at or above it stays <= 2.0% over >= 20 outcomes',
    );
  });

  it('honours the configured target', () => {
    const records = [...at(0.6, 47, 3), ...at(0.9, 50, 0)]; // 3% wrong from 0.6 up
    expect(confidenceThreshold(storeOf(records).state, c20, 'marketing', 'content').value).toBe(0.61);
    const loose = config({ learning: { wrongApprovalTarget: 0.05 } });
    expect(confidenceThreshold(storeOf(records).state, loose, 'marketing', 'content').value).toBe(0.5);
  });

  it('ignores blocked outcomes and outcomes whose quality is unknown', () => {
    const noise = [
      ...Array.from({ length: 30 }, () => outcome({ confidence: 0.55, gate: 'blocked', humanDecision: 'none', finalStatus: 'rejected', wrong: null })),
      ...Array.from({ length: 30 }, () => auto(0.55, false, { wrong: null })),
    ];
    const t = confidenceThreshold(storeOf([...noise, ...at(0.9, 25, 0)]).state, c20, 'marketing', 'content');
    expect(t).toMatchObject({ value: 0.5, source: 'learned', evidence: { n: 25, labelled: 25 } });
  });

  it('is per agent and task type', () => {
    const store = storeOf([...at(0.9, 30, 0), ...at(0.6, 10, 10, ).map((r) => ({ ...r, workflow: 'campaign' }))]);
    expect(confidenceThreshold(store.state, c20, 'marketing', 'content').value).toBe(0.5);
    expect(confidenceThreshold(store.state, c20, 'marketing', 'campaign').source).toBe('config');
    expect(confidenceThreshold(store.state, c20, 'sales', 'content').source).toBe('config');
  });

  it('is pinned by learning.pin.confidenceThreshold', () => {
    const pinned = config({ learning: { pin: { confidenceThreshold: true } }, risk: { confidenceThreshold: 0.9 } });
    expect(confidenceThreshold(storeOf(at(0.9, 50, 0)).state, pinned, 'marketing', 'content')).toMatchObject({ value: 0.9, source: 'pinned' });
  });

  it('counts a person-approved outcome later found wrong as a wrong approval', () => {
    const records = [...at(0.9, 40, 0), ...Array.from({ length: 5 }, () => decided(0.6, true, { wrong: true }))];
    expect(confidenceThreshold(storeOf(records).state, c20, 'marketing', 'content').value).toBe(0.61);
  });
});
