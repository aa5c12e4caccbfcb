// The task's activities as DBOS steps: each runs once and DBOS records its output, so a workflow
// replayed after a crash gets the recorded output back instead of running it again. A failure is
// recorded as a value (Settled), not thrown: the task machine heals it, DBOS does not retry it.
// The model call is the one activity that is not a step of the task: it is a workflow of its own
// on the model queue (task-workflow.ts), whose steps are defined here.
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { StructuredCallRequest, StructuredCallResult, StructuredModel } from '../../agents/client/types.js';
import type { StepView } from '../contract.js';
import type { AgentStepInput, AgentStepOutput, ApprovalInput, ApprovalOutput, ExecuteInput, GateInput, GateOutput, HealInput, HealOutput } from '../task/activities.js';
import type { Ended, Settled, TaskResult, TaskSnapshot } from './drive.js';
import type { ReviewKind, TaskRecord } from '../task/context.js';
import type { LedgerStore } from '../../memory/store.js';
import { toMicros } from '../ledger/money.js';
import { callRequestOf } from './call-request.js';
import type { LearnedModel } from './call-request.js';
import type { ModelCallJournal } from './model-calls.js';
import type { CallEnded, ClusterAgents } from './agent-calls.js';
import { countsAgainstBreaker } from '../agent/steps.js';
import { StoreError, toAgentryError } from '../../core/errors.js';
import { isOutage } from '../../memory/postgres/outage.js';
import { confidenceOf } from '../task/step-events.js';
import type { EventServices } from './event-workflow.js';
import type { SlaServices } from './sla-workflow.js';

/** A heal decided: the machine's output, and a durable wait before its retry (a backoff, a pause). */
export interface HealDecided {
  decided: HealOutput;
  waitMs?: number;
}

/** The healer agent is asked, on the model queue, with this input; `at` is the heal's time. */
interface HealConsult {
  input: unknown;
  at: number;
  /** The incident its events are told under. */
  incidentId: string;
}

type HealTriage = HealDecided | { consult: HealConsult };

/** Any other failure of a record step is tried six times over about 15 s (a blip, a deadlock) before it fails. */
const STORE_RETRIES = { retriesAllowed: true, maxAttempts: 6, intervalSeconds: 0.5, backoffRate: 2 } as const;

/**
 * A step that only records (keyed writes, safe to run again) and that nothing runs again if it
 * fails: an event's routing, a batch's tasks, a firing's acceptance. Failing would leave its
 * workflow ended in error, its id taken and its work never done, so while the store cannot be
 * reached it waits and tries again for as long as the outage lasts, as DBOS does with its own
 * tables in the same Postgres: from `firstWaitMs`, doubling, to at most 30 times that.
 */
export function recordStep<T>(name: string, record: () => Promise<T>, firstWaitMs: number): Promise<T> {
  return DBOS.runStep(
    async () => {
      for (let waitMs = firstWaitMs; ; waitMs = Math.min(waitMs * 2, firstWaitMs * 30)) {
        try {
          return await record();
        } catch (err) {
          if (!isStoreOutage(err)) throw err;
          await new Promise((resolve) => setTimeout(resolve, waitMs));
        }
      }
    },
    { name, ...STORE_RETRIES },
  );
}

const isStoreOutage = (err: unknown): boolean => (err instanceof StoreError && err.details['outage'] === true) || isOutage(err);

/** An approval as the engine asks for it: stored and shown by the caller's services. */
export interface ApprovalRequest {
  id: string;
  taskId: string;
  /** The task workflow a decision is sent to (decideApproval). */
  workflowId: string;
  action: string;
  reasons: string[];
  escalated: boolean;
  requestedAt: number;
  deadline: number;
  fallback: ApprovalOutput['fallback'];
}

/**
 * What the engine needs of the supervisor around it: config, the model, and the policy of each
 * activity (gate decision, delivery, healing, where an approval is shown). The engine makes them
 * durable; it decides none of them.
 */
