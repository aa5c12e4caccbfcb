// One task: author step(s) → review chain by tier → gate → approval → action. Deterministic:
// every side effect is a keyed activity (activities.ts), so replaying a task after a crash walks
// the same path with recorded results. Failures are states: a failed step goes to healing.
import { assign, setup } from 'xstate';
import type { DoneActorEvent, ErrorActorEvent, EventObject } from 'xstate';
import type { AgentKind } from '../../agents/client/types.js';
import type { ReviewView, TaskStatus } from '../contract.js';
import type { EventOf } from '../events.js';
import { taskActivities } from './activities.js';
import type { AgentStepOutput, ApprovalOutput, GateOutput, HealOutput } from './activities.js';
import { activityKey, currentStep, reviewPlan, startContext } from './context.js';
import type { ReviewKind, TaskContext, TaskPhase, TaskRecord } from './context.js';
import { authorInput, coordinatorInput, reviewerInput } from './inputs.js';
import { toReview } from './reviews.js';

export type TaskOutcome = 'completed' | 'rejected' | 'failed';
/** Who turned a rejected task down, set by the transition that rejects it. */
export type RejectedBy = EventOf<'task.rejected'>['by'];

type Ctx = TaskContext & {
  forceApproval: boolean;
  escalated: boolean;
  decidedBy: 'auto' | 'person' | 'coordinator';
  outcome?: TaskOutcome;
  rejectedBy?: RejectedBy;
  /** Why the gate asked a person: shown with the approval request. */
  gateReasons: string[];
  /** The gate's decision with its reasons (shown by task show). */
  gate?: GateOutput;
};

const thisRound = (ctx: Ctx, kind: ReviewKind): ReviewView | undefined =>
  ctx.reviews.find((r) => r.round === ctx.round && r.kind === kind);
const nextSequential = (ctx: Ctx): ReviewKind | undefined => reviewPlan(ctx).after.find((k) => !thisRound(ctx, k));
const roundVerdicts = (ctx: Ctx): string[] => ctx.reviews.filter((r) => r.round === ctx.round).map((r) => r.verdict);

function reviewCall(ctx: Ctx, kind: ReviewKind) {
  const call = kind === 'coordinator' ? coordinatorInput(ctx, 'final_approval') : reviewerInput(ctx, kind);
  return { taskId: ctx.record.id, key: activityKey(ctx, 'reviewing', kind), phase: 'reviewing' as const, part: kind, review: kind, ...withModel(ctx, call.agent), ...call };
}

function withModel(ctx: Ctx, agent: AgentKind): { model?: string } {
  const model = ctx.modelOverride[agent];
  return model ? { model } : {};
}

/** The output of the activity whose done event this is (the named guards and actions read it). */
const doneOutput = <O>(event: EventObject): O => (event as DoneActorEvent<O>).output;

/**
 * The canon or the cultural review of a tier-1 round, one region of the parallel state. After a
 * healed failure the round is retried: a review the round already has is kept.
 */
function reviewRegion(kind: 'canon' | 'cultural') {
  return {
    initial: 'check',
    states: {
      check: { always: [{ guard: { type: 'reviewedThisRound', params: { kind } }, target: 'done' }, { target: 'running' }] },
      running: {
        invoke: {
          src: 'agentStep',
          input: ({ context }: { context: Ctx }) => reviewCall(context, kind),
          onDone: { target: 'done', actions: { type: 'recordReview', params: kind } },
          onError: { target: '#task.healing', actions: { type: 'recordFailure', params: { phase: 'reviewing' } } },
        },
      },
      done: { type: 'final' },
    },
  } as const;
}

const failedIn = (phase: TaskPhase) => ({ target: '#task.healing', actions: { type: 'recordFailure' as const, params: { phase } } });

