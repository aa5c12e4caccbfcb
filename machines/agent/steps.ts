// What the agent does on each event, as pure functions of (context, event, now) → Step.
// The machine applies a Step: assign the patch, deliver replies, emit events, free tokens.
import { ModelCallError, PolicyError, UserError, toAgentryError } from '../../core/errors.js';
import { createEvent } from '../events.js';
import type { EventOf } from '../events.js';
import { stepBreaker } from './breaker.js';
import type { BreakerInput } from './breaker.js';
import { admits } from './breaker.js';
import { knows } from './context.js';
import type { AgentContext } from './context.js';
import type { AgentResult, RunRequestEvent } from './events.js';
import type { RunSettled } from '../run.js';
import { enqueue } from './mailbox.js';
import { recordEnd, recordRefusal } from './stats.js';
import { toReplyError } from './replies.js';

interface Reply {
  result: AgentResult;
}

export interface Step {
  patch: Partial<AgentContext>;
  replies: Reply[];
  emits: Array<EventOf<'agent.breaker'> | EventOf<'agent.failed'>>;
  /** Global in-flight tokens to give back. */
  release: number;
  /** A child run to stop (cancelled or finished). */
  stop?: string;
}

const failure = (requestId: string, err: unknown): AgentResult => ({
  type: 'agent.result', requestId, ok: false, error: toReplyError(err),
});

export function acceptStep(ctx: AgentContext, event: RunRequestEvent, now: number): Step {
  const refusal = refusalOf(ctx, event, now);
  if (refusal) {
    const reply: Reply = { result: failure(event.requestId, refusal) };
    return { patch: { stats: recordRefusal(ctx.stats) }, replies: [reply], emits: [], release: 0 };
  }
  const queued = { requestId: event.requestId, request: event.request, priority: event.priority, enqueuedAt: now };
  const step: Step = { patch: { mailbox: enqueue(ctx.mailbox, queued) }, replies: [], emits: [], release: 0 };
  return withBreaker(ctx, { type: 'admit', requestId: event.requestId, now }, now, step);
}

function refusalOf(ctx: AgentContext, event: RunRequestEvent, now: number): Error | null {
  if (knows(ctx, event.requestId)) return new UserError('CONFLICT', `request ${event.requestId} is already queued or running`);
  if (!admits(ctx.breaker, now, ctx.breakerConfig)) return new PolicyError('BREAKER_OPEN', `${ctx.kind}: circuit breaker is ${ctx.breaker.status}`);
  if (ctx.mailbox.length >= ctx.mailboxCapacity) return new PolicyError('AGENT_BUSY', `${ctx.kind}: mailbox is full (${ctx.mailboxCapacity})`);
  return null;
}

/** A run finished (done or error). Unknown ids (a cancelled run) are ignored. */
export function settleStep(ctx: AgentContext, outcome: RunSettled, now: number): Step | null {
  const { requestId } = outcome;
  const run = ctx.inFlight.find((r) => r.requestId === requestId);
  if (!run) return null;
  const inFlight = ctx.inFlight.filter((r) => r !== run);
  const base = { startedAt: run.startedAt, now, inFlightAfter: inFlight.length };
  if (outcome.ok) {
    const stats = recordEnd(ctx.stats, { ...base, outcome: 'success', costUsd: outcome.result.costUsd });
    // A finished run is stopped: XState keeps done children, and copies them on every spawn.
    const step: Step = { patch: { inFlight, stats }, replies: [{ result: { type: 'agent.result', requestId, ok: true, result: outcome.result } }], emits: [], release: 1, stop: run.runId };
    return withBreaker(ctx, { type: 'success', requestId }, now, step);
  }
  const e = toAgentryError(outcome.error);
  const stats = recordEnd(ctx.stats, { ...base, outcome: 'failure', error: { code: e.code, message: e.message } });
  const failed = createEvent('agent.failed', { agent: ctx.kind, code: e.code, message: e.message, ...taskOf(run.stepKey) }, now);
  const step: Step = { patch: { inFlight, stats }, replies: [{ result: failure(requestId, e) }], emits: [failed], release: 1, stop: run.runId };
  const verdict: BreakerInput = countsAgainstBreaker(e.code, e.fault) ? { type: 'failure', requestId, now } : { type: 'release', requestId };
  return withBreaker(ctx, verdict, now, step);
}

/** The caller's own mistakes and cancellations say nothing about the model API's health. */
export function countsAgainstBreaker(code: string, fault: string): boolean {
  return fault !== 'user' && code !== 'MODEL_ABORTED';
}

export function cancelStep(ctx: AgentContext, requestId: string, now: number): Step | null {
  const aborted = failure(requestId, new ModelCallError('MODEL_ABORTED', `request ${requestId} was cancelled`, { retryable: false }));
  const queued = ctx.mailbox.some((q) => q.requestId === requestId);
  const run = ctx.inFlight.find((r) => r.requestId === requestId);
  if (!queued && !run) return null;
  const stats = run
    ? recordEnd(ctx.stats, { outcome: 'cancelled', startedAt: run.startedAt, now, inFlightAfter: ctx.inFlight.length - 1 })
    : { ...ctx.stats, cancelled: ctx.stats.cancelled + 1 };
  const step: Step = {
    patch: { stats, mailbox: ctx.mailbox.filter((q) => q.requestId !== requestId), inFlight: ctx.inFlight.filter((r) => r !== run) },
    replies: [{ result: aborted }],
    emits: [],
    release: run ? 1 : 0,
  };
  if (run) step.stop = run.runId;
  return withBreaker(ctx, { type: 'release', requestId }, now, step);
}

/** Applies a breaker input; on a change emits `agent.breaker`, and on opening refuses the queue. */
function withBreaker(ctx: AgentContext, input: BreakerInput, now: number, step: Step): Step {
  const breaker = stepBreaker(ctx.breaker, input, ctx.breakerConfig);
  if (breaker === ctx.breaker) return step;
  const next: Step = { ...step, patch: { ...step.patch, breaker } };
  if (breaker.status === ctx.breaker.status) return next;
  next.emits = [...step.emits, createEvent('agent.breaker', { agent: ctx.kind, state: breaker.status }, now)];
  if (breaker.status !== 'open') return next;
  // Work queued behind a failing API is refused now rather than sent into it later.
  const queue = step.patch.mailbox ?? ctx.mailbox;
  const refused = queue.map((q) => ({ result: failure(q.requestId, new PolicyError('BREAKER_OPEN', `${ctx.kind}: circuit breaker opened`)) }));
  const stats = step.patch.stats ?? ctx.stats;
  next.patch = { ...next.patch, mailbox: [], stats: { ...stats, refused: stats.refused + refused.length } };
  next.replies = [...step.replies, ...refused];
  return next;
}

// stepKey is `taskId:step:attempt` (agents/client/types.ts): the journal wants the task id.
function taskOf(stepKey: string): { taskId?: string } {
  const at = stepKey.indexOf(':');
  return at > 0 ? { taskId: stepKey.slice(0, at) } : {};
}