export interface ClusterServices extends SlaServices, EventServices {
  model: StructuredModel;
  /** The daily budget every supervisor of the cluster shares (memory/postgres PgLedger). */
  ledger: LedgerStore;
  /** This supervisor's calls and breaker per agent; none in the engine's own tests. */
  agents?: ClusterAgents;
  /** The learning store's model for an agent (none: the config's). */
  learned?: LearnedModel;
  gate(input: GateInput): Promise<GateOutput>;
  execute(input: ExecuteInput): Promise<void>;
  /** The heal policy's first answer to a failure: decided, or the healer agent to consult. */
  heal(input: HealInput): Promise<HealTriage>;
  /** The policy's decision on the healer's diagnosis (a failed diagnosis fails the heal). */
  healAdvice(input: HealInput, consult: HealConsult, diagnosis: Settled<AgentStepOutput>): Promise<HealDecided>;
  approvalRequested(request: ApprovalRequest): Promise<void>;
  /** The approval ended (decided, or timed out): its row and the task's view say so. */
  approvalEnded?(request: ApprovalRequest, out: ApprovalOutput): Promise<void>;
  /** A schedule fired and its task was made: its view and `schedule.fired`, before the task starts. */
  scheduled?(record: TaskRecord, scheduleId: string): Promise<void>;
  /** Keeps the task's view (and its events) from the machine's snapshots; none in the engine's own tests. */
  observer?: TaskObserver;
  /** Tells a task's model calls and reviews as embedded does; none in the engine's own tests. */
  calls?: CallObserver;
}

/** How a call ended, for its step event. */
type CallEnd = { ok: true; result: StructuredCallResult; rerun: boolean } | { ok: false; error: { code: string; message: string } };

/** The events of a task's model calls: step.started and its end where the call runs, each review where the task runs. */
interface CallObserver {
  started(input: AgentStepInput): Promise<void>;
  ended(input: AgentStepInput, end: CallEnd): Promise<void>;
  reviewRequested(record: TaskRecord, input: AgentStepInput, review: ReviewKind, requestedAt: number): Promise<void>;
  /** A review's result reached the task: review.completed, and a coordinator's pause of the domain. */
  reviewed(record: TaskRecord, input: AgentStepInput, review: ReviewKind, output: unknown, requestedAt: number): Promise<void>;
}

/** What a task's view is made from: its acceptance, its state after each batch of activities, and its result. */
export interface TaskObserver {
  /** A task is shown before it runs: a flow's children as the flow starts them. */
  accepted(record: TaskRecord, status: 'pending' | 'blocked' | 'running'): Promise<unknown>;
  /** A blocked task's dependency completed. */
  dependencyResolved(record: TaskRecord, dependency: string): Promise<void>;
  progress(record: TaskRecord, snapshot: TaskSnapshot, ended: readonly Ended[]): Promise<void>;
  finished(record: TaskRecord, result: TaskResult): Promise<void>;
}

/** A model call as the model queue's workflow makes it: the task's step and its request. */
interface ModelCall {
  taskId: string;
  key: string;
  part: string;
  request: Omit<StructuredCallRequest, 'signal'>;
  /** The worst case the ledger holds for it, and the limits it is held against (as when it was first made). */
  estimateMicros: number;
  limits: { dailyMicros: number; perTaskMicros: number };
}

function modelCallOf(services: Pick<ClusterServices, 'config' | 'model' | 'learned'>, input: AgentStepInput): ModelCall {
  const config = services.config();
  const request = callRequestOf(config, input, services.learned);
  const { model } = services;
  return {
    taskId: input.taskId,
    key: input.key,
    part: input.part,
    request,
    estimateMicros: toMicros(model.worstCaseCost(request)),
    limits: { dailyMicros: toMicros(config.risk.dailySpendLimitUsd), perTaskMicros: toMicros(config.risk.perTaskCapUsd) },
  };
}

type Sent =
  | { ok: true; rerun: boolean; result: StructuredCallResult; at: number }
  | { ok: false; rerun: boolean; error: { code: string; message: string }; /** the ledger holds a reservation for it */ held: boolean; costUsd: number };

/**
 * The model call's three steps: the intent is journaled with the call's worst case; the worst
 * case is reserved in the shared ledger (or the call refused, BUDGET_EXCEEDED) and the request
 * sent, a send after an earlier one that has no result being a re-run, and saying so; the actual
 * cost is settled and the result journaled. The reservation is the step key's: a re-run after a
 * crash finds its hold still there (same terms, so reserving again is a no-op) and settles it once.
 */
