import { describe, expect, it } from 'vitest';
import { decideGate, sampleFor } from '../../machines/gate.js';
import type { GateControls, GateDecision, GateInput, GateProposal, Mode } from '../../machines/gate.js';
import { resolveConfig } from '../../config/load.js';
import { SystemError } from '../../core/errors.js';

const controls: GateControls = {
  dailySpendLimitUsd: 10,
  approvalThresholdUsd: 0.5,
  confidenceThreshold: 0.8,
  randomReviewPercent: 5,
  domains: { blog: true, social: false },
};

// Passes every control in every mode: each row changes only what it is about.
const proposal: GateProposal = {
  taskId: 'task-1',
  action: 'publish',
  domain: 'blog',
  confidence: 0.9,
  estimatedCostUsd: 0.1,
  spentTodayUsd: 1,
  breakerOpen: false,
  domainPaused: false,
};

interface Row {
  name: string;
  mode: Mode;
  proposal?: Partial<GateProposal>;
  controls?: Partial<GateControls>;
  learned?: GateInput['learned'];
  sample?: number;
  decision: GateDecision['decision'];
  reasons: string[];
}

function inputOf(row: Row): GateInput {
  return {
    mode: row.mode,
    controls: { ...controls, ...row.controls },
    proposal: { ...proposal, ...row.proposal },
    learned: row.learned,
    sample: row.sample ?? 0.5,
  };
}

const MODES: Mode[] = ['manual', 'semi', 'full'];

const OVER_BUDGET = 'daily spend limit: $9.80 spent today + $0.50 estimated = $10.30 is over the limit $10.00';
const HARD_LIMITS: Omit<Row, 'mode' | 'decision'>[] = [
  { name: 'spend today + estimate over the daily limit', proposal: { spentTodayUsd: 9.8, estimatedCostUsd: 0.5 }, reasons: [OVER_BUDGET] },
  { name: 'domain disabled in config', proposal: { domain: 'social' }, reasons: ['domain "social" is disabled in config'] },
  { name: 'domain paused by escalation', proposal: { domainPaused: true }, reasons: ['domain "blog" is paused by escalation'] },
  { name: 'breaker open', proposal: { breakerOpen: true }, reasons: ['the circuit breaker is open'] },
  {
    name: 'every hard limit at once (all listed, soft controls not)',
    proposal: { spentTodayUsd: 9.8, estimatedCostUsd: 0.5, domain: 'social', domainPaused: true, breakerOpen: true, confidence: 0.1 },
    sample: 0,
    reasons: [OVER_BUDGET, 'domain "social" is disabled in config', 'domain "social" is paused by escalation', 'the circuit breaker is open'],
  },
];

const hardRows: Row[] = MODES.flatMap((mode) =>
  HARD_LIMITS.map((row) => ({ ...row, name: `${mode}: ${row.name} → blocked`, mode, decision: 'blocked' as const })),
);

const SEMI_PASS = [
  'confidence 0.90 meets the threshold 0.80 (config)',
  'estimated cost $0.10 is within the approval threshold $0.50',
  'not picked for random review: draw 50.00 is not below 5.00%',
];

