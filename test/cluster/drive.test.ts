// The pure driver against the actor: each scenario runs the same fake activities through the
// task machine twice, once as an XState actor (the embedded engine's way, test/machines/task/rig.ts)
// and once through drive.ts's initialTransition/transition loop (the cluster engine's way). Both
// must end the same way, start the same activities with the same inputs in the same order, and
// leave the same context. No Postgres, no clock: the fakes answer at once.
import { describe, expect, it } from 'vitest';
import { advance, begin, concurrently, driveTask, resultOf } from '../../machines/cluster/drive.js';
import type { Invocation, Settled } from '../../machines/cluster/drive.js';
import type { AgentStepInput, AgentStepOutput } from '../../machines/task/activities.js';
import type { TaskRecord } from '../../machines/task/context.js';
import { approveAll, failure, record, rig } from '../machines/task/rig.js';
import type { Scripts } from '../machines/task/rig.js';

const reviewer = (verdict: 'approve' | 'revise' | 'reject', issues: Array<{ severity: string; quote: string; fix: string }> = []): AgentStepOutput => ({
  output: { verdict, score: 0.5, issues },
  confidence: 0.8,
  costUsd: 0,
});
const coordinator = (decision: string, reasons = ['because']): AgentStepOutput => ({ output: { decision, reasons }, confidence: 0.8, costUsd: 0 });

/** `part` (an author step id or review kind) answered by `answer` on its n-th call; the rest approve. */
function answering(answers: Record<string, (input: AgentStepInput, n: number) => AgentStepOutput>) {
  const seen = new Map<string, number>();
  return (input: AgentStepInput): AgentStepOutput => {
    const answer = answers[input.part];
    if (!answer) return approveAll(input, undefined as never) as AgentStepOutput;
    const n = (seen.get(input.part) ?? 0) + 1;
    seen.set(input.part, n);
    return answer(input, n);
  };
}

/** Fails `part`'s first `times` calls with `code`, then approves. */
function failing(part: string, code: string, times = 1) {
  return answering({
    [part]: (input, n) => {
      if (n <= times) throw failure(code);
      return approveAll(input, undefined as never) as AgentStepOutput;
    },
  });
}

const granted = { status: 'granted', fallback: 'reject' } as const;
const approvalGate = { gate: () => ({ decision: 'approval' as const, reasons: ['low confidence'] }) };
const timedOut = (fallback: 'coordinator' | 'reject' | 'escalate') => ({
  ...approvalGate,
  approval: (input: { escalated: boolean }) => ({ status: 'timed_out' as const, fallback: input.escalated ? ('reject' as const) : fallback }),
});
const healFail = { heal: () => ({ action: 'fail' as const, at: 0, reason: 'healer: give up' }) };
const healRetry = { heal: () => ({ action: 'retry' as const, at: 0, reason: 'healer: retry' }) };

