// The run logic: input that fails its schema never reaches the model; otherwise the model is
// called and its result returned.
import { describe, expect, it } from 'vitest';
import { SimulatedClock, createActor } from 'xstate';
import type { StructuredModel } from '../../../agents/client/types.js';
import { ModelCallError } from '../../../core/errors.js';
import { createAgentMachine } from '../../../machines/agent/agent-machine.js';
import { createCancelEvent, createRunEvent } from '../../../machines/agent/events.js';
import { runModel } from '../../../machines/run.js';
import { ScriptedModel } from '../../support/scripted-model.js';
import { answer, codeOf, flush, probeRequest, startAgent } from './harness.js';

describe('run logic', () => {
  it('returns the model result for valid input', async () => {
    const model = new ScriptedModel().result(answer('42'), { costUsd: 0.002 });
    const result = await runModel(model, probeRequest('t1:draft:0', 'meaning of life?'));
    expect({ output: result.output, costUsd: result.costUsd }).toEqual({ output: answer('42'), costUsd: 0.002 });
    expect(model.calls.map((c) => c.input)).toEqual([{ question: 'meaning of life?' }]);
    model.assertComplete();
  });

  it('rejects INVALID_INPUT without calling the model', async () => {
    const model = new ScriptedModel();
    await expect(runModel(model, probeRequest('t1:draft:0', { question: 42 }))).rejects.toMatchObject({ code: 'INVALID_INPUT', schema: 'probe.input' });
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

describe('agent runs', () => {
  it('end with one event type whatever their id, so XState memoises one transition list, not one per call', async () => {
    const model = new ScriptedModel().result(answer('a')).result(answer('b')).error(new ModelCallError('MODEL_OVERLOADED', 'busy', { retryable: true }));
    const clock = new SimulatedClock();
    const seen = new Set<string>();
    const actor = createActor(createAgentMachine({ model, clock }), {
      input: { kind: 'marketing' }, clock,
      inspect: (e) => { if (e.type === '@xstate.event' && e.actorRef === actor && (e.sourceRef as { id?: string } | undefined)?.id?.startsWith('run.') === true) seen.add(e.event.type); },
    });
    actor.start();
    for (const id of ['r1', 'r2', 'r3']) actor.send(createRunEvent(id, probeRequest(`${id}:draft:0`)));
    await flush();
    expect([...seen]).toEqual(['agent.settled']);
    actor.stop();
    model.assertComplete();
  });

  it('aborts the model call of a run that is cancelled', async () => {
    const signals: AbortSignal[] = [];
    const pending: StructuredModel = {
      offline: true,
      call: (req) => new Promise((_resolve, reject) => {
        if (req.signal) signals.push(req.signal);
        req.signal?.addEventListener('abort', () => reject(new ModelCallError('MODEL_ABORTED', 'aborted', { retryable: false })), { once: true });
      }),
      worstCaseCost: () => 0,
    };
    const h = startAgent(pending as ScriptedModel);
    h.run('slow');
    await flush();
    h.actor.send(createCancelEvent('slow'));
    await flush();
    expect({ aborted: signals.map((s) => s.aborted), code: codeOf(h.result('slow')), results: h.results().length }).toEqual({ aborted: [true], code: 'MODEL_ABORTED', results: 1 });
    h.actor.stop();
  });
});
