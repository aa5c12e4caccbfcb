// The task machine alone (no supervisor, no journal): each path through the chart, told by the
// activities it starts (their keys, in order), what it hands them, and how it ends. Time is the
// SimulatedClock's; nothing waits for real time.
import { describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import type { AgentStepInput, AgentStepOutput, HealOutput } from '../../../machines/task/activities.js';
import { taskMachine } from '../../../machines/task/task-machine.js';
import { approveAll, failure, record, rig, unanswered } from './rig.js';

const MINUTE = 60_000;
const reviewer = (verdict: 'approve' | 'revise' | 'reject', issues: Array<{ severity: string; quote: string; fix: string }> = []): AgentStepOutput => ({
  output: { verdict, score: 0.5, issues },
  confidence: 0.8,
  costUsd: 0,
});
const coordinator = (decision: string, reasons = ['because']): AgentStepOutput => ({ output: { decision, reasons }, confidence: 0.8, costUsd: 0 });

/** Answers `part` (an author step id or a review kind) with `answer`, everything else approves. */
function answering(answers: Record<string, (input: AgentStepInput, n: number) => AgentStepOutput | Promise<AgentStepOutput>>) {
  const seen = new Map<string, number>();
  return (input: AgentStepInput) => {
    const answer = answers[input.part];
    if (!answer) return approveAll(input, undefined as never);
    const n = (seen.get(input.part) ?? 0) + 1;
    seen.set(input.part, n);
    return answer(input, n);
  };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('authoring → reviews → coordinator → gate → execute', () => {
  it('tier 1: canon and cultural in parallel, then the coordinator, the gate, and the action', async () => {
    const t = rig(record());

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys()).toEqual([
      't1:r1:authoring:draft:a0',
      't1:r1:reviewing:canon:a0',
      't1:r1:reviewing:cultural:a0',
      't1:r1:reviewing:coordinator:a0',
      't1:r1:gating:gate:a0',
      't1:r1:executing:publish:a0',
    ]);
    const execute = t.calls.find((c) => c.src === 'execute')?.input;
    expect(execute).toMatchObject({ taskId: 't1', action: 'publish', by: 'auto', outputs: { draft: { title: 'draft t1:r1:authoring:draft:a0', content: 'text' } } });
    expect(t.actor.getSnapshot().context.reviews.map((r) => [r.kind, r.verdict, r.round])).toEqual([
      ['canon', 'approve', 1],
      ['cultural', 'approve', 1],
      ['coordinator', 'approve', 1],
    ]);
  });

  it('the two tier-1 reviews run at the same time, and the coordinator waits for both', async () => {
    const canon = deferred<AgentStepOutput>();
    const cultural = deferred<AgentStepOutput>();
    const t = rig(record(), { agentStep: answering({ canon: () => canon.promise, cultural: () => cultural.promise }) });

    await t.until(() => t.keys().length === 3);
    expect(t.status()).toBe('reviewing');
    cultural.resolve(reviewer('approve'));
    await t.until((s) => s.context.reviews.length === 1);
    expect(t.keys()).toEqual(['t1:r1:authoring:draft:a0', 't1:r1:reviewing:canon:a0', 't1:r1:reviewing:cultural:a0']);
    canon.resolve(reviewer('approve'));

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys().slice(3, 4)).toEqual(['t1:r1:reviewing:coordinator:a0']);
  });

  it('author steps run in order, each output kept under its step id', async () => {
    const t = rig(record({}, { steps: [{ id: 'qualify', agent: 'sales', task: 'qualify' }, { id: 'propose', agent: 'sales', task: 'propose' }], review: 'none' }), {
      agentStep: (input) => ({ output: { task: input.part, qualification: { score: 7 }, rationale: 'fits' }, confidence: 0.7, costUsd: 0 }),
    });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys()).toEqual(['t1:r1:authoring:qualify:a0', 't1:r1:authoring:propose:a0', 't1:r1:gating:gate:a0', 't1:r1:executing:publish:a0']);
    expect(Object.keys(t.actor.getSnapshot().context.outputs)).toEqual(['qualify', 'propose']);
    // The proposal is built from the qualification the first step made.
    expect(t.calls[1]?.input).toMatchObject({ agent: 'sales', input: { task: 'propose', qualification: { score: 7, reasons: ['fits'] } } });
    expect(t.calls[2]?.input).toMatchObject({ confidence: 0.7, forceApproval: false });
  });

  it.each([
    ['tier 2: cultural, then the coordinator', { tier: 2 as const }, {}, ['cultural', 'coordinator']],
    ['tier 3: the coordinator alone', { tier: 3 as const }, {}, ['coordinator']],
    ['review "coordinator" on tier 1', {}, { review: 'coordinator' as const }, ['coordinator']],
    ['review "none": no review at all', {}, { review: 'none' as const }, []],
  ])('%s', async (_name, over, definition, kinds) => {
    const t = rig(record(over, definition));

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys('agentStep')).toEqual(['t1:r1:authoring:draft:a0', ...kinds.map((k) => `t1:r1:reviewing:${k}:a0`)]);
  });

  it('a reviewer rejection ends the task rejected: no coordinator, no gate', async () => {
    const t = rig(record(), { agentStep: answering({ canon: () => reviewer('reject') }) });

    expect(await t.done()).toEqual({ outcome: 'rejected', reason: 'a reviewer rejected it' });
    expect(t.keys()).toEqual(['t1:r1:authoring:draft:a0', 't1:r1:reviewing:canon:a0', 't1:r1:reviewing:cultural:a0']);
  });

  it('a coordinator rejection in the sequential chain ends it rejected', async () => {
    const t = rig(record({ tier: 2 }), { agentStep: answering({ coordinator: () => coordinator('reject') }) });

    expect(await t.done()).toEqual({ outcome: 'rejected', reason: 'a reviewer rejected it' });
    expect(t.keys('gate')).toEqual([]);
  });

  it('a coordinator that escalates to a person approves the work but forces the approval', async () => {
    const t = rig(record(), { agentStep: answering({ coordinator: () => coordinator('escalate_human') }), gate: (input) => ({ decision: input.forceApproval ? 'approval' : 'auto', reasons: ['asked'] }) });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.calls.find((c) => c.src === 'gate')?.input).toMatchObject({ forceApproval: true });
    expect(t.keys('approval')).toEqual(['t1:r1:approval:request:a0']);
  });
});