const semiRows: Row[] = [
  { name: 'every control allows → auto, each control says why', mode: 'semi', decision: 'auto', reasons: SEMI_PASS },
  {
    name: 'confidence below the config threshold',
    mode: 'semi',
    proposal: { confidence: 0.72 },
    decision: 'approval',
    reasons: ['confidence 0.72 is below the threshold 0.80 (config)'],
  },
  {
    name: 'estimated cost above the approval threshold',
    mode: 'semi',
    proposal: { estimatedCostUsd: 0.6 },
    decision: 'approval',
    reasons: ['estimated cost $0.60 is above the approval threshold $0.50'],
  },
  {
    name: 'picked by the random-review draw',
    mode: 'semi',
    sample: 0.03,
    decision: 'approval',
    reasons: ['picked for random review: draw 3.00 is below 5.00%'],
  },
  {
    name: 'every soft control failing → all reasons, in order',
    mode: 'semi',
    proposal: { confidence: 0.5, estimatedCostUsd: 2 },
    sample: 0.01,
    decision: 'approval',
    reasons: [
      'confidence 0.50 is below the threshold 0.80 (config)',
      'estimated cost $2.00 is above the approval threshold $0.50',
      'picked for random review: draw 1.00 is below 5.00%',
    ],
  },
  {
    name: 'a learned threshold above config overrides it (stricter)',
    mode: 'semi',
    learned: { confidenceThreshold: 0.95 },
    decision: 'approval',
    reasons: ['confidence 0.90 is below the threshold 0.95 (learned)'],
  },
  {
    name: 'a learned threshold below config overrides it (looser)',
    mode: 'semi',
    proposal: { confidence: 0.7 },
    learned: { confidenceThreshold: 0.6 },
    decision: 'auto',
    reasons: ['confidence 0.70 meets the threshold 0.60 (learned)', ...SEMI_PASS.slice(1)],
  },
  {
    name: 'learned present but without a threshold → config',
    mode: 'semi',
    learned: {},
    decision: 'auto',
    reasons: SEMI_PASS,
  },
  {
    name: 'boundary: confidence equal to the threshold is allowed',
    mode: 'semi',
    proposal: { confidence: 0.8 },
    decision: 'auto',
    reasons: ['confidence 0.80 meets the threshold 0.80 (config)', ...SEMI_PASS.slice(1)],
  },
  {
    name: 'boundary: 0.1 + 0.7 (0.7999…) counts as equal to 0.8',
    mode: 'semi',
    proposal: { confidence: 0.1 + 0.7 },
    decision: 'auto',
    reasons: ['confidence 0.80 meets the threshold 0.80 (config)', ...SEMI_PASS.slice(1)],
  },
  {
    name: 'boundary: just below the threshold shows enough digits to read as below',
    mode: 'semi',
    proposal: { confidence: 0.795 },
    decision: 'approval',
    reasons: ['confidence 0.795 is below the threshold 0.80 (config)'],
  },
  {
    name: 'boundary: estimated cost equal to the approval threshold is allowed',
    mode: 'semi',
    proposal: { estimatedCostUsd: 0.5 },
    decision: 'auto',
    reasons: [SEMI_PASS[0]!, 'estimated cost $0.50 is within the approval threshold $0.50', SEMI_PASS[2]!],
  },
  {
    name: 'boundary: a draw equal to the review percent is not picked',
    mode: 'semi',
    sample: 0.05,
    decision: 'auto',
    reasons: [...SEMI_PASS.slice(0, 2), 'not picked for random review: draw 5.00 is not below 5.00%'],
  },
  {
    name: 'random review 0% never picks, even draw 0',
    mode: 'semi',
    controls: { randomReviewPercent: 0 },
    sample: 0,
    decision: 'auto',
    reasons: [...SEMI_PASS.slice(0, 2), 'not picked for random review: draw 0.00 is not below 0.00%'],
  },
  {
    name: 'random review 100% always picks, even the highest draw',
    mode: 'semi',
    controls: { randomReviewPercent: 100 },
    sample: 0.999999,
    decision: 'approval',
    reasons: ['picked for random review: draw 99.9999 is below 100.00%'],
  },
  {
    name: 'boundary: spend + estimate equal to the daily limit is allowed',
    mode: 'semi',
    proposal: { spentTodayUsd: 9.5, estimatedCostUsd: 0.5 },
    decision: 'auto',
    reasons: [SEMI_PASS[0]!, 'estimated cost $0.50 is within the approval threshold $0.50', SEMI_PASS[2]!],
  },
  {
    name: 'a domain that is explicitly enabled or not listed is enabled',
    mode: 'semi',
    proposal: { domain: 'newsletter' },
    decision: 'auto',
    reasons: SEMI_PASS,
  },
  {
    name: 'a domain named like an Object.prototype member is not read from the prototype',
    mode: 'semi',
    proposal: { domain: 'constructor' },
    decision: 'auto',
    reasons: SEMI_PASS,
  },
];

const otherRows: Row[] = [
  { name: 'manual: all controls pass → approval', mode: 'manual', decision: 'approval', reasons: ['manual mode: every action waits for a person'] },
  {
    name: 'manual: soft controls are not consulted',
    mode: 'manual',
    proposal: { confidence: 0.1, estimatedCostUsd: 3 },
    sample: 0,
    decision: 'approval',
    reasons: ['manual mode: every action waits for a person'],
  },
  { name: 'full: all controls pass → auto', mode: 'full', decision: 'auto', reasons: ['full mode: no hard limit blocks'] },
  {
    name: 'full: low confidence, high cost and a review pick still → auto',
    mode: 'full',
    proposal: { confidence: 0.1, estimatedCostUsd: 3 },
    learned: { confidenceThreshold: 0.99 },
    sample: 0,
    decision: 'auto',
    reasons: ['full mode: no hard limit blocks'],
  },
  {
    name: 'full: spend + estimate equal to the limit is allowed (float sum 0.2 + 0.1 vs 0.3)',
    mode: 'full',
    controls: { dailySpendLimitUsd: 0.3 },
    proposal: { spentTodayUsd: 0.2, estimatedCostUsd: 0.1 },
    decision: 'auto',
    reasons: ['full mode: no hard limit blocks'],
  },
  {
    name: 'full: one micro-dollar over the limit blocks',
    mode: 'full',
    proposal: { spentTodayUsd: 9.5, estimatedCostUsd: 0.500001 },
    decision: 'blocked',
    reasons: ['daily spend limit: $9.50 spent today + $0.500001 estimated = $10.000001 is over the limit $10.00'],
  },
];

