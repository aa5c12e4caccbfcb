// The task's activities as DBOS steps: each runs once and DBOS records its output, so a workflow
// replayed after a crash gets the recorded output back instead of running it again. A failure is
// recorded as a value (Settled), not thrown: the task machine heals it, DBOS does not retry it.
// The model call is the one activity that is not a step of the task: it is a workflow of its own
// on the model queue (task-workflow.ts), whose steps are defined here.
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { StructuredCallRequest, StructuredCallResult, StructuredModel } from '../../agents/client/types.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { StepView } from '../contract.js';
import type { AgentStepInput, AgentStepOutput, ApprovalInput, ApprovalOutput, ExecuteInput, GateInput, GateOutput, HealInput, HealOutput } from '../task/activities.js';
import type { Ended, Settled, TaskResult, TaskSnapshot } from './drive.js';
import type { TaskRecord } from '../task/context.js';
import type { LedgerStore } from '../../memory/store.js';
import { toMicros } from '../ledger/money.js';
import { callRequestOf } from './call-request.js';
import type { ModelCallJournal } from './model-calls.js';
import type { EventServices } from './event-workflow.js';
import type { SlaServices } from './sla-workflow.js';

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
  gate(input: GateInput): Promise<GateOutput>;
  execute(input: ExecuteInput): Promise<void>;
  heal(input: HealInput): Promise<HealOutput>;
  approvalRequested(request: ApprovalRequest): Promise<void>;
  /** The approval ended (decided, or timed out): its row and the task's view say so. */
  approvalEnded?(request: ApprovalRequest, out: ApprovalOutput): Promise<void>;
  /** A schedule fired and its task was made: its view and `schedule.fired`, before the task starts. */
  scheduled?(record: TaskRecord, scheduleId: string): Promise<void>;
  /** Keeps the task's view (and its events) from the machine's snapshots; none in the engine's own tests. */
  observer?: TaskObserver;
}

/** What a task's view is made from: its state after each batch of activities, and its result. */
export interface TaskObserver {
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

function modelCallOf(config: ResolvedConfig, model: StructuredModel, input: AgentStepInput): ModelCall {
  const request = callRequestOf(config, input);
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
  // The request is built inside the step: a replay sends what the first run sent, whatever the config says now.
  const call = await DBOS.runStep(
    async () => {
      const made = modelCallOf(services.config(), services.model, input);
      await journal.intent(made.key, workflowId, made.request.agent);
      return made;
    },
    { name: 'model.intent' },
  );
  const { model, ledger } = services;
  const sent = await DBOS.runStep(
    async (): Promise<Sent> => {
      const hold = { reservationId: call.key, taskId: call.taskId, agent: call.request.agent, estimateMicros: call.estimateMicros };
      const held = await ledger.reserve(hold, call.limits);
      if (!held.ok) return { ok: false, rerun: false, held: false, costUsd: 0, error: { code: 'BUDGET_EXCEEDED', message: refusal(held.limit, call.taskId) } };
      const { rerun } = await journal.sending(call.key);
      try {
        const result = await model.call(call.request);
        return { ok: true, rerun, result, at: Date.now() };
      } catch (err) {
        return { ok: false, rerun, held: true, costUsd: costOfFailure(err), error: failureOf(err) };
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
    },
    { name: 'model.result' },
  );
  if (!sent.ok) return { ok: false, error: sent.error };
  return { ok: true, output: stepOutput(call, sent.result, sent.rerun, sent.at) };
}

function stepOutput(call: ModelCall, result: StructuredCallResult, rerun: boolean, at: number): AgentStepOutput {
  const confidence = (result.output as { confidence?: number }).confidence ?? 0;
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
  return { output: result.output, confidence, costUsd: result.costUsd, timeline };
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

