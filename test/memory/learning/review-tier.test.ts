import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LearningStore, reviewTier } from '../../../memory/learning/index.js';
import { config, outcome } from './helpers.js';

const approve = () => outcome({ reviewVerdicts: [{ kind: 'canon', verdict: 'approve' }] });
const reject = () => outcome({ reviewVerdicts: [{ kind: 'cultural', verdict: 'reject' }], finalStatus: 'rejected' });
const revise = () => outcome({ reviewVerdicts: [{ kind: 'canon', verdict: 'revise' }, { kind: 'canon', verdict: 'approve' }] });

/** Replays "A5 R A3": A approvals, V approvals after a revise, R rejections, F failures. */
function play(script: string): LearningStore {
  const store = new LearningStore({ window: 1000 });
  for (const [, kind, count] of script.matchAll(/([AVRF])(\d*)/g)) {
    const times = count === '' ? 1 : Number(count);
    for (let i = 0; i < times; i++) {
      if (kind === 'A') store.record(approve());
      else if (kind === 'V') store.record(revise());
      else if (kind === 'R') store.record(reject());
      else store.record(outcome({ finalStatus: 'failed' }));
    }
  }
  return store;
}

/** The tier from the full history; the store keeps only run lengths (review-runs.ts says why that is exact). */
function reference(events: boolean[], m: number): number {
  let tier = 1;
  let run = 0;
  for (const approved of events) {
    if (!approved) {
      tier = Math.max(1, tier - 1);
      run = 0;
      continue;
    }
    run += 1;
    if (run >= 3 * m) tier = 3;
    else if (run >= m) tier = Math.max(tier, 2);
  }
  return tier;
}

describe('reviewTier', () => {
  const m3 = config({ learning: { minEvidence: 3 } });
  it.each([
    ['nothing recorded', '', 1, 'config'],
    ['below min evidence', 'A2', 1, 'config'],
    ['failures do not count', 'A2 F9', 1, 'config'],
    ['m approvals in a row: established', 'A3', 2, 'learned'],
    ['3m approvals in a row: repeatable', 'A9', 3, 'learned'],
    ['one short of 3m', 'A8', 2, 'learned'],
    ['a rejection at tier 2 moves back to 1', 'A5 R', 1, 'learned'],
    ['a rejection at tier 3 moves back to 2', 'A9 R', 2, 'learned'],
    ['back at 2, a new run needs 3m again for 3', 'A9 R A8', 2, 'learned'],
    ['back at 2, 3m approvals reach 3 again', 'A9 R A9', 3, 'learned'],
    ['rejections only', 'R3', 1, 'learned'],
    ['a revise that ends completed still counts as an approval', 'V3', 2, 'learned'],
    ['many rejections later, history stays exact', 'A9 R A2 R A1 R R A9 R A3', 2, 'learned'],
    ['many short runs then a long one', 'R A1 R A1 R A1 R A1 R A3', 2, 'learned'],
  ] as const)('%s (%s) → tier %i from %s', (_name, script, tier, source) => {
    const t = reviewTier(play(script).state, m3, 'tweet');
    expect([t.value, t.source]).toEqual([tier, source]);
  });

  it('starts from reviews.defaultTier and demotes from it', () => {
    const c = config({ learning: { minEvidence: 3 }, reviews: { defaultTier: 2 } });
    expect(reviewTier(play('A').state, c, 'tweet').value).toBe(2);
    expect(reviewTier(play('A2 R').state, c, 'tweet')).toMatchObject({ value: 1, source: 'learned' });
    expect(reviewTier(play('A9').state, c, 'tweet').value).toBe(3);
  });

  it('keeps only three ended runs however many rejections there are', () => {
    const store = play('R A R A R A R A R A R A');
    expect(store.state.reviewRuns[0]).toMatchObject({ rejections: 6, approvals: 6, run: 1, endedRuns: [1, 1, 1] });
  });

  it('is pinned by reviews.tiers for that content type, and by learning.pin.reviewTiers for all', () => {
    const state = play('A9').state;
    expect(reviewTier(state, config({ learning: { minEvidence: 3 }, reviews: { tiers: { tweet: 1 } } }), 'tweet')).toMatchObject({
      value: 1,
      source: 'pinned',
      rule: 'pinned by reviews.tiers.tweet',
    });
    expect(reviewTier(state, config({ learning: { minEvidence: 3, pin: { reviewTiers: true } } }), 'tweet')).toMatchObject({ value: 1, source: 'pinned' });
  });

  it('matches a replay of the full history, though it keeps only three ended runs', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 3, maxLength: 120 }), fc.integer({ min: 1, max: 6 }), (events, m) => {
        const store = new LearningStore({ window: 10 });
        for (const ok of events) store.record(ok ? approve() : reject());
        const c = config({ learning: { minEvidence: m } });
        expect(reviewTier(store.state, c, 'tweet').value).toBe(events.length >= m ? reference(events, m) : 1);
      }),
      { numRuns: 300 },
    );
  });

  it('explains itself with evidence and the rule', () => {
    const t = reviewTier(play('A9 R A4').state, m3, 'tweet');
    expect(t).toEqual({
      key: 'reviewTier:tweet',
      value: 2,
      source: 'learned',
      evidence: { n: 14, approvals: 13, rejections: 1, approvalsInRow: 4 },
      rule: 'from reviews.defaultTier 1: 3 approvals in a row (no rejection) reach tier 2, 9 reach tier 3; a rejection moves the tier back one step and starts a new run',
    });
  });

  it('falls back to config when learning is disabled', () => {
    expect(reviewTier(play('A9').state, config({ learning: { minEvidence: 3, enabled: false } }), 'tweet')).toMatchObject({ value: 1, source: 'config' });
  });
});