export const taskMachine = setup({
  types: {
    context: {} as Ctx,
    input: {} as TaskRecord,
    output: {} as { outcome: TaskOutcome; reason?: string; code?: string },
    /** Every state carries the task status it shows as (read with snapshot.hasTag). */
    tags: {} as TaskStatus,
  },
  actors: taskActivities,
  guards: {
    /** A re-run of a failed task (task retry) starts at the phase that failed. */
    retryAt: ({ context }, params: { phase: TaskPhase }) => context.record.retry?.phase === params.phase,
    moreSteps: ({ context }) => context.stepIndex + 1 < context.record.definition.steps.length,
    hasParallel: ({ context }) => reviewPlan(context).parallel.length > 0,
    reviewedThisRound: ({ context }, params: { kind: ReviewKind }) => thisRound(context, params.kind) !== undefined,
    anyReject: ({ context }) => roundVerdicts(context).includes('reject'),
    anyRevise: ({ context }) => roundVerdicts(context).includes('revise'),
    sequenceDone: ({ context }) => nextSequential(context) === undefined,
    // Checked on entering `revising`, after `round` moved on: round N is revision N - 1.
    roundsLeft: ({ context }) => context.round - 1 <= context.record.maxRounds,
    gatePasses: ({ event }) => doneOutput<GateOutput>(event).decision === 'auto',
    gateAsks: ({ event }) => doneOutput<GateOutput>(event).decision === 'approval',
    approvalGranted: ({ event }) => doneOutput<ApprovalOutput>(event).status === 'granted',
    approvalRejected: ({ event }) => doneOutput<ApprovalOutput>(event).status === 'rejected',
    /** A timed-out approval whose fallback is `fallback`; an escalated one has no further fallback. */
    timedOutTo: ({ context, event }, params: { fallback: ApprovalOutput['fallback'] }) => {
      const o = doneOutput<ApprovalOutput>(event);
      return o.status === 'timed_out' && o.fallback === params.fallback && !context.escalated;
    },
    coordinatorApproves: ({ event }) => (doneOutput<AgentStepOutput>(event).output as { decision?: string }).decision === 'approve',
    healerRetries: ({ event }) => doneOutput<HealOutput>(event).action === 'retry',
  },
  actions: {
    recordFailure: assign(({ event }, params: { phase: TaskPhase }) => {
      const err = (event as ErrorActorEvent).error as { code?: string; message?: string };
      return { failedPhase: params.phase, error: { code: err.code ?? 'INTERNAL', message: err.message ?? 'unknown error' } };
    }),
    storeOutput: assign(({ context, event }) => {
      const out = doneOutput<AgentStepOutput>(event);
      const step = currentStep(context);
      const moreSteps = context.stepIndex + 1 < context.record.definition.steps.length;
      return {
        outputs: { ...context.outputs, [step.id]: out.output },
        confidence: out.confidence,
        stepIndex: moreSteps ? context.stepIndex + 1 : context.stepIndex,
      };
    }),
    recordReview: assign(({ context, event }, kind: ReviewKind) => {
      const review = toReview(kind, doneOutput<AgentStepOutput>(event).output, context.round);
      return {
        reviews: [...context.reviews, review],
        forceApproval: context.forceApproval || review.escalate === true,
      };
    }),
    endWith: assign((_, params: { reason: string; by: RejectedBy }) => ({ endReason: params.reason, rejectedBy: params.by })),
    startRevision: assign(({ context }) => ({
      round: context.round + 1,
      feedback: context.reviews.filter((r) => r.round === context.round).flatMap((r) => r.issues),
      stepIndex: context.record.definition.steps.length - 1,
    })),
    applyRemedy: assign(({ context, event }) => retryContext(context, doneOutput<HealOutput>(event))),
    giveUp: assign(({ context, event }) => ({ endReason: doneOutput<HealOutput>(event).reason, endCode: context.error?.code ?? 'INTERNAL' })),
  },
}).createMachine({
  id: 'task',
  context: ({ input }) => ({ ...startContext(input), forceApproval: false, escalated: false, decidedBy: 'auto', gateReasons: [] }),
  initial: 'working',
  states: {
    // Every phase that can fail, so that a healed failure resumes where it was: leaving `working`
    // for `healing` records the phase in the history state `resume`, and a retry re-enters it.
    working: {
      initial: 'start',
      states: {
        start: {
          tags: 'pending',
          always: [
            { guard: { type: 'retryAt', params: { phase: 'reviewing' } }, target: 'reviewing' },
            { guard: { type: 'retryAt', params: { phase: 'gating' } }, target: 'gating' },
            { guard: { type: 'retryAt', params: { phase: 'approval' } }, target: 'gating' },
            { guard: { type: 'retryAt', params: { phase: 'executing' } }, target: 'executing' },
            { target: 'authoring' },
          ],
        },
        // Shallow: the phase is re-entered from its start (a review round re-checks what it has).
        resume: { type: 'history', history: 'shallow', target: 'authoring' },
        authoring: {
          tags: 'running',
          invoke: {
            src: 'agentStep',
            input: ({ context }) => {
              const call = authorInput(context);
              const step = currentStep(context);
              return { taskId: context.record.id, key: activityKey(context, 'authoring', step.id), phase: 'authoring' as const, part: step.id, ...withModel(context, call.agent), ...call };
            },
            onDone: [
              { guard: 'moreSteps', target: 'authoring', reenter: true, actions: 'storeOutput' },
              { target: 'reviewing', actions: 'storeOutput' },
            ],
            onError: failedIn('authoring'),
          },
        },
        reviewing: {
          tags: 'reviewing',
          initial: 'route',
          states: {
            route: { always: [{ guard: 'hasParallel', target: 'parallel' }, { target: 'sequential' }] },
            parallel: {
              type: 'parallel',
              states: { canon: reviewRegion('canon'), cultural: reviewRegion('cultural') },
              onDone: [
                { guard: 'anyReject', target: '#task.rejected', actions: { type: 'endWith', params: { reason: 'a reviewer rejected it', by: 'reviewer' } } },
                { guard: 'anyRevise', target: '#task.working.revising' },
                { target: 'sequential' },
              ],
            },
            sequential: { always: [{ guard: 'sequenceDone', target: '#task.working.gating' }, { target: 'one' }] },
            one: {
              invoke: {
                src: 'agentStep',
                input: ({ context }) => reviewCall(context, nextSequential(context) ?? 'coordinator'),
                onDone: { target: 'verdict', actions: { type: 'recordReview', params: ({ context }) => nextSequential(context) ?? 'coordinator' } },
                onError: failedIn('reviewing'),
              },
            },
            verdict: {
              always: [
                { guard: 'anyReject', target: '#task.rejected', actions: { type: 'endWith', params: { reason: 'a reviewer rejected it', by: 'reviewer' } } },
                { guard: 'anyRevise', target: '#task.working.revising' },
                { target: 'sequential' },
              ],
            },
          },
        },
        revising: {
          tags: 'running',
          entry: 'startRevision',
          always: [
            { guard: 'roundsLeft', target: 'authoring' },
            { target: '#task.rejected', actions: { type: 'endWith', params: { reason: 'revision rounds exhausted', by: 'reviewer' } } },
          ],
        },
        gating: {
          tags: 'running',
          invoke: {
            src: 'gate',
            input: ({ context }) => ({
              taskId: context.record.id,
              key: activityKey(context, 'gating', 'gate'),
              action: context.record.definition.gate.action,
              domain: context.record.definition.domain,
              confidence: context.confidence,
              forceApproval: context.forceApproval,
            }),
            onDone: [
              { guard: 'gatePasses', target: 'executing', actions: assign(({ event }) => ({ gate: event.output })) },
              { guard: 'gateAsks', target: 'awaitingApproval', actions: assign(({ event }) => ({ gateReasons: event.output.reasons, gate: event.output })) },
              { target: '#task.rejected', actions: assign(({ event }) => ({ endReason: `blocked: ${event.output.reasons.join('; ')}`, rejectedBy: 'policy' as const, gate: event.output })) },
            ],
            onError: failedIn('gating'),
          },
        },
        // The approval phase: a person's answer, or on a timeout the coordinator's. A failure in
        // either resumes by asking again.
        awaitingApproval: {
          tags: 'awaiting_approval',
          initial: 'asking',
          states: {
            asking: {
              invoke: {
                src: 'approval',
                input: ({ context }) => ({
                  taskId: context.record.id,
                  key: activityKey(context, 'approval', context.escalated ? 'escalated' : 'request'),
                  action: context.record.definition.gate.action,
                  reasons: context.gateReasons,
                  escalated: context.escalated,
                }),
                onDone: [
                  { guard: 'approvalGranted', target: '#task.working.executing', actions: assign(({ context, event }) => ({ decidedBy: 'person' as const, outputs: withEdit(context, event.output) })) },
                  { guard: 'approvalRejected', target: '#task.rejected', actions: { type: 'endWith', params: { reason: 'a person rejected it', by: 'person' } } },
                  { guard: { type: 'timedOutTo', params: { fallback: 'coordinator' } }, target: 'fallback' },
                  { guard: { type: 'timedOutTo', params: { fallback: 'escalate' } }, target: 'asking', reenter: true, actions: assign({ escalated: true }) },
                  { target: '#task.rejected', actions: { type: 'endWith', params: { reason: 'the approval timed out', by: 'policy' } } },
                ],
                onError: failedIn('approval'),
              },
            },
            fallback: {
              invoke: {
                src: 'agentStep',
                input: ({ context }) => {
                  const call = coordinatorInput(context, 'approval_fallback', { reason: 'the approval request timed out' });
                  return { taskId: context.record.id, key: activityKey(context, 'approval', 'fallback'), phase: 'approval' as const, part: 'fallback', ...withModel(context, 'coordinator'), ...call };
                },
                onDone: [
                  { guard: 'coordinatorApproves', target: '#task.working.executing', actions: assign({ decidedBy: 'coordinator' }) },
                  { target: '#task.rejected', actions: { type: 'endWith', params: { reason: 'the coordinator declined on fallback', by: 'coordinator' } } },
                ],
                onError: failedIn('approval'),
              },
            },
          },
        },
        executing: {
          tags: 'running',
          invoke: {
            src: 'execute',
            input: ({ context }) => ({
              taskId: context.record.id,
              key: activityKey(context, 'executing', context.record.definition.gate.action),
              action: context.record.definition.gate.action,
              outputs: context.outputs,
              by: context.decidedBy,
            }),
            onDone: '#task.completed',
            onError: failedIn('executing'),
          },
        },
      },
    },
    // A failed step: the healer diagnoses it, and its diagnosis says where the task goes next —
    // back into the phase that failed (the history state remembers which), or to `failed`.
    healing: {
      tags: 'running',
      invoke: {
        src: 'heal',
        input: ({ context }) => ({
          taskId: context.record.id,
          key: activityKey(context, context.failedPhase ?? 'authoring', 'heal'),
          phase: context.failedPhase ?? 'authoring',
          agent: failedAgent(context),
          error: context.error ?? { code: 'INTERNAL', message: 'unknown failure' },
          restarts: context.restarts,
        }),
        onDone: [
          { guard: 'healerRetries', target: '#task.working.resume', actions: 'applyRemedy' },
          { target: 'failed', actions: 'giveUp' },
        ],
        onError: { target: 'failed', actions: assign({ endReason: 'healing failed', endCode: 'INTERNAL' }) },
      },
    },
    completed: { type: 'final', tags: 'completed', entry: assign({ outcome: 'completed' as const }) },
    rejected: { type: 'final', tags: 'rejected', entry: assign({ outcome: 'rejected' as const }) },
    failed: { type: 'final', tags: 'failed', entry: assign({ outcome: 'failed' as const }) },
  },
  output: ({ context }) => {
    const outcome = context.outcome ?? 'failed';
    const code = outcome === 'failed' ? { code: context.endCode ?? 'INTERNAL' } : {};
    return context.endReason ? { outcome, reason: context.endReason, ...code } : { outcome, ...code };
  },
});