describe('the revision loop', () => {
  it('a revise verdict sends the draft back with the round\'s issues; round 2 has its own keys', async () => {
    const issue = { severity: 'high', quote: 'text', fix: 'say more' };
    const t = rig(record(), { agentStep: answering({ cultural: (_i, n) => reviewer(n === 1 ? 'revise' : 'approve', n === 1 ? [issue] : []) }) });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys()).toEqual([
      't1:r1:authoring:draft:a0',
      't1:r1:reviewing:canon:a0',
      't1:r1:reviewing:cultural:a0',
      't1:r2:authoring:draft:a0',
      't1:r2:reviewing:canon:a0',
      't1:r2:reviewing:cultural:a0',
      't1:r2:reviewing:coordinator:a0',
      't1:r2:gating:gate:a0',
      't1:r2:executing:publish:a0',
    ]);
    expect(t.calls[3]?.input).toMatchObject({
      input: { previousDraft: { title: 'draft t1:r1:authoring:draft:a0', content: 'text' }, reviewerFeedback: [issue] },
    });
    expect(t.actor.getSnapshot().context.round).toBe(2);
  });

  it('the coordinator\'s revise is a revision too, its reasons the feedback', async () => {
    const t = rig(record({ tier: 3 }), { agentStep: answering({ coordinator: (_i, n) => coordinator(n === 1 ? 'revise' : 'approve', ['tighten it']) }) });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys('agentStep')).toEqual(['t1:r1:authoring:draft:a0', 't1:r1:reviewing:coordinator:a0', 't1:r2:authoring:draft:a0', 't1:r2:reviewing:coordinator:a0']);
    expect(t.calls[2]?.input).toMatchObject({ input: { reviewerFeedback: [{ severity: 'high', quote: '(the whole draft)', fix: 'tighten it' }] } });
  });

  it('after maxRounds revisions the task is rejected', async () => {
    const t = rig(record({ maxRounds: 1, tier: 3 }), { agentStep: answering({ coordinator: () => coordinator('revise') }) });

    expect(await t.done()).toEqual({ outcome: 'rejected', reason: 'revision rounds exhausted' });
    expect(t.keys('agentStep')).toEqual(['t1:r1:authoring:draft:a0', 't1:r1:reviewing:coordinator:a0', 't1:r2:authoring:draft:a0', 't1:r2:reviewing:coordinator:a0']);
  });

  it('a revision re-authors only the last step', async () => {
    const t = rig(record({ tier: 3 }, { steps: [{ id: 'outline', agent: 'marketing' }, { id: 'draft', agent: 'marketing' }] }), {
      agentStep: answering({ coordinator: (_i, n) => coordinator(n === 1 ? 'revise' : 'approve') }),
    });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys('agentStep')).toEqual([
      't1:r1:authoring:outline:a0',
      't1:r1:authoring:draft:a0',
      't1:r1:reviewing:coordinator:a0',
      't1:r2:authoring:draft:a0',
      't1:r2:reviewing:coordinator:a0',
    ]);
  });
});

