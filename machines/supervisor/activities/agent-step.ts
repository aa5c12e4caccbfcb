// The agentStep activity: reserve the worst case, journal the intent, run the agent, settle the
// actual cost, journal the result. Review steps also carry an SLA deadline.
import { fromPromise } from 'xstate';
import { definitionOf } from '../../../agents/definitions.js';
import type { StructuredCallRequest, Usage } from '../../../agents/client/types.js';
import { AgentryError, PolicyError } from '../../../core/errors.js';
import type { AgentStepInput, AgentStepOutput } from '../../task/activities.js';
import type { ReviewKind } from '../../task/context.js';
import { toReview } from '../../task/reviews.js';
import type { TaskReview } from '../../task/reviews.js';
import { createEvent } from '../../events.js';
import { recordFallbackDecision } from './approval-step.js';
import type { FallbackDeps } from './approval-step.js';
import type { Runtime } from './runtime.js';
import { iso } from './runtime.js';

/** What an agent step uses of the runtime. */
export type AgentStepDeps = FallbackDeps & Pick<Runtime, 'agents' | 'config' | 'learned' | 'ledger' | 'memo' | 'model' | 'pauseDomain' | 'record' | 'recordOutcome' | 'sla' | 'views'>;
import type { StepView } from '../../contract.js';

function reviewMinutes(rt: Pick<Runtime, 'config'>, kind: ReviewKind, tier: number): number {
  const m = rt.config().sla.reviewMinutes;
  if (kind === 'canon') return m.canon;
  if (kind === 'cultural') return tier === 1 ? m.culturalTier1 : m.culturalTier2;
  return m.coordinator;
}

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
        rt.events.emit(createEvent('step.started', { taskId: input.taskId, step: input.part, agent: input.agent, stepKey: input.key }, rt.clock.now()), `${input.key}:started`);
        if (input.review) {
          const deadline = requestedAt + reviewMinutes(rt, input.review, record.tier) * 60_000;
          rt.events.emit(createEvent('review.requested', { taskId: input.taskId, review: input.review, tier: record.tier, deadline: iso(deadline) }, rt.clock.now()), `${input.key}:requested`);
          rt.sla.arm({ key: input.key, taskId: input.taskId, domain: record.definition.domain, scope: input.review, deadline });
        }
        try {
          const result = await rt.agents.dispatch(input.agent, input.key, request, record.priority);
          rt.ledger.settle(reservationId, result.costUsd, { rerun });
          const confidence = (result.output as { confidence?: number }).confidence ?? 0;
          rt.events.emit(
            createEvent('step.completed', { taskId: input.taskId, step: input.part, agent: input.agent, stepKey: input.key, model: result.model, costUsd: result.costUsd, confidence, rerun, offline: result.offline, ...stepFigures(result) }, rt.clock.now()),
            `${input.key}:completed`,
          );
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
          if (err instanceof AgentryError) {
            rt.events.emit(createEvent('step.failed', { taskId: input.taskId, step: input.part, agent: input.agent, code: err.code, message: err.message }, rt.clock.now()), `${input.key}:failed`);
          }
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
  const review = toReview(kind, output, 0);
  const minutes = Math.max(0, (rt.clock.now() - requestedAt) / 60_000);
  const score = (output as { score?: number }).score;
  const payload = { taskId: input.taskId, review: kind, verdict: review.verdict, issues: review.issues.length, minutes, ...(score === undefined ? {} : { score }) };
  rt.events.emit(createEvent('review.completed', payload, rt.clock.now()), `${input.key}:reviewed`);
  if (kind === 'coordinator' && (output as { decision?: string }).decision === 'pause_domain') {
    rt.pauseDomain(rt.record(input.taskId).definition.domain, `the coordinator paused it while reviewing ${input.taskId}`);
  }
  return review.verdict;
}

/** Tokens and latency of a finished call, for the step timeline (the console's task detail). */
function stepFigures(result: { usage: Usage; latencyMs: number }): { tokensIn: number; tokensOut: number; latencyMs: number } {
  const u = result.usage;
  return { tokensIn: u.inputTokens + u.cacheWriteTokens + u.cacheReadTokens, tokensOut: u.outputTokens, latencyMs: Math.max(0, result.latencyMs) };
}
