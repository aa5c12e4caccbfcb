// Healing (DESIGN §2, §4): a failed step becomes an incident for the healer; its remedy is
// applied only within policy (severity threshold, manual mode asks first), and restarts are
// bounded: past healing.restartIntensity in restartPeriodSeconds the task fails and a person
// is told. The failures are real API failures through the SDK (529s, answers that are not JSON).
import { describe, expect, it } from 'vitest';
import { scenarios } from '../harness.js';
import type { HarnessOptions, Responder } from '../harness.js';
import { NOT_JSON, OVERLOADED, brief, draft, heal, review } from '../replies.js';

const start = scenarios();

/** Marketing fails `failures` times with `failure`, then drafts. */
function failingDrafts(failures: number, failure = OVERLOADED): Responder {
  let seen = 0;
  return () => (++seen <= failures ? failure : draft());
}

async function contentTask(opts: HarnessOptions) {
  const h = await start(opts);
  const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
  return { h, task, view: await h.final(task.id) };
}

describe('a healer remedy applied', () => {
  it('retry: an overloaded API call is retried and the task completes', async () => {
    const { h, task, view } = await contentTask({ responders: { marketing: failingDrafts(1), healer: () => heal('retry', 0.7) } });

    expect(view.status).toBe('completed');
    expect(h.events('step.failed', task.id)).toMatchObject([{ agent: 'marketing', code: 'MODEL_OVERLOADED' }]);
    expect(h.events('heal.requested', task.id)).toMatchObject([{ kind: 'agent_failure', agent: 'marketing' }]);
    expect(h.events('heal.applied')).toMatchObject([{ remedy: 'retry', severity: 0.7, by: 'policy' }]);
    const [incident] = h.callsOf('healer').map((c) => c.input['incident'] as { agent: string; error: { code: string } });
    expect(incident).toMatchObject({ agent: 'marketing', error: { code: 'MODEL_OVERLOADED' } });
    expect(h.callsOf('marketing')).toHaveLength(2);
  });

  it('switch_model: an invalid answer after repairs is retried on the model the healer names', async () => {
    const { h, task, view } = await contentTask({
      responders: { marketing: (call) => (call.model === 'claude-opus-5-5' ? draft() : NOT_JSON), healer: () => heal('switch_model', 0.6, { model: 'claude-opus-5-5' }) },
    });

    expect(view.status).toBe('completed');
    expect(h.events('step.failed', task.id)).toMatchObject([{ agent: 'marketing', code: 'INVALID_OUTPUT' }]);
    expect(h.events('heal.requested', task.id)).toMatchObject([{ kind: 'invalid_output' }]);
    expect(h.events('heal.applied')).toMatchObject([{ remedy: 'switch_model', severity: 0.6 }]);
    expect(h.callsOf('marketing').map((c) => [c.model, c.round])).toEqual([
      ['claude-sonnet-5-5', 0],
      ['claude-sonnet-5-5', 1],
      ['claude-opus-5-5', 0],
    ]);
    expect(h.callsOf('reviewer').map((c) => c.model)).toEqual(['claude-sonnet-5-5', 'claude-sonnet-5-5']);
  });

  it('switch_model: a model outside the configured tiers is not taken; the next configured tier is', async () => {
    const { h, view } = await contentTask({
      config: { prices: { 'claude-fable-9': { input: 500, output: 2500 } } },
      responders: { marketing: (call) => (call.model === 'claude-opus-5-5' ? draft() : NOT_JSON), healer: () => heal('switch_model', 0.6, { model: 'claude-fable-9' }) },
    });

    expect(view.status).toBe('completed');
    expect(h.callsOf('marketing').map((c) => c.model)).toEqual(['claude-sonnet-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5']);
    expect(h.callsOf('marketing').map((c) => c.model)).not.toContain('claude-fable-9');
  });

  it('retry_with_backoff: the retry waits for the delay on the clock', async () => {
    const h = await start({ responders: { marketing: failingDrafts(1), healer: () => heal('retry_with_backoff', 0.5, { delayMs: 30_000 }) } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
    const due = h.clock.now() + 30_000;
    await h.settle(() => h.clock.armedAt(due), 'the backoff timer');

    await h.advance(29_999);
    expect(h.callsOf('marketing')).toHaveLength(1);
    await h.advance(1);
    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(h.callsOf('marketing')).toHaveLength(2);
    expect(h.events('heal.applied')).toMatchObject([{ remedy: 'retry_with_backoff' }]);
  });

  it('heals a failed parallel review as a reviewer failure, without reviewing twice', async () => {
    let failed = false;
    const reviewer: Responder = (call) => {
      if (call.input['focus'] !== 'cultural' || failed) return review('approve');
      failed = true;
      return OVERLOADED;
    };
    const { h, task, view } = await contentTask({ responders: { reviewer, healer: () => heal('retry', 0.7) } });

    expect(view.status).toBe('completed');
    expect(h.events('heal.requested', task.id)).toMatchObject([{ agent: 'reviewer' }]);
    expect(view.reviews.map((r) => `${r.round}:${r.kind}`).sort()).toEqual(['1:canon', '1:coordinator', '1:cultural']);
    const reviews = h.callsOf('coordinator')[0]?.input['reviews'] as { kind: string }[];
    expect(reviews.map((r) => r.kind).sort()).toEqual(['canon', 'cultural']);
  });
});

describe('a healer remedy refused by policy', () => {
  it('severity below healing.severityThreshold: refused, and the task fails', async () => {
    const { h, task, view } = await contentTask({
      config: { healing: { severityThreshold: 0.3 } },
      responders: { marketing: failingDrafts(1), healer: () => heal('retry', 0.1) },
    });

    expect(view.status).toBe('failed');
    expect(h.events('heal.refused')).toMatchObject([{ remedy: 'retry', severity: 0.1, reason: 'severity 0.10 is below the threshold 0.30' }]);
    expect(h.events('heal.applied')).toEqual([]);
    expect(h.events('task.failed', task.id)).toMatchObject([{ message: 'healer remedy retry refused: severity 0.10 is below the threshold 0.30' }]);
    expect(h.callsOf('marketing')).toHaveLength(1);
  });

  it('manual mode: the remedy waits for a person, who is told', async () => {
    const { h, task, view } = await contentTask({ config: { mode: 'manual' }, responders: { marketing: failingDrafts(1), healer: () => heal('retry', 0.9) } });

    expect(view.status).toBe('failed');
    expect(view.error?.code).toBe('MODEL_OVERLOADED');
    expect(h.events('heal.refused')).toMatchObject([{ remedy: 'retry', reason: 'manual mode: remedies wait for a person' }]);
    expect(h.events('escalation.raised', task.id)).toMatchObject([{ to: 'person', reason: 'retry proposed for MODEL_OVERLOADED' }]);
    expect(h.callsOf('marketing')).toHaveLength(1);
  });

  it('a hard limit is not healed: over the per-task cap, no call is made at all', async () => {
    const { h, task, view } = await contentTask({ config: { risk: { perTaskCapUsd: 0.0001 } } });

    expect(view.status).toBe('failed');
    expect(h.events('budget.blocked')).toMatchObject([{ taskId: task.id, limit: 'task' }]);
    expect(h.events('task.failed', task.id)).toMatchObject([{ code: 'BUDGET_EXCEEDED', message: expect.stringMatching(/^per-task cap/) as unknown }]);
    expect(view.error).toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect(h.calls).toEqual([]);
  });
});

describe('the restart limit', () => {
  it('fails the task and tells a person after healing.restartIntensity restarts in the period', async () => {
    const { h, task, view } = await contentTask({
      config: { healing: { restartIntensity: 2, restartPeriodSeconds: 60 } },
      responders: { marketing: () => OVERLOADED, healer: () => heal('retry', 0.8) },
    });

    const reason = 'restart limit reached (2 in 60 s) after MODEL_OVERLOADED';
    expect(view.status).toBe('failed');
    expect(h.callsOf('marketing')).toHaveLength(3);
    expect(h.callsOf('healer', task.id)).toHaveLength(2);
    expect(h.events('heal.applied')).toHaveLength(2);
    expect(h.events('escalation.raised', task.id)).toMatchObject([{ to: 'person', domain: 'content', reason }]);
    expect(h.events('task.failed', task.id)).toMatchObject([{ message: reason }]);
  });

  it('counts only restarts inside the period', async () => {
    const h = await start({
      config: { healing: { restartIntensity: 1, restartPeriodSeconds: 60 } },
      responders: { marketing: failingDrafts(3), healer: () => heal('retry_with_backoff', 0.8, { delayMs: 61_000 }) },
    });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
    for (let n = 1; n <= 3; n++) {
      const due = h.clock.now() + 61_000;
      await h.settle(() => h.clock.armedAt(due), `backoff ${n}`);
      await h.advance(61_000);
    }
    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(h.callsOf('marketing')).toHaveLength(4);
    expect(h.events('heal.applied')).toHaveLength(3);
    expect(h.events('escalation.raised')).toEqual([]);
  });
});
