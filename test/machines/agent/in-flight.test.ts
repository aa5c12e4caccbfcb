// The global in-flight pool: the token count is never exceeded, waiters are served in order
// and woken on a microtask, and two agents sharing one pool never exceed it in total.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createInFlightLimit } from '../../../machines/agent/in-flight.js';
import { ScriptedModel } from '../../support/scripted-model.js';
import { answer, flush, probeRequest, startAgent } from './harness.js';
import type { Harness } from './harness.js';

describe('createInFlightLimit', () => {
  it('grants up to the limit, queues waiters first come first served, wakes them on a microtask', async () => {
    const pool = createInFlightLimit(2);
    const woken: string[] = [];
    pool.onAvailable('a', () => woken.push('a'));
    pool.onAvailable('b', () => woken.push('b'));
    expect([pool.tryAcquire('a'), pool.tryAcquire('a'), pool.tryAcquire('b'), pool.tryAcquire('a')]).toEqual([true, true, false, false]);
    expect(pool.waiters).toEqual(['b', 'a']);
    pool.release('a');
    expect(woken).toEqual([]); // not synchronously
    await Promise.resolve();
    expect(woken).toEqual(['b', 'a']);
    // one token free: it is b's (first in line), not a's
    expect([pool.tryAcquire('a'), pool.tryAcquire('b'), pool.inUse]).toEqual([false, true, 2]);
    expect(pool.waiters).toEqual(['a']);
  });

  it('setLimit, withdraw and reconcile', () => {
    const pool = createInFlightLimit(1);
    expect(pool.tryAcquire('a')).toBe(true);
    expect(pool.tryAcquire('b')).toBe(false);
    pool.withdraw('b');
    expect(pool.waiters).toEqual([]);
    pool.setLimit(3);
    expect([pool.tryAcquire('b'), pool.tryAcquire('b'), pool.tryAcquire('c')]).toEqual([true, true, false]);
    // a restored agent re-aligns what it holds with what it really runs
    pool.reconcile('a', 0);
    expect(pool.inUse).toBe(2);
    pool.release('x'); // releasing what was never held cannot go below zero
    expect(pool.inUse).toBe(2);
    pool.setLimit(1);
    pool.withdraw('c');
    expect(pool.tryAcquire('c')).toBe(false);
  });
});

const inFlight = (h: Harness): number => h.actor.getSnapshot().context.inFlight.length;

describe('two agents sharing the pool', () => {
  it('never has more than the global limit in flight, and serves the waiting agent when a token frees', async () => {
    const model = new ScriptedModel();
    const pool = createInFlightLimit(3);
    const clock = new SimulatedClock();
    const marketing = startAgent(model, { clock, inFlight: pool, input: { kind: 'marketing', concurrency: 2 } });
    const sales = startAgent(model, { clock, inFlight: pool, input: { kind: 'sales', concurrency: 2 } });
    const steps = Array.from({ length: 8 }, () => model.deferred());
    for (let i = 0; i < 4; i++) {
      marketing.run(`m${i}`, 'P2', probeRequest(`m${i}`, 'q', 'marketing'));
      sales.run(`s${i}`, 'P2', probeRequest(`s${i}`, 'q', 'sales'));
    }
    expect([inFlight(marketing), inFlight(sales), pool.inUse]).toEqual([2, 1, 3]);
    expect(pool.waiters).toEqual(['sales']);

    // marketing frees a token: it goes to sales, which was waiting, not back to marketing
    steps[0]?.resolve(answer('m0'));
    await flush();
    expect([inFlight(marketing), inFlight(sales), pool.inUse]).toEqual([1, 2, 3]);

    for (let i = 1; i < 8; i++) {
      const step = steps[i];
      if (!step?.started) throw new Error(`step ${i} did not start`);
      step.resolve(answer(`answer ${i}`));
      await flush();
      expect(pool.inUse).toBeLessThanOrEqual(3);
      expect(model.inFlight).toBeLessThanOrEqual(3);
    }
    expect(model.maxInFlight).toBe(3);
    expect([...marketing.results(), ...sales.results()].filter((r) => r.ok)).toHaveLength(8);
    expect([pool.inUse, pool.waiters]).toEqual([0, []]);
    expect([...marketing.errors, ...sales.errors]).toEqual([]);
    model.assertComplete();
    marketing.actor.stop();
    sales.actor.stop();
  });
});