describe('the gate and the approval', () => {
  it('blocked: rejected with the gate\'s reasons', async () => {
    const t = rig(record(), { gate: () => ({ decision: 'blocked', reasons: ['the domain is paused', 'over budget'] }) });

    expect(await t.done()).toEqual({ outcome: 'rejected', reason: 'blocked: the domain is paused; over budget' });
    expect(t.actor.getSnapshot().context.gate).toEqual({ decision: 'blocked', reasons: ['the domain is paused', 'over budget'] });
    expect(t.keys('execute')).toEqual([]);
  });

  it('approval granted by a person: the action runs, decided by a person', async () => {
    const decision = deferred<{ status: 'granted'; fallback: 'reject' }>();
    const t = rig(record(), { gate: () => ({ decision: 'approval', reasons: ['low confidence'] }), approval: () => decision.promise });

    await t.until(() => t.keys('approval').length === 1);
    expect(t.status()).toBe('awaiting_approval');
    expect(t.calls.at(-1)?.input).toMatchObject({ key: 't1:r1:approval:request:a0', action: 'publish', reasons: ['low confidence'], escalated: false });
    decision.resolve({ status: 'granted', fallback: 'reject' });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.calls.at(-1)?.input).toMatchObject({ key: 't1:r1:executing:publish:a0', by: 'person' });
  });

  it('approved with edits: the edited output is what the action publishes', async () => {
    const edited = { title: 'better', content: 'edited' };
    const t = rig(record(), { gate: () => ({ decision: 'approval', reasons: [] }), approval: () => ({ status: 'granted', fallback: 'reject', output: edited }) });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.calls.at(-1)?.input).toMatchObject({ outputs: { draft: edited }, by: 'person' });
  });

  it('rejected by a person', async () => {
    const t = rig(record(), { gate: () => ({ decision: 'approval', reasons: [] }), approval: () => ({ status: 'rejected', fallback: 'reject' }) });

    expect(await t.done()).toEqual({ outcome: 'rejected', reason: 'a person rejected it' });
    expect(t.keys('execute')).toEqual([]);
  });

  it('unanswered, fallback coordinator: nothing before the deadline, then the coordinator decides', async () => {
    const t = rig(record(), { gate: () => ({ decision: 'approval', reasons: [] }), approval: unanswered(60 * MINUTE, 'coordinator') });
    await t.until(() => t.keys('approval').length === 1);

    t.clock.increment(60 * MINUTE - 1);
    await Promise.resolve();
    expect(t.status()).toBe('awaiting_approval');
    expect(t.keys().at(-1)).toBe('t1:r1:approval:request:a0');
    t.clock.increment(1);
    await t.until(() => t.keys().includes('t1:r1:approval:fallback:a0'));
    expect(t.status()).toBe('awaiting_approval');

    expect(await t.done()).toEqual({ outcome: 'completed' });
    const fallback = t.calls.find((c) => c.key === 't1:r1:approval:fallback:a0')?.input;
    expect(fallback).toMatchObject({ agent: 'coordinator', phase: 'approval', part: 'fallback', input: { decision: 'approval_fallback', context: { reason: 'the approval request timed out' } } });
    expect(t.calls.at(-1)?.input).toMatchObject({ key: 't1:r1:executing:publish:a0', by: 'coordinator' });
  });

  it('unanswered, fallback coordinator, and the coordinator declines', async () => {
    const t = rig(record(), {
      gate: () => ({ decision: 'approval', reasons: [] }),
      approval: unanswered(MINUTE, 'coordinator'),
      agentStep: answering({ fallback: () => coordinator('reject') }),
    });
    await t.until(() => t.keys('approval').length === 1);
    t.clock.increment(MINUTE);

    expect(await t.done()).toEqual({ outcome: 'rejected', reason: 'the coordinator declined on fallback' });
  });

  it('unanswered, fallback escalate: asked once more as escalated, and that one\'s timeout rejects', async () => {
    const t = rig(record(), { gate: () => ({ decision: 'approval', reasons: ['why'] }), approval: unanswered(MINUTE, 'escalate') });
    await t.until(() => t.keys('approval').length === 1);
    t.clock.increment(MINUTE);
    await t.until(() => t.keys('approval').length === 2);
    expect(t.calls.at(-1)?.input).toMatchObject({ key: 't1:r1:approval:escalated:a0', escalated: true, reasons: ['why'] });
    expect(t.status()).toBe('awaiting_approval');
    t.clock.increment(MINUTE);

    expect(await t.done()).toEqual({ outcome: 'rejected', reason: 'the approval timed out' });
    expect(t.keys('agentStep').filter((k) => k.includes('fallback'))).toEqual([]);
  });

  it('unanswered, fallback reject', async () => {
    const t = rig(record(), { gate: () => ({ decision: 'approval', reasons: [] }), approval: unanswered(MINUTE, 'reject') });
    await t.until(() => t.keys('approval').length === 1);
    t.clock.increment(MINUTE);

    expect(await t.done()).toEqual({ outcome: 'rejected', reason: 'the approval timed out' });
  });
});

