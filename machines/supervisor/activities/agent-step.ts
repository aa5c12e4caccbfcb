// The agentStep activity: reserve the worst case, journal the intent, run the agent, settle the
// actual cost, journal the result. Review steps also carry an SLA deadline.
import { fromPromise } from 'xstate';
import { definitionOf } from '../../../agents/definitions.js';
import type { StructuredCallRequest } from '../../../agents/client/types.js';
import { AgentryError, PolicyError } from '../../../core/errors.js';
import type { AgentStepInput, AgentStepOutput } from '../../task/activities.js';
import type { ReviewKind } from '../../task/context.js';
import type { TaskReview } from '../../task/reviews.js';
import { confidenceOf, pausesDomain, reviewCompleted, reviewMinutes, reviewRequested, stepCompleted, stepFailed, stepStarted } from '../../task/step-events.js';
import type { Keyed } from '../../events.js';
import { recordFallbackDecision } from './approval-step.js';
import type { FallbackDeps } from './approval-step.js';
import type { Runtime } from './runtime.js';
import { iso } from './runtime.js';

/** What an agent step uses of the runtime. */
export type AgentStepDeps = FallbackDeps & Pick<Runtime, 'agents' | 'config' | 'learned' | 'ledger' | 'memo' | 'model' | 'pauseDomain' | 'record' | 'recordOutcome' | 'sla' | 'views'>;
import type { StepView } from '../../contract.js';

function modelFor(rt: Pick<Runtime, 'config' | 'learned'>, input: AgentStepInput): string {
  const cfg = rt.config();
  return input.model ?? rt.learned.model(input.agent) ?? cfg.models.byAgent[input.agent] ?? cfg.models.default;
}

export function agentStepLogic(rt: AgentStepDeps) {
  return fromPromise<AgentStepOutput, AgentStepInput>(async ({ input }) => {
    const record = rt.record(input.taskId);
    const def = definitionOf(input.agent);
    const cfg = rt.config();
    const request: Omit<StructuredCallRequest, 'signal'> = {
      agent: input.agent,
      stepKey: input.key,
      model: modelFor(rt, input),
      system: def.rolePrompt,
      inputSchema: def.inputSchema,
      outputSchema: def.outputSchema,
      input: input.input,
      maxTokens: Math.min(cfg.models.maxTokens, def.defaults.maxTokens),
      timeoutMs: cfg.models.timeoutMs,
    };
    const estimateUsd = rt.model.worstCaseCost(request);
    const run = await rt.memo.run<AgentStepOutput>(
      input.key,
      input.taskId,
      async ({ rerun, data }) => {
        const requestedAt = (data as { requestedAt?: number } | undefined)?.requestedAt ?? rt.clock.now();
        const reservationId = `${input.key}#${rerun ? 'rerun' : 'first'}`;
        const reserved = rt.ledger.reserve({ reservationId, taskId: input.taskId, agent: input.agent, estimateUsd });
        if (!reserved.ok) throw new PolicyError('BUDGET_EXCEEDED', reserved.reason, { details: { limit: reserved.limit, estimateUsd } });
        emit(rt, stepStarted(input, rt.clock.now()));
        if (input.review) {
          const deadline = requestedAt + reviewMinutes(cfg, input.review, record.tier) * 60_000;
          emit(rt, reviewRequested(input, input.review, record.tier, deadline, rt.clock.now()));
          rt.sla.arm({ key: input.key, taskId: input.taskId, domain: record.definition.domain, scope: input.review, deadline });
        }
        try {
          const result = await rt.agents.dispatch(input.agent, input.key, request, record.priority);
          rt.ledger.settle(reservationId, result.costUsd, { rerun });
          const confidence = confidenceOf(result.output);
          emit(rt, stepCompleted(input, result, rerun, rt.clock.now()));
          const verdict = input.review ? reviewDone(rt, input, result.output, requestedAt) : null;
          if (input.phase === 'approval' && input.part === 'fallback') recordFallbackDecision(rt, input.taskId, input.key, result.output);
          rt.recordOutcome(input.taskId, 'step', { agent: input.agent, model: result.model, costUsd: result.costUsd, confidence, latencyMs: result.latencyMs, usage: result.usage, review: input.review ?? null, verdict });
          const timeline: StepView = {
            key: input.key,
            step: input.part,
            agent: input.agent,
            model: result.model,
            inputTokens: result.usage.inputTokens,
            outputTokens: result.usage.outputTokens,
            costUsd: result.costUsd,
            latencyMs: result.latencyMs,
            at: iso(rt.clock.now()),
            rerun,
          };
          return { value: { output: result.output, confidence, costUsd: result.costUsd, timeline }, costUsd: result.costUsd };
        } catch (err) {
          const cost = err instanceof AgentryError && typeof err.details['costUsd'] === 'number' ? err.details['costUsd'] : 0;
          if (cost > 0) rt.ledger.settle(reservationId, cost, { rerun });
          else rt.ledger.release(reservationId);
          if (err instanceof AgentryError) emit(rt, stepFailed(input, err, rt.clock.now()));
          throw err;
        } finally {
          rt.sla.clear(input.key);
        }
      },
      { estimateUsd, data: { requestedAt: rt.clock.now() } },
    );
    const view = rt.views.get(input.taskId);
    if (view) {
      // A replayed step adds its timeline line again after a restart (the view was rebuilt), once.
      const line = run.value.timeline;
      const steps = line && !(view.steps ?? []).some((s) => s.key === line.key) ? { steps: [...(view.steps ?? []), line] } : {};
      const cost = run.replayed ? {} : { costUsd: view.costUsd + run.costUsd, step: input.part };
      if (Object.keys(steps).length + Object.keys(cost).length > 0) rt.views.update(input.taskId, { ...cost, ...steps }, rt.clock.now());
    }
    return run.value;
  });
}

/** Records a finished review (event, SLA minutes, a coordinator's domain pause); returns its verdict. */
function reviewDone(rt: Pick<Runtime, 'clock' | 'events' | 'pauseDomain' | 'record'>, input: AgentStepInput, output: unknown, requestedAt: number): TaskReview['verdict'] {
  const kind = input.review as ReviewKind;
  const done = reviewCompleted(input, kind, output, Math.max(0, (rt.clock.now() - requestedAt) / 60_000), rt.clock.now());
  emit(rt, done);
  if (pausesDomain(kind, output)) rt.pauseDomain(rt.record(input.taskId).definition.domain, `the coordinator paused it while reviewing ${input.taskId}`);
  return done.verdict;
}

function emit(rt: Pick<Runtime, 'events'>, told: Keyed): void {
  rt.events.emit(told.event, told.key);
}

