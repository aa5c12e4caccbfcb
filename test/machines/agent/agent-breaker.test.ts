// The breaker through the actor: failures open it, open refuses without calling the model,
// the cooldown (on the injected clock) lets exactly one probe through, the probe decides.
import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../../../core/errors.js';
import { check } from '../../../schemas/registry.js';
import { ScriptedModel } from '../../support/scripted-model.js';
import { answer, codeOf, finish, flush, startAgent } from './harness.js';
import type { Harness } from './harness.js';

const overloaded = () => new ModelCallError('MODEL_OVERLOADED', 'overloaded', { retryable: true, status: 529 });
const breaker = { failureThreshold: 2, cooldownMs: 1_000 };


async function openIt(model: ScriptedModel, h: Harness): Promise<void> {
  model.error(overloaded()).error(overloaded());
  h.run('a');
  h.run('b');
  await flush();
  expect(h.breakerStates()).toEqual(['open']);
}

describe('agent breaker', () => {
  it('opens after repeated failures, refuses while open without calling the model, closes on a good probe', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model, { input: { breaker } });
    await openIt(model, h);
    expect([codeOf(h.result('a')), codeOf(h.result('b'))]).toEqual(['MODEL_OVERLOADED', 'MODEL_OVERLOADED']);

    h.clock.increment(999);
    h.run('c');
    expect(codeOf(h.result('c'))).toBe('BREAKER_OPEN');
    expect(model.calls).toHaveLength(2);

    h.clock.increment(1);
    model.result(answer('probe ok'));
    h.run('probe');
    await flush();
    expect(codeOf(h.result('probe'))).toBe('ok');
    expect(h.breakerStates()).toEqual(['open', 'half_open', 'closed']);
    expect(model.calls.map((c) => c.stepKey)).toEqual(['a', 'b', 'probe']);
    expect(h.actor.getSnapshot().context.breaker.status).toBe('closed');
    // emitted in the journal's shape, so the supervisor can append them as they are
    const journaled = h.emitted.filter((e) => e.type !== 'agent.result');
    expect(journaled.map((e) => e.type)).toEqual(['agent.failed', 'agent.failed', 'agent.breaker', 'agent.breaker', 'agent.breaker']);
    expect(journaled.flatMap((e) => check('events', e))).toEqual([]);
    finish(h, model);
  });

  it('lets exactly one probe through in half_open, and a failed probe reopens it', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model, { input: { breaker } });
    await openIt(model, h);
    h.clock.increment(1_000);
    const probe = model.deferred();
    h.run('probe');
    h.run('second');
    expect(codeOf(h.result('second'))).toBe('BREAKER_OPEN');
    expect(probe.started).toBe(true);

    probe.reject(overloaded());
    await flush();
    expect(codeOf(h.result('probe'))).toBe('MODEL_OVERLOADED');
    expect(h.breakerStates()).toEqual(['open', 'half_open', 'open']);
    // the cooldown restarts from the failed probe
    h.clock.increment(999);
    h.run('too-soon');
    expect(codeOf(h.result('too-soon'))).toBe('BREAKER_OPEN');
    expect(model.calls).toHaveLength(3);
    finish(h, model);
  });

  it('refuses the queued work when it opens; a late success of an older run does not close it', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model, { input: { breaker: { failureThreshold: 1, cooldownMs: 1_000 }, concurrency: 2 } });
    const first = model.deferred();
    const second = model.deferred();
    h.run('a');
    h.run('b');
    h.run('queued');
    first.reject(overloaded());
    await flush();
    expect(codeOf(h.result('queued'))).toBe('BREAKER_OPEN');
    second.resolve(answer('late'));
    await flush();
    expect(codeOf(h.result('b'))).toBe('ok');
    expect(h.breakerStates()).toEqual(['open']);
    expect(model.calls.map((c) => c.stepKey)).toEqual(['a', 'b']);
    const failed = h.emitted.filter((e) => e.type === 'agent.failed');
    expect(failed.map((e) => ({ agent: e.agent, code: e.code, taskId: e.taskId }))).toEqual([
      { agent: 'marketing', code: 'MODEL_OVERLOADED', taskId: undefined },
    ]);
    expect(h.actor.getSnapshot().context.stats.refused).toBe(1);
    finish(h, model);
  });
});