describe('decideGate', () => {
  it.each([...hardRows, ...semiRows, ...otherRows])('$name', (row) => {
    const decision = decideGate(inputOf(row));
    expect(decision.decision).toBe(row.decision);
    expect(decision.reasons).toEqual(row.reasons);
  });

  it('reports the threshold in force and its source in every mode', () => {
    for (const mode of MODES) {
      expect(decideGate(inputOf({ name: '', mode, decision: 'auto', reasons: [] }))).toMatchObject({
        threshold: 0.8,
        thresholdSource: 'config',
      });
      const learned = decideGate(inputOf({ name: '', mode, learned: { confidenceThreshold: 0.6 }, decision: 'auto', reasons: [] }));
      expect(learned).toMatchObject({ threshold: 0.6, thresholdSource: 'learned' });
    }
  });

  it('takes the resolved config risk controls as they are', () => {
    const risk = resolveConfig({ version: 1, risk: { domains: { ads: false } } }).risk;
    const decide = (domain: string, confidence: number): GateDecision =>
      decideGate({ mode: 'semi', controls: risk, proposal: { ...proposal, domain, confidence }, sample: 0.5 });
    expect(decide('blog', 0.85).decision).toBe('auto');
    expect(decide('blog', 0.75).decision).toBe('approval');
    expect(decide('ads', 0.85)).toMatchObject({ decision: 'blocked', reasons: ['domain "ads" is disabled in config'] });
  });

  it.each<[string, (input: GateInput) => GateInput]>([
    ['a NaN confidence', (i) => ({ ...i, proposal: { ...i.proposal, confidence: Number.NaN } })],
    ['a NaN estimated cost (would never block)', (i) => ({ ...i, proposal: { ...i.proposal, estimatedCostUsd: Number.NaN } })],
    ['a negative spend', (i) => ({ ...i, proposal: { ...i.proposal, spentTodayUsd: -1 } })],
    ['a sample of 1', (i) => ({ ...i, sample: 1 })],
    ['a learned threshold above 1', (i) => ({ ...i, learned: { confidenceThreshold: 1.5 } })],
    ['an infinite daily limit', (i) => ({ ...i, controls: { ...i.controls, dailySpendLimitUsd: Number.POSITIVE_INFINITY } })],
    ['an unknown mode', (i) => ({ ...i, mode: 'turbo' as Mode })],
  ])('refuses %s with SystemError(INTERNAL) instead of failing open', (_name, mutate) => {
    const bad = mutate(inputOf({ name: '', mode: 'full', decision: 'auto', reasons: [] }));
    expect(() => decideGate(bad)).toThrowError(SystemError);
    expect(() => decideGate(bad)).toThrowError(expect.objectContaining({ code: 'INTERNAL' }) as Error);
  });
});

describe('sampleFor', () => {
  it('is deterministic, in [0, 1), and depends on both task and action', () => {
    expect(sampleFor('task-1', 'publish')).toBe(sampleFor('task-1', 'publish'));
    expect(sampleFor('task-1', 'publish')).not.toBe(sampleFor('task-1', 'send'));
    expect(sampleFor('task-1', 'publish')).not.toBe(sampleFor('task-2', 'publish'));
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    expect(sampleFor('ab', 'c')).not.toBe(sampleFor('a', 'bc'));
  });

  it('spreads sequential task ids evenly over [0, 1)', () => {
    const n = 10_000;
    const buckets = Array.from({ length: 10 }, () => 0);
    let picked = 0;
    for (let i = 0; i < n; i++) {
      const s = sampleFor(`task-${i}`, 'publish');
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(1);
      buckets[Math.floor(s * 10)]! += 1;
      if (s * 100 < 5) picked += 1;
    }
    // ±10 % per decile, and a 5 % review rate lands within 4–6 %.
    for (const count of buckets) {
      expect(count).toBeGreaterThan(900);
      expect(count).toBeLessThan(1100);
    }
    expect(picked / n).toBeGreaterThan(0.04);
    expect(picked / n).toBeLessThan(0.06);
  });
});