export async function modelCallSteps(services: ClusterServices, journal: ModelCallJournal, input: AgentStepInput, workflowId: string): Promise<Settled<AgentStepOutput>> {
  // The request is built inside the step: a replay sends what the first run sent (its model too),
  // whatever the config or the learning store says now.
  const call = await DBOS.runStep(
    async () => {
      const made = modelCallOf(services, input);
      await journal.intent(made.key, workflowId, made.request.agent);
      return made;
    },
    { name: 'model.intent' },
  );
  const { model, ledger, agents } = services;
  const agent = call.request.agent;
  const sent = await DBOS.runStep(
    async (): Promise<Sent> => {
      const hold = { reservationId: call.key, taskId: call.taskId, agent, estimateMicros: call.estimateMicros };
      const held = await ledger.reserve(hold, call.limits);
      if (!held.ok) return { ok: false, rerun: false, held: false, costUsd: 0, error: { code: 'BUDGET_EXCEEDED', message: refusal(held.limit, call.taskId) } };
      // An open breaker refuses the call before it reaches the API (the result step frees the hold).
      if (agents && !agents.admit(agent, call.key)) return { ok: false, rerun: false, held: true, costUsd: 0, error: { code: 'BREAKER_OPEN', message: `${agent}: circuit breaker is open on this supervisor` } };
      let end: CallEnded | undefined;
      try {
        const { rerun } = await journal.sending(call.key);
        await services.calls?.started(input);
        try {
          const result = await model.call(call.request);
          end = { outcome: 'success', countsAgainstBreaker: true, costUsd: result.costUsd };
          return { ok: true, rerun, result, at: Date.now() };
        } catch (err) {
          const e = toAgentryError(err);
          const failed = { ok: false, rerun, held: true, costUsd: costOfFailure(err), error: failureOf(err) } as const;
          end = { outcome: 'failure', countsAgainstBreaker: countsAgainstBreaker(e.code, e.fault), costUsd: failed.costUsd, error: failed.error };
          return failed;
        }
      } finally {
        agents?.ended(agent, call.key, end);
      }
    },
    { name: 'model.call' },
  );
  await DBOS.runStep(
    async () => {
      const costUsd = sent.ok ? sent.result.costUsd : sent.costUsd;
      // A failed call that cost nothing never reached the API: its hold is freed, not charged.
      const held = sent.ok || sent.held;
      if (held && (sent.ok || costUsd > 0)) await ledger.settle(call.key, toMicros(costUsd), { rerun: sent.rerun });
      else if (held) await ledger.release(call.key);
      await journal.result(call.key, { rerun: sent.rerun, costUsd });
      await services.calls?.ended(input, sent.ok ? { ok: true, result: sent.result, rerun: sent.rerun } : { ok: false, error: sent.error });
    },
    { name: 'model.result' },
  );
  if (!sent.ok) return { ok: false, error: sent.error };
  return { ok: true, output: stepOutput(call, sent.result, sent.rerun, sent.at) };
}

function stepOutput(call: ModelCall, result: StructuredCallResult, rerun: boolean, at: number): AgentStepOutput {
  const confidence = confidenceOf(result.output);
  const timeline: StepView = {
    key: call.key,
    step: call.part,
    agent: call.request.agent,
    model: result.model,
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    costUsd: result.costUsd,
    latencyMs: result.latencyMs,
    at: new Date(at).toISOString(),
    rerun,
  };
  return { output: result.output, confidence, costUsd: result.costUsd, timeline, usage: result.usage };
}

/** One policy activity as a recorded step; what it throws is recorded as its failure. */
export function activityStep<I, O>(name: string, fn: (input: I) => Promise<O>, input: I): Promise<Settled<O>> {
  return DBOS.runStep(
    async (): Promise<Settled<O>> => {
      try {
        return { ok: true, output: await fn(input) };
      } catch (err) {
        return { ok: false, error: failureOf(err) };
      }
    },
    { name },
  );
}

/** The approval's request, recorded with its absolute deadline: a replay waits for the same one. */
export function approvalRequestStep(services: ClusterServices, input: ApprovalInput, ids: { approvalId: string; workflowId: string }): Promise<ApprovalRequest> {
  return DBOS.runStep(
    async () => {
      const cfg = services.config().approvals;
      const requestedAt = Date.now();
      const request: ApprovalRequest = {
        id: ids.approvalId,
        taskId: input.taskId,
        workflowId: ids.workflowId,
        action: input.action,
        reasons: input.escalated ? [...input.reasons, 'escalated: the first request timed out'] : input.reasons,
        escalated: input.escalated,
        requestedAt,
        deadline: requestedAt + cfg.timeoutMinutes * 60_000,
        fallback: input.escalated ? 'reject' : cfg.fallback,
      };
      await services.approvalRequested(request);
      return request;
    },
    { name: 'approval.request' },
  );
}

function refusal(limit: 'daily' | 'task', taskId: string): string {
  return limit === 'daily' ? 'the call could push spend over the daily spend limit' : `the call could push task "${taskId}" over its per-task cap`;
}

/** What a failed call cost anyway (a model error reports it in its details), in USD. */
function costOfFailure(err: unknown): number {
  const cost = (err as { details?: { costUsd?: unknown } } | null)?.details?.costUsd;
  return typeof cost === 'number' && cost > 0 ? cost : 0;
}

/** What a failed activity leaves: its registry code and message (a bug is INTERNAL). */
function failureOf(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : 'INTERNAL';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return { code, message };
}

