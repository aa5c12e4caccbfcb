import { describe, expect, it } from 'vitest';
import { LearningStore, modelTier } from '../../../memory/learning/index.js';
import type { OutcomeRecord } from '../../../schemas/generated/types.js';
import { config, outcome } from './helpers.js';

const [HAIKU, SONNET, OPUS] = ['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5'];

/** `n` outcomes of `model` for marketing, `approved` of them approved, the rest rejected. */
function runs(model: string, n: number, approved: number): OutcomeRecord[] {
  return Array.from({ length: n }, (_, i) =>
    i < approved ? outcome({ model }) : outcome({ model, finalStatus: 'rejected', reviewVerdicts: [{ kind: 'canon', verdict: 'reject' }] }),
  );
}

function stateOf(...groups: OutcomeRecord[][]): LearningStore['state'] {
  const store = new LearningStore({ window: 1000 });
  for (const r of groups.flat()) store.record(r);
  return store.state;
}

const c = config({ learning: { minEvidence: 20 } }); // configured model: the default, sonnet

describe('modelTier', () => {
  it.each([
    ['nothing recorded: config', [], SONNET, 'config'],
    ['configured model below min evidence: config', [runs(SONNET, 19, 19), runs(HAIKU, 50, 50)], SONNET, 'config'],
    ['only the configured model has evidence: keeps it', [runs(SONNET, 40, 36), runs(HAIKU, 10, 10)], SONNET, 'learned'],
    ['haiku holds the rate (90% vs 92%): cheapest wins', [runs(SONNET, 50, 46), runs(HAIKU, 40, 36)], HAIKU, 'learned'],
    ['haiku falls short (80% vs 92%): sonnet', [runs(SONNET, 50, 46), runs(HAIKU, 40, 32)], SONNET, 'learned'],
    ['opus is clearly better: the best rate moves, sonnet no longer holds it', [runs(SONNET, 50, 40), runs(OPUS, 50, 49)], OPUS, 'learned'],
    ['all three within 5 points: haiku', [runs(SONNET, 50, 47), runs(OPUS, 50, 48), runs(HAIKU, 50, 46)], HAIKU, 'learned'],
  ] as const)('%s', (_name, groups, value, source) => {
    const t = modelTier(stateOf(...groups), c, 'marketing');
    expect([t.value, t.source]).toEqual([value, source]);
  });

  it('counts failures against a model', () => {
    const failing = Array.from({ length: 10 }, () => outcome({ model: HAIKU, finalStatus: 'failed' }));
    const t = modelTier(stateOf(runs(SONNET, 40, 40), runs(HAIKU, 30, 30), failing), c, 'marketing');
    expect(t.value).toBe(SONNET);
  });

  it('reports the evidence and the rule', () => {
    const t = modelTier(stateOf(runs(SONNET, 50, 46), runs(HAIKU, 40, 36)), c, 'marketing');
    expect(t.evidence).toEqual({ n: 40, approvalRate: 0.9, bestRate: 0.92, configuredRate: 0.92, modelsWithEvidence: 2 });
    expect(t.rule).toBe(
      'cheapest model in models.tiers with >= 20 outcomes whose approval rate is within 5 points of the best model with >= 20 outcomes (else the configured model)',
    );
  });

  it('starts from models.byAgent when set, and is pinned by learning.pin.models', () => {
    const byAgent = config({ models: { byAgent: { marketing: OPUS } } });
    expect(modelTier(stateOf(runs(SONNET, 50, 50)), byAgent, 'marketing')).toMatchObject({ value: OPUS, source: 'config' });
    const pinned = config({ learning: { pin: { models: true } } });
    expect(modelTier(stateOf(runs(SONNET, 50, 46), runs(HAIKU, 40, 40)), pinned, 'marketing')).toMatchObject({ value: SONNET, source: 'pinned' });
  });
});
