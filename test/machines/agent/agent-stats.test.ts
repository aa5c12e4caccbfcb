// Stats counted by the actor on the injected clock, and snapshots that persist with runs in
// flight and restore (the in-flight call is re-executed, as XState documents).
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { ModelCallError } from '../../../core/errors.js';
import { createAgentMachine } from '../../../machines/agent/agent-machine.js';
import type { AgentEmitted } from '../../../machines/agent/events.js';
import { utilization } from '../../../machines/agent/stats.js';
import { ScriptedModel } from '../../support/scripted-model.js';
import { answer, flush, startAgent } from './harness.js';

describe('agent stats', () => {
  it('counts calls, successes, failures and cost; utilization follows the injected clock', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model, { input: { concurrency: 2 } });
    const slow = model.deferred();
    h.run('a');
    h.clock.increment(100);
    model.error(new ModelCallError('MODEL_TIMEOUT', 'timed out', { retryable: true }));
    h.run('b');
    await flush();
    h.clock.increment(100);
    slow.resolve(answer('a'), { costUsd: 0.25 });
    await flush();
    h.clock.increment(200);

    const { stats } = h.actor.getSnapshot().context;
    expect(stats).toMatchObject({
      calls: 2, successes: 1, failures: 1, cancelled: 0, refused: 0, costUsd: 0.25,
      busyMs: 200, busySince: null, runMs: 200,
      lastError: { code: 'MODEL_TIMEOUT', message: 'timed out', at: 100 },
    });
    // busy 200 of 400 ms since the agent started
    expect(utilization(stats, h.clock.now())).toBe(0.5);
    expect(h.errors).toEqual([]);
    model.assertComplete();
    h.actor.stop();
  });
});

describe('agent snapshots', () => {
  it('persist with runs in flight, and a restored agent re-runs them and starts its queue', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model, { input: { concurrency: 2 } });
    model.deferred();
    model.deferred();
    h.run('a', 'P1');
    h.run('b', 'P1');
    h.run('c', 'P3');

    const persisted = h.actor.getPersistedSnapshot();
    const saved: unknown = JSON.parse(JSON.stringify(persisted));
    expect(saved).toMatchObject({
      status: 'active',
      context: { inFlight: [{ requestId: 'a' }, { requestId: 'b' }], mailbox: [{ requestId: 'c' }] },
      children: { 'run.a': { src: 'run' }, 'run.b': { src: 'run' }, inFlightWatch: { src: 'inFlightWatch' } },
    });
    h.actor.stop(); // aborts the two deferred calls

    model.result(answer('a again')).result(answer('b again')).result(answer('c'));
    const restored = createActor(createAgentMachine({ model, clock: h.clock }), {
      input: { kind: 'marketing' }, // ignored on restore, but the machine's input type wants it
      snapshot: saved as typeof persisted,
      clock: h.clock,
    });
    const results: AgentEmitted[] = [];
    restored.on('agent.result', (e) => results.push(e));
    const errors: unknown[] = [];
    restored.subscribe({ error: (err) => errors.push(err) });
    restored.start();
    for (let i = 0; i < 3; i++) await flush();

    expect(results.map((r) => (r.type === 'agent.result' ? [r.requestId, r.ok] : null))).toEqual([['a', true], ['b', true], ['c', true]]);
    expect(model.calls.map((c) => c.stepKey)).toEqual(['a', 'b', 'a', 'b', 'c']);
    expect(errors).toEqual([]);
    model.assertComplete();
    restored.stop();
  });
});
