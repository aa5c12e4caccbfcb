// One task: author step(s) → review chain by tier → gate → approval → action. Deterministic:
// every side effect is a keyed activity (activities.ts), so replaying a task after a crash walks
// the same path with recorded results. Failures are states: a failed step goes to healing.
import { assign, setup } from 'xstate';
import type { DoneActorEvent, ErrorActorEvent } from 'xstate';
import type { AgentKind } from '../../agents/client/types.js';
import type { ReviewView } from '../contract.js';
import { taskActivities } from './activities.js';
import type { AgentStepOutput, ApprovalOutput, GateOutput, HealOutput } from './activities.js';
import { activityKey, currentStep, reviewPlan, startContext } from './context.js';
import type { ReviewKind, TaskContext, TaskPhase, TaskRecord } from './context.js';
import { authorInput, coordinatorInput, reviewerInput } from './inputs.js';
import { toReview } from './reviews.js';

export type TaskOutcome = 'completed' | 'rejected' | 'failed';

type Ctx = TaskContext & {
  forceApproval: boolean;
  escalated: boolean;
  decidedBy: 'auto' | 'person' | 'coordinator';
  outcome?: TaskOutcome;
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

export const taskMachine = setup({
  types: {
    context: {} as Ctx,
    input: {} as TaskRecord,
    output: {} as { outcome: TaskOutcome; reason?: string; code?: string },
  },
  actors: taskActivities,
  guards: {
    moreSteps: ({ context }) => context.stepIndex + 1 < context.record.definition.steps.length,
    hasParallel: ({ context }) => reviewPlan(context).parallel.length > 0,
    anyReject: ({ context }) => roundVerdicts(context).includes('reject'),
    anyRevise: ({ context }) => roundVerdicts(context).includes('revise'),
    sequenceDone: ({ context }) => nextSequential(context) === undefined,
    // Checked on entering `revising`, after `round` moved on: round N is revision N - 1.
    roundsLeft: ({ context }) => context.round - 1 <= context.record.maxRounds,
  },
  actions: {
    recordFailure: assign(({ event }, params: { phase: TaskPhase }) => {
      const err = (event as ErrorActorEvent).error as { code?: string; message?: string };
      return { failedPhase: params.phase, error: { code: err.code ?? 'INTERNAL', message: err.message ?? 'unknown error' } };
    }),
    storeOutput: assign(({ context, event }) => {
      const out = (event as DoneActorEvent<AgentStepOutput>).output;
      const step = currentStep(context);
      const moreSteps = context.stepIndex + 1 < context.record.definition.steps.length;
      return {
        outputs: { ...context.outputs, [step.id]: out.output },
        confidence: out.confidence,
        stepIndex: moreSteps ? context.stepIndex + 1 : context.stepIndex,
      };
    }),
    recordReview: assign(({ context, event }, kind: ReviewKind) => {
      const out = (event as DoneActorEvent<AgentStepOutput>).output;
      const review = toReview(kind, out.output, context.round);
      return {
        reviews: [...context.reviews, review],
        forceApproval: context.forceApproval || review.escalate === true,
      };
    }),
  },
}).createMachine({
  id: 'task',
  context: ({ input }) => ({ ...startContext(input), forceApproval: false, escalated: false, decidedBy: 'auto', gateReasons: [] }),
  initial: 'start',
  states: {
    // A retry (task retry) starts at the phase that failed, with what the first run had produced.
    start: {
      always: [
        { guard: ({ context }) => context.record.retry?.phase === 'reviewing', target: 'reviewing' },
        { guard: ({ context }) => context.record.retry?.phase === 'gating', target: 'gating' },
        { guard: ({ context }) => context.record.retry?.phase === 'approval', target: 'gating' },
        { guard: ({ context }) => context.record.retry?.phase === 'executing', target: 'executing' },
        { target: 'authoring' },
      ],
    },
    authoring: {
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
        onError: { target: 'healing', actions: { type: 'recordFailure' as const, params: { phase: 'authoring' as const } } },
      },
    },
    reviewing: {
      initial: 'route',
      states: {
        route: { always: [{ guard: 'hasParallel', target: 'parallel' }, { target: 'sequential' }] },
        parallel: {
          type: 'parallel',
          states: {
            canon: {
              initial: 'check',
              states: {
                // After a healed failure the round is retried: a review it already has is kept.
                check: { always: [{ guard: ({ context }) => thisRound(context, 'canon') !== undefined, target: 'done' }, { target: 'running' }] },
                running: {
                  invoke: {
                    src: 'agentStep',
                    input: ({ context }) => reviewCall(context, 'canon'),
                    onDone: { target: 'done', actions: { type: 'recordReview', params: 'canon' } },
                    onError: { target: '#task.healing', actions: { type: 'recordFailure', params: { phase: 'reviewing' } } },
                  },
                },
                done: { type: 'final' },
              },
            },
            cultural: {
              initial: 'check',
              states: {
                // After a healed failure the round is retried: a review it already has is kept.
                check: { always: [{ guard: ({ context }) => thisRound(context, 'cultural') !== undefined, target: 'done' }, { target: 'running' }] },
                running: {
                  invoke: {
                    src: 'agentStep',
                    input: ({ context }) => reviewCall(context, 'cultural'),
                    onDone: { target: 'done', actions: { type: 'recordReview', params: 'cultural' } },
                    onError: { target: '#task.healing', actions: { type: 'recordFailure', params: { phase: 'reviewing' } } },
                  },
                },
                done: { type: 'final' },
              },
            },
          },
          onDone: [
            { guard: 'anyReject', target: '#task.rejected', actions: assign({ endReason: 'a reviewer rejected it' }) },
            { guard: 'anyRevise', target: '#task.revising' },
            { target: 'sequential' },
          ],
        },
        sequential: { always: [{ guard: 'sequenceDone', target: '#task.gating' }, { target: 'one' }] },
        one: {
          invoke: {
            src: 'agentStep',
            input: ({ context }) => reviewCall(context, nextSequential(context) ?? 'coordinator'),
            onDone: {
              target: 'verdict',
              actions: assign(({ context, event }) => {
                const kind = nextSequential(context) ?? 'coordinator';
                const review = toReview(kind, event.output.output, context.round);
                return { reviews: [...context.reviews, review], forceApproval: context.forceApproval || review.escalate === true };
              }),
            },
            onError: { target: '#task.healing', actions: { type: 'recordFailure' as const, params: { phase: 'reviewing' as const } } },
          },
        },
        verdict: {
          always: [
            { guard: 'anyReject', target: '#task.rejected', actions: assign({ endReason: 'a reviewer rejected it' }) },
            { guard: 'anyRevise', target: '#task.revising' },
            { target: 'sequential' },
          ],
        },
      },
    },
    revising: {
      entry: assign(({ context }) => ({
        round: context.round + 1,
        feedback: context.reviews.filter((r) => r.round === context.round).flatMap((r) => r.issues),
        stepIndex: context.record.definition.steps.length - 1,
      })),
      always: [
        { guard: 'roundsLeft', target: 'authoring' },
        { target: 'rejected', actions: assign({ endReason: 'revision rounds exhausted' }) },
      ],
    },
    gating: {
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
          { guard: ({ event }) => event.output.decision === 'auto', target: 'executing', actions: assign(({ event }) => ({ gate: event.output })) },
          { guard: ({ event }) => event.output.decision === 'approval', target: 'awaitingApproval', actions: assign(({ event }) => ({ gateReasons: event.output.reasons, gate: event.output })) },
          { target: 'rejected', actions: assign(({ event }) => ({ endReason: `blocked: ${event.output.reasons.join('; ')}`, gate: event.output })) },
        ],
        onError: { target: 'healing', actions: { type: 'recordFailure' as const, params: { phase: 'gating' as const } } },
      },
    },
    awaitingApproval: {
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
          { guard: ({ event }) => event.output.status === 'granted', target: 'executing', actions: assign(({ context, event }) => ({ decidedBy: 'person' as const, outputs: withEdit(context, event.output) })) },
          { guard: ({ event }) => event.output.status === 'rejected', target: 'rejected', actions: assign({ endReason: 'a person rejected it' }) },
          { guard: ({ event, context }) => fallbackIs(event.output, 'coordinator') && !context.escalated, target: 'fallback' },
          { guard: ({ event, context }) => fallbackIs(event.output, 'escalate') && !context.escalated, target: 'awaitingApproval', reenter: true, actions: assign({ escalated: true }) },
          { target: 'rejected', actions: assign({ endReason: 'the approval timed out' }) },
        ],
        onError: { target: 'healing', actions: { type: 'recordFailure' as const, params: { phase: 'approval' as const } } },
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
          { guard: ({ event }) => (event.output.output as { decision?: string }).decision === 'approve', target: 'executing', actions: assign({ decidedBy: 'coordinator' }) },
          { target: 'rejected', actions: assign({ endReason: 'the coordinator declined on fallback' }) },
        ],
        onError: { target: 'healing', actions: { type: 'recordFailure' as const, params: { phase: 'approval' as const } } },
      },
    },
    executing: {
      invoke: {
        src: 'execute',
        input: ({ context }) => ({
          taskId: context.record.id,
          key: activityKey(context, 'executing', context.record.definition.gate.action),
          action: context.record.definition.gate.action,
          outputs: context.outputs,
          by: context.decidedBy,
        }),
        onDone: 'completed',
        onError: { target: 'healing', actions: { type: 'recordFailure' as const, params: { phase: 'executing' as const } } },
      },
    },
    healing: {
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
          {
            guard: ({ event }) => event.output.action === 'retry',
            target: 'resume',
            actions: assign(({ context, event }) => retryContext(context, event.output)),
          },
          { target: 'failed', actions: assign(({ context, event }) => ({ endReason: event.output.reason, endCode: context.error?.code ?? 'INTERNAL' })) },
        ],
        onError: { target: 'failed', actions: assign({ endReason: 'healing failed', endCode: 'INTERNAL' }) },
      },
    },
    resume: {
      always: [
        { guard: ({ context }) => context.failedPhase === 'reviewing', target: 'reviewing' },
        { guard: ({ context }) => context.failedPhase === 'gating', target: 'gating' },
        { guard: ({ context }) => context.failedPhase === 'approval', target: 'awaitingApproval' },
        { guard: ({ context }) => context.failedPhase === 'executing', target: 'executing' },
        { target: 'authoring' },
      ],
    },
    completed: { type: 'final', entry: assign({ outcome: 'completed' as const }) },
    rejected: { type: 'final', entry: assign({ outcome: 'rejected' as const }) },
    failed: { type: 'final', entry: assign({ outcome: 'failed' as const }) },
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

function fallbackIs(output: unknown, fallback: ApprovalOutput['fallback']): boolean {
  const o = output as ApprovalOutput;
  return o.status === 'timed_out' && o.fallback === fallback;
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
