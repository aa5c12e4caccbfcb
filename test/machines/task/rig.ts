// The task machine alone: its five activities replaced with `.provide({ actors })` by scripted
// fakes that record every call (activity, key) in start order, on XState's SimulatedClock. A
// `journal` of results by key plays the role of the supervisor's memo: a fresh actor over the
// same journal replays recorded results instead of calling, as the task does after a restart.
import { createActor, fromPromise, waitFor } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { sleep } from '../../../core/clock.js';
import type {
  AgentStepInput,
  AgentStepOutput,
  ApprovalInput,
  ApprovalOutput,
  ExecuteInput,
  GateInput,
  GateOutput,
  HealInput,
  HealOutput,
} from '../../../machines/task/activities.js';
import type { TaskRecord } from '../../../machines/task/context.js';
import { taskMachine } from '../../../machines/task/task-machine.js';
import { statusOf } from '../../../machines/supervisor/tasks/views.js';
import { TestClock } from '../supervisor/test-clock.js';

type Activity = 'agentStep' | 'gate' | 'approval' | 'heal' | 'execute';
/** What a fake does with one call: a value, a failure (throw), or a promise of either. */
type Script<I, O> = (input: I, ctx: { clock: TestClock; signal: AbortSignal }) => O | Promise<O>;

export interface Scripts {
  agentStep: Script<AgentStepInput, AgentStepOutput>;
  gate: Script<GateInput, GateOutput>;
  approval: Script<ApprovalInput, ApprovalOutput>;
  heal: Script<HealInput, HealOutput>;
  execute: Script<ExecuteInput, null>;
}

interface Call {
  src: Activity;
  key: string;
  /** True when the result came from the journal (a replay), not from the script. */
  replayed: boolean;
  input: unknown;
}

const output = (out: unknown, confidence = 0.9): AgentStepOutput => ({ output: out, confidence, costUsd: 0 });

/** Approving reviewers and coordinator, a draft from every author step. */
export const approveAll: Script<AgentStepInput, AgentStepOutput> = (input) => {
  if (input.agent === 'reviewer') return output({ verdict: 'approve', score: 0.9, issues: [] });
  if (input.agent === 'coordinator') return output({ decision: 'approve', reasons: ['fine'] });
  return output({ title: `draft ${input.key}`, content: 'text' });
};

const defaults: Scripts = {
  agentStep: approveAll,
  gate: () => ({ decision: 'auto', reasons: [] }),
  approval: () => ({ status: 'granted', fallback: 'coordinator' }),
  heal: (_input, { clock }) => ({ action: 'retry', at: clock.now(), reason: 'healer: retry' }),
  execute: () => null,
};

/** A failure the way activities fail: an Error with a registry code. */
export function failure(code: string, message = `${code} happened`): Error {
  return Object.assign(new Error(message), { code });
}

/** An approval nobody answers: after `ms` on the clock it times out with `fallback` (an escalated one rejects). */
export function unanswered(ms: number, fallback: ApprovalOutput['fallback']): Script<ApprovalInput, ApprovalOutput> {
  return async (input, { clock, signal }) => {
    await sleep(clock, ms, signal);
    return { status: 'timed_out', fallback: input.escalated ? 'reject' : fallback };
  };
}

export function record(over: Partial<TaskRecord> = {}, definition: Partial<TaskRecord['definition']> = {}): TaskRecord {
  return {
    id: 't1',
    workflow: 'content',
    definition: { domain: 'content', steps: [{ id: 'draft', agent: 'marketing' }], review: 'tiered', gate: { action: 'publish' }, ...definition },
    priority: 'P2',
    input: { goal: 'launch', channel: 'blog' },
    contentType: 'blog',
    tier: 1,
    maxRounds: 2,
    dependsOn: [],
    createdAt: 0,
    source: 'cli',
    ...over,
  };
}

export type TaskSnapshot = SnapshotFrom<typeof taskMachine>;

export function rig(
  task: TaskRecord,
  scripts: Partial<Scripts> = {},
  opts: { clock?: TestClock; journal?: Map<string, unknown>; snapshot?: TaskSnapshot } = {},
) {
  const clock = opts.clock ?? new TestClock();
  const journal = opts.journal ?? new Map<string, unknown>();
  const calls: Call[] = [];
  const aborted: string[] = [];
  const all: Scripts = { ...defaults, ...scripts };
  const fake = <I extends { key: string }, O>(src: Activity, script: Script<I, O>) =>
    fromPromise<O, I>(async ({ input, signal }) => {
      signal.addEventListener('abort', () => aborted.push(input.key), { once: true });
      if (journal.has(input.key)) {
        calls.push({ src, key: input.key, replayed: true, input });
        return journal.get(input.key) as O;
      }
      calls.push({ src, key: input.key, replayed: false, input });
      const out = await script(input, { clock, signal });
      journal.set(input.key, out);
      return out;
    });
  const machine = taskMachine.provide({
    actors: {
      agentStep: fake('agentStep', all.agentStep),
      gate: fake('gate', all.gate),
      approval: fake('approval', all.approval),
      heal: fake('heal', all.heal),
      execute: fake('execute', all.execute),
    },
  });
  const actor = createActor(machine, { input: task, clock, ...(opts.snapshot ? { snapshot: opts.snapshot } : {}) });
  const errors: unknown[] = [];
  actor.subscribe({ error: (err) => errors.push(err) });
  actor.start();
  return {
    actor,
    clock,
    journal,
    calls,
    aborted,
    errors,
    /** The keys called, in start order (replayed ones included). */
    keys: (src?: Activity) => calls.filter((c) => src === undefined || c.src === src).map((c) => c.key),
    /** Resolves with the actor's output once the task has ended. */
    done: async () => (await waitFor(actor, (s) => s.status !== 'active')).output,
    /** The task's status as the supervisor's views read it. */
    status: () => statusOf(actor.getSnapshot()),
    until: (pred: (s: TaskSnapshot) => boolean) => waitFor(actor, pred),
  };
}
