// How a task's model call is told, the same whichever engine ran it (the embedded agent step, the
// cluster's task workflow): each event with the key that makes it once per step.
import type { StructuredCallResult } from '../../agents/client/types.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { ReviewTier } from '../../schemas/generated/types.js';
import { createEvent } from '../events.js';
import type { Keyed } from '../events.js';
import type { AgentStepInput } from './activities.js';
import type { ReviewKind } from './context.js';
import { toReview } from './reviews.js';
import type { TaskReview } from './reviews.js';

type Step = Pick<AgentStepInput, 'taskId' | 'key' | 'part' | 'agent'>;

/** The deadline of one review, minutes after it is asked for (sla.reviewMinutes, by kind and tier). */
export function reviewMinutes(cfg: Pick<ResolvedConfig, 'sla'>, kind: ReviewKind, tier: ReviewTier): number {
  const m = cfg.sla.reviewMinutes;
  if (kind === 'canon') return m.canon;
  if (kind === 'cultural') return tier === 1 ? m.culturalTier1 : m.culturalTier2;
  return m.coordinator;
}

export function stepStarted(s: Step, now: number): Keyed {
  return { event: createEvent('step.started', { taskId: s.taskId, step: s.part, agent: s.agent, stepKey: s.key }, now), key: `${s.key}:started` };
}

export function reviewRequested(s: Step, review: ReviewKind, tier: ReviewTier, deadline: number, now: number): Keyed {
  return { event: createEvent('review.requested', { taskId: s.taskId, review, tier, deadline: new Date(deadline).toISOString() }, now), key: `${s.key}:requested` };
}

/** A finished call: its model, cost, confidence and, for the timeline, tokens (cache included) and latency. */
export function stepCompleted(s: Step, result: StructuredCallResult, rerun: boolean, now: number): Keyed {
  const u = result.usage;
  const payload = {
    taskId: s.taskId,
    step: s.part,
    agent: s.agent,
    stepKey: s.key,
    model: result.model,
    costUsd: result.costUsd,
    confidence: confidenceOf(result.output),
    rerun,
    offline: result.offline,
    tokensIn: u.inputTokens + u.cacheWriteTokens + u.cacheReadTokens,
    tokensOut: u.outputTokens,
    latencyMs: Math.max(0, result.latencyMs),
  };
  return { event: createEvent('step.completed', payload, now), key: `${s.key}:completed` };
}

/** The confidence an agent's output states (0 when it states none). */
export function confidenceOf(output: unknown): number {
  return (output as { confidence?: number }).confidence ?? 0;
}

export function stepFailed(s: Step, error: { code: string; message: string }, now: number): Keyed {
  return { event: createEvent('step.failed', { taskId: s.taskId, step: s.part, agent: s.agent, code: error.code, message: error.message }, now), key: `${s.key}:failed` };
}

/** A finished review's event (verdict, issues, minutes since it was asked for) and its verdict. */
export function reviewCompleted(s: Step, review: ReviewKind, output: unknown, minutes: number, now: number): Keyed & { verdict: TaskReview['verdict'] } {
  const { verdict, issues } = toReview(review, output, 0);
  const score = (output as { score?: number }).score;
  const payload = { taskId: s.taskId, review, verdict, issues: issues.length, minutes, ...(score === undefined ? {} : { score }) };
  return { event: createEvent('review.completed', payload, now), key: `${s.key}:reviewed`, verdict };
}

/** Whether a coordinator's review decided to pause the task's domain. */
export function pausesDomain(review: ReviewKind, output: unknown): boolean {
  return review === 'coordinator' && (output as { decision?: string }).decision === 'pause_domain';
}