describe('healing', () => {
  it('a failed author step is healed and retried under a fresh key; the other phases keep theirs', async () => {
    const t = rig(record(), {
      agentStep: answering({ draft: (input, n) => (n === 1 ? Promise.reject(failure('MODEL_TIMEOUT', 'too slow')) : approveAll(input, undefined as never)) }),
    });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys().slice(0, 4)).toEqual(['t1:r1:authoring:draft:a0', 't1:r1:authoring:heal:a0', 't1:r1:authoring:draft:a1', 't1:r1:reviewing:canon:a0']);
    expect(t.calls[1]?.input).toEqual({ taskId: 't1', key: 't1:r1:authoring:heal:a0', phase: 'authoring', agent: 'marketing', error: { code: 'MODEL_TIMEOUT', message: 'too slow' }, restarts: [] });
    const ctx = t.actor.getSnapshot().context;
    expect([ctx.attempts, ctx.restarts, ctx.failedPhase, ctx.error]).toEqual([{ authoring: 1 }, [0], 'authoring', { code: 'MODEL_TIMEOUT', message: 'too slow' }]);
  });

  it('a model the healer picks is used for that agent from then on', async () => {
    const t = rig(record({ tier: 3 }), {
      agentStep: answering({ coordinator: (input, n) => (n === 1 ? Promise.reject(failure('INVALID_OUTPUT')) : approveAll(input, undefined as never)) }),
      heal: (_i, { clock }) => ({ action: 'retry', at: clock.now(), reason: 'healer: switch model', model: 'bigger' }),
    });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.calls.filter((c) => c.src === 'heal').map((c) => c.input)).toMatchObject([{ key: 't1:r1:reviewing:heal:a0', agent: 'coordinator' }]);
    const retried = t.calls.find((c) => c.key === 't1:r1:reviewing:coordinator:a1')?.input as AgentStepInput;
    expect(retried.model).toBe('bigger');
    expect(t.calls[0]?.input).not.toHaveProperty('model');
  });

  it('a failed parallel review: only the missing review runs again, the one done is kept', async () => {
    const canon = deferred<AgentStepOutput>();
    const t = rig(record(), { agentStep: answering({ canon: (_i, n) => (n === 1 ? canon.promise : reviewer('approve')) }) });
    await t.until((s) => s.context.reviews.length === 1);
    canon.resolve(Promise.reject(failure('MODEL_TIMEOUT')) as never);

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys()).toEqual([
      't1:r1:authoring:draft:a0',
      't1:r1:reviewing:canon:a0',
      't1:r1:reviewing:cultural:a0',
      't1:r1:reviewing:heal:a0',
      't1:r1:reviewing:canon:a1',
      't1:r1:reviewing:coordinator:a1',
      't1:r1:gating:gate:a0',
      't1:r1:executing:publish:a0',
    ]);
    expect(t.calls[3]?.input).toMatchObject({ agent: 'reviewer', phase: 'reviewing' });
    expect(t.actor.getSnapshot().context.reviews.map((r) => r.kind)).toEqual(['cultural', 'canon', 'coordinator']);
  });

  it('a parallel review still running when the other fails is stopped, and runs again', async () => {
    const t = rig(record(), { agentStep: answering({ canon: (_i, n) => (n === 1 ? Promise.reject(failure('MODEL_TIMEOUT')) : reviewer('approve')), cultural: () => new Promise<AgentStepOutput>(() => {}) }) });
    await t.until(() => t.keys('heal').length === 1);

    expect(t.aborted).toEqual(['t1:r1:reviewing:cultural:a0']);
    await t.until(() => t.keys().includes('t1:r1:reviewing:cultural:a1'));
    expect(t.keys().slice(3)).toEqual(['t1:r1:reviewing:heal:a0', 't1:r1:reviewing:canon:a1', 't1:r1:reviewing:cultural:a1']);
    t.actor.stop();
  });

  it('a failed sequential review resumes at that review', async () => {
    const t = rig(record({ tier: 2 }), { agentStep: answering({ cultural: (_i, n) => (n === 1 ? Promise.reject(failure('MODEL_TIMEOUT')) : reviewer('approve')) }) });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys('agentStep').concat(t.keys('heal'))).toEqual([
      't1:r1:authoring:draft:a0',
      't1:r1:reviewing:cultural:a0',
      't1:r1:reviewing:cultural:a1',
      't1:r1:reviewing:coordinator:a1',
      't1:r1:reviewing:heal:a0',
    ]);
    expect(t.calls.find((c) => c.src === 'heal')?.input).toMatchObject({ agent: 'reviewer' });
  });

  it.each([
    ['gating', { gate: (n: number) => n }, 't1:r1:gating:heal:a0', null, 't1:r1:gating:gate:a1'],
    ['approval', { approval: (n: number) => n }, 't1:r1:approval:heal:a0', 'coordinator', 't1:r1:approval:request:a1'],
    ['executing', { execute: (n: number) => n }, 't1:r1:executing:heal:a0', null, 't1:r1:executing:publish:a1'],
  ] as const)('a failed %s step resumes there', async (phase, which, healKey, agent, retriedKey) => {
    let n = 0;
    const failOnce = <T>(value: T) => () => (++n === 1 ? Promise.reject(failure('STORE_UNAVAILABLE')) : value);
    const t = rig(record(), {
      gate: 'gate' in which ? failOnce({ decision: 'approval' as const, reasons: [] }) : () => ({ decision: 'approval', reasons: [] }),
      ...('approval' in which ? { approval: failOnce({ status: 'granted' as const, fallback: 'reject' as const }) } : {}),
      ...('execute' in which ? { execute: failOnce(null) } : {}),
    });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    const heal = t.calls.find((c) => c.src === 'heal');
    expect(heal?.input).toMatchObject({ key: healKey, phase, agent });
    expect(t.keys()[t.keys().indexOf(healKey) + 1]).toBe(retriedKey);
  });

  it('a failed coordinator fallback is healed, and the approval is asked again', async () => {
    const t = rig(record(), {
      gate: () => ({ decision: 'approval', reasons: [] }),
      approval: (input, ctx) => (input.key.endsWith(':a0') ? unanswered(MINUTE, 'coordinator')(input, ctx) : { status: 'granted', fallback: 'coordinator' }),
      agentStep: answering({ fallback: () => Promise.reject(failure('MODEL_TIMEOUT')) }),
    });
    await t.until(() => t.keys('approval').length === 1);
    t.clock.increment(MINUTE);

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys().slice(-5)).toEqual(['t1:r1:approval:request:a0', 't1:r1:approval:fallback:a0', 't1:r1:approval:heal:a0', 't1:r1:approval:request:a1', 't1:r1:executing:publish:a0']);
    expect(t.calls.find((c) => c.src === 'heal')?.input).toMatchObject({ agent: 'coordinator' });
  });

  it('each heal is keyed by its phase\'s attempt, and sees the restarts before it', async () => {
    let time = 0;
    const t = rig(record({ tier: 3 }), {
      agentStep: answering({ draft: (input, n) => (n <= 2 ? Promise.reject(failure('MODEL_TIMEOUT')) : approveAll(input, undefined as never)) }),
      heal: () => ({ action: 'retry', at: (time += 10), reason: 'again' }),
    });

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.calls.filter((c) => c.src === 'heal').map((c) => [c.key, (c.input as { restarts: number[] }).restarts])).toEqual([
      ['t1:r1:authoring:heal:a0', []],
      ['t1:r1:authoring:heal:a1', [10]],
    ]);
  });
});

