// Reliability plan test 16 (budget race): many tasks share one budget while fc.scheduler
// interleaves their reservations, model calls and settlements. A plain model of the ledger
// (integer micro-dollars) says what every reserve must answer; the invariant is checked after
// every scheduled step. fast-check prints the seed and the schedule on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { BudgetLedger } from '../../machines/ledger.js';

interface Step {
  estimateMicros: number;
  /** actual = estimate × permille / 1000, so actual ≤ estimate. */
  actualPermille: number;
  outcome: 'settle' | 'rerun' | 'release';
}

const stepArb = (maxEstimateMicros: number): fc.Arbitrary<Step> =>
  fc.record({
    estimateMicros: fc.integer({ min: 0, max: maxEstimateMicros }),
    actualPermille: fc.integer({ min: 0, max: 1000 }),
    outcome: fc.constantFrom<Step['outcome']>('settle', 'settle', 'rerun', 'release'),
  });

/** What the ledger should hold, kept the simplest way. */
class Model {
  spent = 0;
  settledTotal = 0;
  readonly held = new Map<string, { taskId: string; estimate: number }>();
  readonly taskSpent = new Map<string, number>();

  constructor(
    readonly limit: number,
    readonly cap: number,
  ) {}

  reserved(taskId?: string): number {
    let sum = 0;
    for (const h of this.held.values()) if (taskId === undefined || h.taskId === taskId) sum += h.estimate;
    return sum;
  }

  fits(taskId: string, estimate: number): boolean {
    const day = this.spent + this.reserved() + estimate <= this.limit;
    return day && (this.taskSpent.get(taskId) ?? 0) + this.reserved(taskId) + estimate <= this.cap;
  }

  settle(id: string, actual: number): void {
    const h = this.held.get(id);
    if (!h) throw new Error(`model: ${id} not held`);
    this.held.delete(id);
    this.spent += actual;
    this.settledTotal += actual;
    this.taskSpent.set(h.taskId, (this.taskSpent.get(h.taskId) ?? 0) + actual);
  }
}

interface Tally {
  ok: number;
  refused: number;
}

async function race(s: fc.Scheduler, tasks: Step[][], limit: number, cap: number, tally: Tally): Promise<void> {
  const clock = new SimulatedClock();
  clock.set(Date.UTC(2025, 5, 1, 12));
  const ledger = new BudgetLedger({ clock, limits: { dailySpendLimitUsd: limit / 1e6, perTaskCapUsd: cap / 1e6 } });
  const model = new Model(limit, cap);

  const check = (): void => {
    const v = ledger.view();
    expect(v.spentUsd + v.reservedUsd).toBeLessThanOrEqual(v.limitUsd + 1e-9);
    expect(Math.round(v.spentUsd * 1e6)).toBe(model.spent);
    expect(Math.round(v.reservedUsd * 1e6)).toBe(model.reserved());
  };

  const call = async (taskId: string, id: string, step: Step): Promise<void> => {
    await s.schedule(Promise.resolve(), `start ${id}`);
    const expected = model.fits(taskId, step.estimateMicros);
    const result = ledger.reserve({ reservationId: id, taskId, agent: 'marketing', estimateUsd: step.estimateMicros / 1e6 });
    expect(result.ok).toBe(expected);
    if (!result.ok) {
      tally.refused += 1;
      return;
    }
    tally.ok += 1;
    model.held.set(id, { taskId, estimate: step.estimateMicros });
    check();
    await s.schedule(Promise.resolve(), `model call ${id}`);
    if (step.outcome === 'release') {
      ledger.release(id);
      model.held.delete(id);
    } else {
      const actual = Math.floor((step.estimateMicros * step.actualPermille) / 1000);
      ledger.settle(id, actual / 1e6, { rerun: step.outcome === 'rerun' });
      model.settle(id, actual);
    }
    check();
  };

  // Each task runs its calls one after another; tasks run concurrently.
  const runs = tasks.map(async (steps, t) => {
    for (const [i, step] of steps.entries()) await call(`task-${t}`, `task-${t}/call-${i}`, step);
  });
  // The wait-level act runs the check after every step the scheduler releases.
  await s.waitFor(Promise.all(runs), async (step) => {
    await step();
    check();
  });

  check();
  const v = ledger.view();
  expect(v.reservedUsd).toBe(0);
  // Everything settled is charged, to the micro-dollar, and nothing else.
  expect(Math.round(v.spentUsd * 1e6)).toBe(model.settledTotal);
}

describe('BudgetLedger under concurrent reservations (fc.scheduler)', () => {
  it('keeps spent + reserved ≤ limit at every step and charges exactly the actual costs', async () => {
    const tally: Tally = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.array(stepArb(400_000), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 3_000_000 }),
        fc.integer({ min: 0, max: 1_500_000 }),
        async (s, tasks, limit, cap) => race(s, tasks, limit, cap, tally),
      ),
      { numRuns: 300 },
    );
    // The property is not vacuous: both answers happened.
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(0);
  });

  it('200 concurrent tasks share one $5 budget (reliability plan test 16)', async () => {
    const tally: Tally = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.array(stepArb(100_000), { minLength: 1, maxLength: 2 }), { minLength: 200, maxLength: 200 }),
        async (s, tasks) => race(s, tasks, 5_000_000, 1_000_000, tally),
      ),
      { numRuns: 200 },
    );
    expect(tally.refused).toBeGreaterThan(0);
  }, 180_000); // CPU-bound (about 20 s alone): a loaded machine must not fail it by the clock
});