/** Each scenario builds fresh scripts (they count calls), so the two engines never share one. */
const scenarios: Array<[string, () => TaskRecord, () => Partial<Scripts>]> = [
  ['tier 1: parallel reviews, coordinator, gate, action', () => record(), () => ({})],
  ['tier 2: cultural then coordinator', () => record({ tier: 2 }), () => ({})],
  ['tier 3: the coordinator alone', () => record({ tier: 3 }), () => ({})],
  ['review none, two sales steps', () => record({}, { steps: [{ id: 'qualify', agent: 'sales', task: 'qualify' }, { id: 'propose', agent: 'sales', task: 'propose' }], review: 'none' }), () => ({
    agentStep: (input: AgentStepInput) => ({ output: { task: input.part, qualification: { score: 7 }, rationale: 'fits' }, confidence: 0.7, costUsd: 0 }),
  })],
  ['a reviewer rejects', () => record(), () => ({ agentStep: answering({ canon: () => reviewer('reject') }) })],
  ['a revise verdict, then approval in round 2', () => record(), () => ({
    agentStep: answering({ cultural: (_i, n) => reviewer(n === 1 ? 'revise' : 'approve', n === 1 ? [{ severity: 'high', quote: 'text', fix: 'say more' }] : []) }),
  })],
  ['revision rounds exhausted', () => record({ maxRounds: 1, tier: 3 }), () => ({ agentStep: answering({ coordinator: () => coordinator('revise') }) })],
  ['the coordinator escalates: approval forced', () => record(), () => ({
    agentStep: answering({ coordinator: () => coordinator('escalate_human') }),
    gate: (input: { forceApproval: boolean }) => ({ decision: input.forceApproval ? ('approval' as const) : ('auto' as const), reasons: ['asked'] }),
  })],
  ['the gate blocks', () => record(), () => ({ gate: () => ({ decision: 'blocked' as const, reasons: ['the domain is paused'] }) })],
  ['a person grants the approval', () => record(), () => ({ ...approvalGate, approval: () => granted })],
  ['a person grants with an edit', () => record(), () => ({ ...approvalGate, approval: () => ({ ...granted, output: { title: 'better', content: 'edited' } }) })],
  ['a person rejects', () => record(), () => ({ ...approvalGate, approval: () => ({ status: 'rejected' as const, fallback: 'reject' as const }) })],
  ['timeout, coordinator fallback approves', () => record(), () => timedOut('coordinator')],
  ['timeout, coordinator fallback declines', () => record(), () => ({ ...timedOut('coordinator'), agentStep: answering({ fallback: () => coordinator('reject') }) })],
  ['timeout, escalated, timeout again', () => record(), () => timedOut('escalate')],
  ['timeout, reject fallback', () => record(), () => timedOut('reject')],
  ['authoring fails once, healed by a retry', () => record(), () => ({ agentStep: failing('draft', 'INVALID_OUTPUT'), ...healRetry })],
  ['authoring fails, the healer gives up', () => record(), () => ({ agentStep: failing('draft', 'BUDGET_EXCEEDED'), ...healFail })],
  ['a parallel review fails once, the round is retried', () => record(), () => ({ agentStep: failing('canon', 'MODEL_TIMEOUT'), ...healRetry })],
  ['the coordinator fails once', () => record({ tier: 2 }), () => ({ agentStep: failing('coordinator', 'MODEL_OVERLOADED'), ...healRetry })],
  ['the action fails once, then runs', () => record(), () => {
    let n = 0;
    return { execute: () => { if (n++ === 0) throw failure('STORE_UNAVAILABLE'); return null; }, ...healRetry };
  }],
  ['the gate fails, healing fails too', () => record(), () => ({ gate: () => { throw failure('INTERNAL'); }, heal: () => { throw failure('INTERNAL'); } })],
  ['a retry of a failed task starts at its reviews', () => record({ source: 'retry', retry: { of: 't0', phase: 'reviewing', round: 1, stepIndex: 0, outputs: { draft: { title: 'old', content: 'x' } }, reviews: [], confidence: 0.9, feedback: [] } }), () => ({})],
];

interface Trace {
  result: unknown;
  calls: Array<{ src: string; key: string; input: unknown }>;
  context: unknown;
}

async function viaActor(task: TaskRecord, scripts: Partial<Scripts>): Promise<Trace> {
  const t = rig(task, scripts);
  const result = await t.done();
  return { result, calls: t.calls.map(({ src, key, input }) => ({ src, key, input })), context: t.actor.getSnapshot().context };
}

async function viaDriver(task: TaskRecord, scripts: Partial<Scripts>): Promise<Trace> {
  const calls: Trace['calls'] = [];
  const all = { ...defaultScripts(), ...scripts } as Record<string, (input: unknown, ctx: unknown) => unknown>;
  const { result, snapshot } = await driveTask(task, concurrently(async (inv) => {
    calls.push({ src: inv.src, key: inv.input.key, input: inv.input });
    try {
      return { ok: true, output: await (all[inv.src] as (i: unknown, c: unknown) => unknown)(inv.input, undefined) };
    } catch (err) {
      const e = err as { code: string; message: string };
      return { ok: false, error: { code: e.code, message: e.message } };
    }
  }));
  return { result, calls, context: snapshot.context };
}