/** A person who approved an edited output publishes that instead of the last step's draft. */
function withEdit(ctx: Ctx, out: ApprovalOutput): Record<string, unknown> {
  const last = ctx.record.definition.steps.at(-1)?.id;
  if (!out.output || last === undefined) return ctx.outputs;
  return { ...ctx.outputs, [last]: out.output };
}

function failedAgent(ctx: Ctx): AgentKind | null {
  if (ctx.failedPhase === 'authoring') return currentStep(ctx).agent;
  if (ctx.failedPhase === 'reviewing') {
    // A parallel review still missing from this round means one of them failed.
    if (reviewPlan(ctx).parallel.some((k) => !thisRound(ctx, k))) return 'reviewer';
    return nextSequential(ctx) === 'coordinator' ? 'coordinator' : 'reviewer';
  }
  if (ctx.failedPhase === 'approval') return 'coordinator';
  return null;
}

function retryContext(ctx: Ctx, heal: HealOutput): Partial<Ctx> {
  const phase = ctx.failedPhase ?? 'authoring';
  const agent = failedAgent(ctx);
  const update: Partial<Ctx> = {
    attempts: { ...ctx.attempts, [phase]: (ctx.attempts[phase] ?? 0) + 1 },
    restarts: [...ctx.restarts, heal.at],
  };
  if (heal.model && agent) update.modelOverride = { ...ctx.modelOverride, [agent]: heal.model };
  return update;
}
