// Mailbox and concurrency: the per-agent limit, priority order, AGENT_BUSY, replies routed by
// request id, pause/resume and cancellation.
import { describe, expect, it } from 'vitest';
import { createCancelEvent, createPauseEvent, createResumeEvent } from '../../../machines/agent/events.js';
import type { AgentResult } from '../../../machines/agent/events.js';
import { ScriptedModel } from '../../support/scripted-model.js';
import type { Deferred } from '../../support/scripted-model.js';
import { answer, codeOf, finish, flush, startAgent } from './harness.js';


const outputOf = (r: AgentResult | undefined): unknown => (r?.ok ? (r.result.output as { answer: string }).answer : r);

describe('agent mailbox and concurrency', () => {
  it('runs at most `concurrency` calls at once; all complete, each result under its own request id', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model, { input: { concurrency: 2 } });
    const steps: Deferred[] = Array.from({ length: 5 }, () => model.deferred());
    const ids = ['r0', 'r1', 'r2', 'r3', 'r4'];
    for (const id of ids) h.run(id);
    expect(model.calls).toHaveLength(2);
    // settle out of order: the second call first
    for (const i of [1, 0, 2, 4, 3]) {
      await flush();
      const step = steps[i];
      if (!step?.started) throw new Error(`step ${i} did not start`);
      step.resolve(answer(`answer ${ids[i]}`));
      await flush();
      expect(model.inFlight).toBeLessThanOrEqual(2);
    }
    expect(model.maxInFlight).toBe(2);
    expect(ids.map((id) => outputOf(h.result(id)))).toEqual(ids.map((id) => `answer ${id}`));
    expect(h.actor.getSnapshot().context.inFlight).toEqual([]);
    finish(h, model);
  });

  it('starts queued work by priority, P0 first, FIFO within a priority', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model, { input: { concurrency: 1 } });
    const first = model.deferred();
    for (let i = 0; i < 5; i++) model.result(answer('ok'));
    h.run('busy', 'P2');
    h.run('p3', 'P3');
    h.run('p2-a', 'P2');
    h.run('p0', 'P0');
    h.run('p2-b', 'P2');
    h.run('p1', 'P1');
    first.resolve(answer('ok'));
    for (let i = 0; i < 6; i++) await flush();
    expect(model.calls.map((c) => c.stepKey)).toEqual(['busy', 'p0', 'p1', 'p2-a', 'p2-b', 'p3']);
    expect(h.results().every((r) => r.ok)).toBe(true);
    finish(h, model);
  });

  it('refuses with AGENT_BUSY when the mailbox is full, and with CONFLICT on a duplicate id', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model, { input: { concurrency: 1, mailbox: 2 } });
    const running = model.deferred();
    model.result(answer('q1')).result(answer('q2'));
    h.run('running');
    h.run('q1');
    h.run('q2');
    h.run('overflow');
    h.run('q1');
    expect(codeOf(h.result('overflow'))).toBe('AGENT_BUSY');
    expect(h.results().map((r) => [r.requestId, codeOf(r)])).toEqual([['overflow', 'AGENT_BUSY'], ['q1', 'CONFLICT']]);
    running.resolve(answer('done'));
    for (let i = 0; i < 3; i++) await flush();
    expect(model.calls.map((c) => c.stepKey)).toEqual(['running', 'q1', 'q2']);
    finish(h, model);
  });

  it('keeps queueing while paused, starts nothing, and resumes', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model);
    h.actor.send(createPauseEvent());
    h.run('a');
    await flush();
    expect(model.calls).toHaveLength(0);
    expect(h.actor.getSnapshot().context.mailbox.map((q) => q.requestId)).toEqual(['a']);
    model.result(answer('a'));
    h.actor.send(createResumeEvent());
    await flush();
    expect(codeOf(h.result('a'))).toBe('ok');
    finish(h, model);
  });

  it('cancels queued and running requests with MODEL_ABORTED; a cancelled run never reports', async () => {
    const model = new ScriptedModel();
    const h = startAgent(model, { input: { concurrency: 1 } });
    const running = model.deferred();
    h.run('running');
    h.run('queued');
    h.actor.send(createCancelEvent('queued'));
    h.actor.send(createCancelEvent('running'));
    await flush();
    expect(h.results().map((r) => [r.requestId, codeOf(r)])).toEqual([['queued', 'MODEL_ABORTED'], ['running', 'MODEL_ABORTED']]);
    expect(model.calls.map((c) => c.stepKey)).toEqual(['running']);
    expect(running.started).toBe(true);
    const { stats, inFlight, mailbox } = h.actor.getSnapshot().context;
    expect({ cancelled: stats.cancelled, failures: stats.failures, inFlight, mailbox }).toEqual({ cancelled: 2, failures: 0, inFlight: [], mailbox: [] });
    finish(h, model);
  });
});