describe('failure', () => {
  it('the healer gives up: failed, with its reason and the failed step\'s code', async () => {
    const t = rig(record(), {
      agentStep: answering({ draft: () => Promise.reject(failure('BUDGET_EXCEEDED', 'over the daily budget')) }),
      heal: () => ({ action: 'fail', at: 0, reason: 'over the daily budget' }),
    });

    expect(await t.done()).toEqual({ outcome: 'failed', reason: 'over the daily budget', code: 'BUDGET_EXCEEDED' });
    expect(t.keys()).toEqual(['t1:r1:authoring:draft:a0', 't1:r1:authoring:heal:a0']);
    expect(t.status()).toBe('failed');
  });

  it('healing itself fails: failed, INTERNAL', async () => {
    const t = rig(record(), { gate: () => Promise.reject(failure('INTERNAL')), heal: () => Promise.reject(new Error('healer crashed')) });

    expect(await t.done()).toEqual({ outcome: 'failed', reason: 'healing failed', code: 'INTERNAL' });
  });

  it('an error without a code is recorded as INTERNAL', async () => {
    const t = rig(record(), { execute: () => Promise.reject(new Error('disk on fire')), heal: () => ({ action: 'fail', at: 0, reason: 'no' }) });

    expect(await t.done()).toEqual({ outcome: 'failed', reason: 'no', code: 'INTERNAL' });
    expect(t.calls.find((c) => c.src === 'heal')?.input).toMatchObject({ error: { code: 'INTERNAL', message: 'disk on fire' } });
  });
});

