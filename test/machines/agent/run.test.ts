// The run logic: input that fails its schema never reaches the model; otherwise the model is
// called with the actor's abort signal and its result returned.
import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { createRunLogic } from '../../../machines/run.js';
import { ScriptedModel } from '../../support/scripted-model.js';
import { answer, codeOf, probeRequest, startAgent } from './harness.js';

describe('run logic', () => {
  it('returns the model result for valid input', async () => {
    const model = new ScriptedModel().result(answer('42'), { costUsd: 0.002 });
    const run = createActor(createRunLogic(model), { input: probeRequest('t1:draft:0', 'meaning of life?') }).start();
    const result = await toPromise(run);
    expect({ output: result.output, costUsd: result.costUsd }).toEqual({ output: answer('42'), costUsd: 0.002 });
    expect(model.calls.map((c) => c.input)).toEqual([{ question: 'meaning of life?' }]);
    model.assertComplete();
  });

  it('rejects INVALID_INPUT without calling the model', async () => {
    const model = new ScriptedModel();
    const run = createActor(createRunLogic(model), { input: probeRequest('t1:draft:0', { question: 42 }) }).start();
    await expect(toPromise(run)).rejects.toMatchObject({ code: 'INVALID_INPUT', schema: 'probe.input' });
    expect(model.calls).toEqual([]);
    model.assertComplete();
  });
});

describe('agent with invalid input', () => {
  it('fails the request with INVALID_INPUT, never calls the model, and leaves the breaker alone', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model, { input: { breaker: { failureThreshold: 1 } } });
    h.run('bad', 'P1', probeRequest('task-9:draft:0', { question: '', extra: true }));
    await new Promise((resolve) => setImmediate(resolve));
    const r = h.result('bad');
    expect(codeOf(r)).toBe('INVALID_INPUT');
    expect(r && !r.ok ? r.error : null).toMatchObject({ retryable: false, details: { schema: 'probe.input' } });
    expect(model.calls).toEqual([]);
    // the caller's mistake says nothing about the API: no breaker change, but it is journaled
    expect(h.breakerStates()).toEqual([]);
    const failed = h.emitted.find((e) => e.type === 'agent.failed');
    expect(failed).toMatchObject({ agent: 'marketing', taskId: 'task-9', code: 'INVALID_INPUT' });
    expect(h.errors).toEqual([]);
    model.assertComplete();
    h.actor.stop();
  });
});