function defaultScripts(): Partial<Scripts> {
  return {
    agentStep: approveAll,
    gate: () => ({ decision: 'auto', reasons: [] }),
    approval: () => ({ status: 'granted', fallback: 'coordinator' }),
    heal: () => ({ action: 'retry', at: 0, reason: 'healer: retry' }),
    execute: () => null,
  };
}

describe('the driver decides as the actor does', () => {
  it.each(scenarios)('%s', async (_name, task, scripts) => {
    // the rig's default healer stamps its clock (0 on a fresh TestClock): the driver's does the same
    const actor = await viaActor(task(), { heal: healRetry.heal, ...scripts() });
    const driven = await viaDriver(task(), { heal: healRetry.heal, ...scripts() });

    expect(driven.result).toEqual(actor.result);
    expect(driven.calls).toEqual(actor.calls);
    expect(driven.context).toEqual(actor.context);
  });

  it('the scenarios reach every outcome and every activity', async () => {
    const outcomes = new Set<string>();
    const srcs = new Set<string>();
    for (const [, task, scripts] of scenarios) {
      const t = await viaDriver(task(), { heal: healRetry.heal, ...scripts() });
      outcomes.add((t.result as { outcome: string }).outcome);
      for (const c of t.calls) srcs.add(c.src);
    }
    expect([...outcomes].sort()).toEqual(['completed', 'failed', 'rejected']);
    expect([...srcs].sort()).toEqual(['agentStep', 'approval', 'execute', 'gate', 'heal']);
  });
});

describe('one decision at a time', () => {
  it('begin starts the author step; its end starts both tier-1 reviews at once', () => {
    const first = begin(record());
    expect(first.invocations.map((i) => [i.src, i.input.key])).toEqual([['agentStep', 't1:r1:authoring:draft:a0']]);

    const authored = advance(first.snapshot, first.invocations[0] as Invocation, { ok: true, output: { output: { title: 't', content: 'c' }, confidence: 0.9, costUsd: 0 } });
    expect(authored.invocations.map((i) => i.input.key)).toEqual(['t1:r1:reviewing:canon:a0', 't1:r1:reviewing:cultural:a0']);
    expect(resultOf(authored.snapshot)).toBeUndefined();
  });

  it('an end reported for an invocation the machine has left changes nothing', () => {
    const first = begin(record());
    const inv = first.invocations[0] as Invocation;
    const failed = advance(first.snapshot, inv, { ok: false, error: { code: 'MODEL_TIMEOUT', message: 'slow' } });
    expect(failed.snapshot.value).toBe('healing');
    expect(failed.snapshot.context.error).toEqual({ code: 'MODEL_TIMEOUT', message: 'slow' });

    const late: Settled = { ok: true, output: { output: {}, confidence: 1, costUsd: 0 } };
    const again = advance(failed.snapshot, inv, late);
    expect(again.snapshot.value).toBe('healing');
    expect(again.invocations).toEqual([]);
  });

  it('the same ends give the same snapshot: a replay is exact', async () => {
    const a = await driveTask(record(), concurrently(answerAtOnce));
    const b = await driveTask(record(), concurrently(answerAtOnce));
    expect(JSON.stringify(b.snapshot.context)).toBe(JSON.stringify(a.snapshot.context));
    expect(b.snapshot.value).toEqual(a.snapshot.value);
  });
});

async function answerAtOnce(inv: Invocation): Promise<Settled> {
  return { ok: true, output: await Promise.resolve(defaultOutput(inv)) };
}

function defaultOutput(inv: Invocation): unknown {
  const s = defaultScripts() as Record<string, (input: unknown, ctx: unknown) => unknown>;
  return (s[inv.src] as (i: unknown, c: unknown) => unknown)(inv.input, undefined);
}
