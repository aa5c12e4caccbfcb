import { describe, expect, it } from 'vitest';
import { runLearningSim } from '../../../bench/learning-sim.js';

describe('learning simulation (semi-auto)', () => {
  it('after warm-up, needs a person for at most 10% and wrongly auto-approves at most 2%', () => {
    const r = runLearningSim({ seed: 1 });
    expect(r.before.threshold).toBe(0.8);
    expect(r.before.neededPerson).toBeGreaterThan(0.2);
    expect(r.after.threshold).toBe(0.62);
    expect(r.learned.source).toBe('learned');
    expect(r.after.neededPerson).toBeLessThanOrEqual(0.1);
    expect(r.after.wronglyAuto).toBeLessThanOrEqual(0.02);
    expect(r.targetMet).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const a = runLearningSim({ seed: 7, actions: 1000 });
    const b = runLearningSim({ seed: 7, actions: 1000 });
    expect({ ...a, elapsedMs: 0 }).toEqual({ ...b, elapsedMs: 0 });
  });
});