describe('cancel', () => {
  it('stopping the task aborts its running activity; nothing runs after it', async () => {
    const t = rig(record(), { gate: () => ({ decision: 'approval', reasons: [] }), approval: unanswered(MINUTE, 'coordinator') });
    await t.until(() => t.keys('approval').length === 1);

    t.actor.stop();
    t.clock.increment(10 * MINUTE);
    await Promise.resolve();

    expect(t.aborted).toEqual(['t1:r1:approval:request:a0']);
    expect(t.actor.getSnapshot().status).toBe('stopped');
    expect(t.keys().at(-1)).toBe('t1:r1:approval:request:a0');
    expect(t.errors).toEqual([]);
  });
});

describe('resume after a restart', () => {
  it('a fresh actor over the journal walks the same keys, replaying results, and goes on live', async () => {
    const first = rig(record(), { gate: () => ({ decision: 'approval', reasons: [] }), approval: unanswered(MINUTE, 'coordinator') });
    await first.until(() => first.keys('approval').length === 1);
    first.actor.stop(); // the crash

    const again = rig(record(), { gate: () => ({ decision: 'approval', reasons: [] }) }, { journal: first.journal });

    expect(await again.done()).toEqual({ outcome: 'completed' });
    expect(again.keys().slice(0, first.keys().length)).toEqual(first.keys());
    expect(again.calls.filter((c) => !c.replayed).map((c) => c.key)).toEqual(['t1:r1:approval:request:a0', 't1:r1:executing:publish:a0']);
  });

  it('a healed run replays its heal and its retry the same way', async () => {
    const journal = new Map<string, unknown>();
    const failing = rig(record({ tier: 3 }), { agentStep: answering({ coordinator: (input, n) => (n === 1 ? Promise.reject(failure('MODEL_TIMEOUT')) : approveAll(input, undefined as never)) }) });
    const first = await failing.done();
    for (const [k, v] of failing.journal) journal.set(k, v);

    const again = rig(record({ tier: 3 }), { agentStep: () => Promise.reject(failure('MODEL_TIMEOUT')) }, { journal });

    expect(await again.done()).toEqual(first);
    expect(first).toEqual({ outcome: 'completed' });
    // The failed call has no result in this journal, so it runs (and fails) again: the same keys follow.
    expect(again.keys()).toEqual(failing.keys());
  });

  it('a persisted snapshot restores where it was; only the activity in flight starts again, under its key', async () => {
    const first = rig(record(), { gate: () => ({ decision: 'approval', reasons: [] }), approval: unanswered(MINUTE, 'coordinator') });
    await first.until(() => first.keys('approval').length === 1);
    const saved = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot())) as never;
    first.actor.stop();

    const again = rig(record(), {}, { snapshot: saved });

    expect(await again.done()).toEqual({ outcome: 'completed' });
    expect(again.keys()).toEqual(['t1:r1:approval:request:a0', 't1:r1:executing:publish:a0']);
    expect(again.calls[1]?.input).toMatchObject({ by: 'person' });
  });
});

