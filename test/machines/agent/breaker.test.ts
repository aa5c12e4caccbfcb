import { describe, expect, it } from 'vitest';
import { admits, initialBreaker, recentErrorRate, stepBreaker } from '../../../machines/agent/breaker.js';
import type { Breaker, BreakerConfig, BreakerInput } from '../../../machines/agent/breaker.js';

const cfg: BreakerConfig = { failureThreshold: 2, cooldownMs: 1_000, windowSize: 4 };
const closed = (failures = 0): Breaker => ({ ...initialBreaker, failures });
const open = (openedAt = 100): Breaker => ({ ...initialBreaker, status: 'open', failures: 2, openedAt });
const half = (probeId: string | null = 'p'): Breaker => ({ ...initialBreaker, status: 'half_open', failures: 2, openedAt: 100, probeId });
const pick = (b: Breaker) => ({ status: b.status, failures: b.failures, openedAt: b.openedAt, probeId: b.probeId });

describe('stepBreaker', () => {
  const rows: Array<[string, Breaker, BreakerInput, ReturnType<typeof pick>]> = [
    ['closed: a failure counts', closed(), { type: 'failure', requestId: 'a', now: 5 }, { status: 'closed', failures: 1, openedAt: null, probeId: null }],
    ['closed: threshold reached opens', closed(1), { type: 'failure', requestId: 'a', now: 5 }, { status: 'open', failures: 2, openedAt: 5, probeId: null }],
    ['closed: a success resets the count', closed(1), { type: 'success', requestId: 'a' }, { status: 'closed', failures: 0, openedAt: null, probeId: null }],
    ['closed: admit changes nothing', closed(1), { type: 'admit', requestId: 'a', now: 5 }, { status: 'closed', failures: 1, openedAt: null, probeId: null }],
    ['open: admit before cooldown is a no-op', open(), { type: 'admit', requestId: 'p', now: 1_099 }, { status: 'open', failures: 2, openedAt: 100, probeId: null }],
    ['open: admit after cooldown lets one probe through', open(), { type: 'admit', requestId: 'p', now: 1_100 }, { status: 'half_open', failures: 2, openedAt: 100, probeId: 'p' }],
    ['open: a late failure does not extend the cooldown', open(), { type: 'failure', requestId: 'old', now: 900 }, { status: 'open', failures: 2, openedAt: 100, probeId: null }],
    ['open: a late success does not close it', open(), { type: 'success', requestId: 'old' }, { status: 'open', failures: 2, openedAt: 100, probeId: null }],
    ['half_open: probe success closes', half(), { type: 'success', requestId: 'p' }, { status: 'closed', failures: 0, openedAt: null, probeId: null }],
    ['half_open: probe failure reopens', half(), { type: 'failure', requestId: 'p', now: 2_000 }, { status: 'open', failures: 2, openedAt: 2_000, probeId: null }],
    ['half_open: a non-probe success is ignored', half(), { type: 'success', requestId: 'old' }, { status: 'half_open', failures: 2, openedAt: 100, probeId: 'p' }],
    ['half_open: a non-probe failure is ignored', half(), { type: 'failure', requestId: 'old', now: 2_000 }, { status: 'half_open', failures: 2, openedAt: 100, probeId: 'p' }],
    ['half_open: second admit while probing is a no-op', half(), { type: 'admit', requestId: 'q', now: 5_000 }, { status: 'half_open', failures: 2, openedAt: 100, probeId: 'p' }],
    ['half_open: releasing the probe frees the slot', half(), { type: 'release', requestId: 'p' }, { status: 'half_open', failures: 2, openedAt: 100, probeId: null }],
    ['half_open: a free slot takes the next probe', half(null), { type: 'admit', requestId: 'q', now: 5_000 }, { status: 'half_open', failures: 2, openedAt: 100, probeId: 'q' }],
  ];
  it.each(rows)('%s', (_name, from, input, expected) => {
    expect(pick(stepBreaker(from, input, cfg))).toEqual(expected);
  });

  it('admits: closed always, open only after the cooldown, half_open only without a probe', () => {
    expect([admits(closed(), 0, cfg), admits(open(), 1_099, cfg), admits(open(), 1_100, cfg), admits(half(), 9_999, cfg), admits(half(null), 0, cfg)])
      .toEqual([true, false, true, false, true]);
  });
});

describe('recentErrorRate', () => {
  it('is the failure share of the last windowSize results', () => {
    const inputs: BreakerInput[] = [
      { type: 'failure', requestId: 'a', now: 0 },
      { type: 'success', requestId: 'b' },
      { type: 'success', requestId: 'c' },
      { type: 'success', requestId: 'd' },
      { type: 'failure', requestId: 'e', now: 0 },
    ];
    const rates: number[] = [];
    let b = initialBreaker;
    for (const input of inputs) {
      b = stepBreaker(b, input, { ...cfg, failureThreshold: 99 });
      rates.push(recentErrorRate(b));
    }
    // the first failure slides out of the 4-wide window at the fifth result
    expect(rates).toEqual([1, 0.5, 1 / 3, 0.25, 0.25]);
    expect(recentErrorRate(initialBreaker)).toBe(0);
  });
});