const seed = (phase: 'reviewing' | 'gating' | 'approval' | 'executing') =>
  record({ id: 't2', source: 'retry', retry: { of: 't1', phase, round: 2, stepIndex: 0, outputs: { draft: { title: 'kept', content: 'x' } }, reviews: [], confidence: 0.6, feedback: [] } });

describe('a retried task starts at the phase that failed', () => {
  it.each([
    ['reviewing', 't2:r2:reviewing:canon:a0'],
    ['gating', 't2:r2:gating:gate:a0'],
    ['approval', 't2:r2:gating:gate:a0'],
    ['executing', 't2:r2:executing:publish:a0'],
  ] as const)('%s', async (phase, first) => {
    const t = rig(seed(phase));

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(t.keys()[0]).toBe(first);
    expect(t.calls.at(-1)?.input).toMatchObject({ outputs: { draft: { title: 'kept', content: 'x' } } });
  });
});

describe('the chart', () => {
  it('every state shows exactly one task status, as a tag on it or on the phase it is in', () => {
    const tagsOf = (node: AnyStateNode): string[] => [...node.tags, ...(node.parent ? tagsOf(node.parent) : [])];
    const leaves = (node: AnyStateNode): AnyStateNode[] => {
      const children = Object.values(node.states);
      return children.length === 0 ? [node] : children.flatMap(leaves);
    };
    const shown = leaves(taskMachine.root)
      .filter((n) => n.type !== 'history')
      .map((n) => [n.id, tagsOf(n)] as const);

    expect(shown.filter(([, tags]) => tags.length !== 1)).toEqual([]);
    expect(Object.fromEntries(shown.map(([id, tags]) => [id, tags[0]]))).toMatchObject({
      'task.working.start': 'pending',
      'task.working.authoring': 'running',
      'task.working.reviewing.parallel.canon.running': 'reviewing',
      'task.working.reviewing.one': 'reviewing',
      'task.working.awaitingApproval.asking': 'awaiting_approval',
      'task.working.awaitingApproval.fallback': 'awaiting_approval',
      'task.healing': 'running',
      'task.completed': 'completed',
      'task.rejected': 'rejected',
      'task.failed': 'failed',
    });
  });

  it('while the healer diagnoses, the task is in healing and shows as running', async () => {
    const diagnosis = deferred<HealOutput>();
    const t = rig(record(), { gate: (_i) => (t.keys('gate').length === 1 ? Promise.reject(failure('MODEL_TIMEOUT')) : { decision: 'approval', reasons: [] }), heal: () => diagnosis.promise });
    await t.until(() => t.keys('heal').length === 1);

    expect(t.actor.getSnapshot().value).toBe('healing');
    expect(t.status()).toBe('running');
    diagnosis.resolve({ action: 'retry', at: 0, reason: 'again' });
    await t.until((s) => s.matches({ working: { awaitingApproval: 'asking' } }));
    expect(t.status()).toBe('awaiting_approval');
    t.actor.stop();
  });

  it('a retry resumes through the history state: the phase that failed, entered from its start', async () => {
    const t = rig(record(), { gate: (_i) => (t.keys('gate').length === 1 ? Promise.reject(failure('MODEL_TIMEOUT')) : { decision: 'auto', reasons: [] }) });
    const seen: unknown[] = [];
    t.actor.subscribe((s) => seen.push(s.value));

    expect(await t.done()).toEqual({ outcome: 'completed' });
    expect(seen.slice(seen.findIndex((v) => v === 'healing'))).toEqual(['healing', { working: 'gating' }, { working: 'executing' }, 'completed']);
    expect(t.keys().slice(-3)).toEqual(['t1:r1:gating:heal:a0', 't1:r1:gating:gate:a1', 't1:r1:executing:publish:a0']);
  });

  it('a snapshot persisted while healing keeps the history: restored, the retry resumes the phase that failed', async () => {
    const first = rig(record(), { gate: () => Promise.reject(failure('MODEL_TIMEOUT')), heal: () => new Promise<HealOutput>(() => {}) });
    await first.until(() => first.keys('heal').length === 1);
    const saved = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot())) as never;
    first.actor.stop();

    const again = rig(record(), {}, { snapshot: saved });

    expect(await again.done()).toEqual({ outcome: 'completed' });
    expect(again.keys()).toEqual(['t1:r1:gating:heal:a0', 't1:r1:gating:gate:a1', 't1:r1:executing:publish:a0']);
  });
});
