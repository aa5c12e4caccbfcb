// A task is one DBOS workflow that drives the task machine (drive.ts) to its final state. Each
// activity is a recorded step (steps.ts); an agent step is a child workflow on the model queue, so
// the cluster-wide model limits hold; an approval is a DBOS message awaited until its absolute
// deadline. Replayed after a crash, the workflow gets every recorded output back in the same
// order and goes on from the first activity that had not ended.
import { createHash } from 'node:crypto';
import { DBOS, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import type { WorkflowHandle } from '@dbos-inc/dbos-sdk';
import { SystemError } from '../../core/errors.js';
import type { AgentStepInput, AgentStepOutput, ApprovalInput, ApprovalOutput, HealInput, HealOutput } from '../task/activities.js';
import type { TaskRecord } from '../task/context.js';
import { driveTask } from './drive.js';
import { registerEventWorkflows } from './event-workflow.js';
import type { EventRouting } from './event-workflow.js';
import { endSla, escalating, registerSlaWorkflow, slaOf, slaWorkflowId } from './sla-workflow.js';
import type { Invocation, Settled, TaskResult } from './drive.js';
import type { ModelCallJournal } from './model-calls.js';
import type { TaskView } from '../contract.js';
import { MODEL_QUEUE, TASK_QUEUE, TIMER_QUEUE } from './queues.js';
import { reviewMinutes } from '../task/step-events.js';
import { activityStep, recordStep, approvalRequestStep, modelCallSteps } from './steps.js';
import type { ClusterServices, HealDecided } from './steps.js';

/** What a person (or a peer's CLI) sends to a waiting approval. */
export interface ApprovalDecision {
  status: 'granted' | 'rejected';
  note?: string;
  /** An edited output to publish instead of the draft. */
  output?: Record<string, unknown>;
}

export const taskWorkflowId = (taskId: string): string => `task:${taskId}`;

/** A task another waits for, by the workflow whose result is its outcome (outcomeWorkflowId). */
export interface Dependency {
  taskId: string;
  workflowId: string;
}

/** A new task as it is started: its record, the tasks it waits for, and a flow's children. */
export interface TaskPlan {
  record: TaskRecord;
  after?: Dependency[];
  children?: TaskPlan[];
}

/**
 * The workflow whose result is a task's outcome, from the task's shape alone (so a dependent can
 * name it from the view): a flow's, a blocked task's wait (which runs the task after), or the task's own.
 */
export function outcomeWorkflowId(task: { id: string; children?: string[]; dependsOn: readonly string[] }): string {
  if (task.children) return `flow:${task.id}`;
  return task.dependsOn.length > 0 ? `wait:${task.id}` : taskWorkflowId(task.id);
}
const modelCallId = (key: string): string => `model:${key}`;
/** The message topic one approval's decision is sent on. */
const approvalTopic = (approvalId: string): string => `approval:${approvalId}`;
/** A short, stable approval id from the activity key (the embedded engine's derivation). */
const approvalIdOf = (key: string): string => `ap_${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;

export interface TaskWorkflows {
  task: (record: TaskRecord) => Promise<TaskResult>;
  /** Starts a new task's outcome workflow: a task on the task queue; a flow or a blocked task on the timers'. */
  /** once: a start of an id already taken throws DBOS's id-in-use error (it is otherwise a no-op). */
  start(plan: TaskPlan, once?: boolean): Promise<string>;
  /** A schedule's firing: started under one id per schedule and time by every supervisor, run once. */
  scheduled: (plan: TaskPlan, scheduleId: string) => Promise<void>;
  /** A routed event: started once for the whole cluster under `event:<id>` (event-workflow.ts). */
  event: (routing: EventRouting) => Promise<TaskView[]>;
}

/** The workflow of one firing of a schedule: the same on every supervisor, so DBOS runs it once. */
export const scheduledWorkflowId = (scheduleId: string, at: number): string => `schedule:${scheduleId}:${at}`;

/** Registers the task and model-call workflows; DBOS takes registrations only before launch. */
export function registerTaskWorkflows(services: ClusterServices, journal: ModelCallJournal, opts: { pollingIntervalMs: number }): TaskWorkflows {
  const modelCall = DBOS.registerWorkflow(
    (input: AgentStepInput) => modelCallSteps(services, journal, input, DBOS.workflowID ?? modelCallId(input.key)),
    { name: 'agentry.modelCall' },
  );

  const startModelCall = (input: AgentStepInput): Promise<WorkflowHandle<Settled<AgentStepOutput>>> =>
    DBOS.startWorkflow(modelCall, { workflowID: modelCallId(input.key), queueName: MODEL_QUEUE })(input);

  async function approval(input: ApprovalInput): Promise<Settled<ApprovalOutput>> {
    const workflowId = DBOS.workflowID ?? taskWorkflowId(input.taskId);
    const request = await approvalRequestStep(services, input, { approvalId: approvalIdOf(input.key), workflowId });
    const message = await DBOS.recv<unknown>(approvalTopic(request.id), { deadlineEpochMS: request.deadline, pollingIntervalMs: opts.pollingIntervalMs });
    if (message !== null && !isDecision(message)) return { ok: false, error: { code: 'INVALID_INPUT', message: `approval ${request.id}: the decision is not { status: granted | rejected }` } };
    const out: ApprovalOutput = { status: message === null ? 'timed_out' : message.status, fallback: request.fallback };
    if (message?.note !== undefined) out.note = message.note;
    if (message?.output !== undefined) out.output = message.output;
    await services.approvalEnded?.(request, out);
    return { ok: true, output: out };
  }

  /**
   * A failed activity: the policy decides at once, or asks the healer agent (a model call on the
   * model queue, as any other) and decides on its diagnosis. A remedy's wait is a durable sleep.
   */
  async function heal(input: HealInput): Promise<Settled<HealOutput>> {
    const first = await activityStep('heal', (i) => services.heal(i), input);
    if (!first.ok) return first;
    let decided: HealDecided;
    if ('consult' in first.output) {
      const { consult } = first.output;
      const call: AgentStepInput = { taskId: input.taskId, key: `${input.key}:healer`, phase: input.phase, part: 'heal', agent: 'healer', input: consult.input };
      const diagnosis = await modelCallResult((await startModelCall(call)).workflowID);
      const advised = await activityStep('heal.advice', (i) => services.healAdvice(i, consult, diagnosis), input);
      if (!advised.ok) return advised;
      decided = advised.output;
    } else decided = first.output;
    if (decided.waitMs !== undefined && decided.waitMs > 0) await DBOS.sleep(decided.waitMs);
    return { ok: true, output: decided.decided };
  }

  function runOne(inv: Invocation): Promise<Settled> {
    switch (inv.src) {
      case 'gate':
        return activityStep('gate', (i) => services.gate(i), inv.input);
      case 'execute':
        return activityStep('execute', async (i) => (await services.execute(i), null), inv.input);
      case 'heal':
        return heal(inv.input);
      case 'approval':
        return approval(inv.input);
      default:
        throw new SystemError('INTERNAL', 'an agent step runs on the model queue, not here');
    }
  }

  /**
   * One batch of activities the machine started together. DBOS numbers a workflow's operations
   * as they are called, so the calls go out in a fixed order: every model call is started first
   * (they run at once, on the model queue), then each result is awaited in start order.
   */
  async function runBatch(record: TaskRecord, batch: readonly Invocation[]): Promise<Settled[]> {
    const reviews = batch.flatMap((inv) => (inv.src === 'agentStep' && inv.input.review ? [{ input: inv.input, review: inv.input.review }] : []));
    // When the reviews were asked for (before any queue): their deadlines count from here.
    const requestedAt =
      reviews.length === 0
        ? 0
        : await DBOS.runStep(
            async () => {
              const at = Date.now();
              for (const { input, review } of reviews) await services.calls?.reviewRequested(record, input, review, at);
              return at;
            },
            { name: 'reviews.requested' },
          );
    const handles = new Map<number, WorkflowHandle<Settled<AgentStepOutput>>>();
    for (const [i, inv] of batch.entries()) if (inv.src === 'agentStep') handles.set(i, await startModelCall(inv.input));
    const out: Settled[] = [];
    for (const [i, inv] of batch.entries()) {
      const handle = handles.get(i);
      if (!handle || inv.src !== 'agentStep') {
        out.push(await runOne(inv));
        continue;
      }
      const settled = await callResult(record, inv.input, handle.workflowID, requestedAt);
      if (settled.ok && inv.input.review) await services.calls?.reviewed(record, inv.input, inv.input.review, settled.output.output, requestedAt);
      out.push(settled);
    }
    return out;
  }

  /**
   * A model call's result. A review past its deadline (sla.reviewMinutes) escalates while it is
   * awaited, in the task SLA's three tiers; DBOS keeps each wait's end, so a replay waits as long.
   */
  async function callResult(record: TaskRecord, input: AgentStepInput, workflowId: string, requestedAt: number): Promise<Settled<AgentStepOutput>> {
    const { review } = input;
    if (review !== undefined) {
      const deadline = requestedAt + reviewMinutes(services.config(), review, record.tier) * 60_000;
      const until = (at: number): Promise<Settled<AgentStepOutput> | null> => DBOS.getResult(workflowId, { pollingIntervalMs: opts.pollingIntervalMs, timeoutSeconds: Math.max(0, at - Date.now()) / 1000 });
      const settled = await escalating(services, deadline, until, (tier) => ({ taskId: input.taskId, domain: record.definition.domain, deadline, scope: review, tier, key: input.key }));
      if (settled !== null) return settled;
    }
    return modelCallResult(workflowId);
  }

  /** A model call's result, however long it takes (the call itself is bounded by models.timeoutMs). */
  async function modelCallResult(workflowId: string): Promise<Settled<AgentStepOutput>> {
    const settled = await DBOS.getResult<Settled<AgentStepOutput>>(workflowId, { pollingIntervalMs: opts.pollingIntervalMs });
    if (settled === null) throw new SystemError('INTERNAL', `model call ${workflowId} ended without a result`);
    return settled;
  }

  const { observer } = services;
  const sla = registerSlaWorkflow(services, opts);

  const task = DBOS.registerWorkflow(
    async (record: TaskRecord) => {
      await startSla(record);
      const { result } = await driveTask(record, (batch) => runBatch(record, batch), observer && ((snapshot, ended) => observer.progress(record, snapshot, ended)));
      return finished(record, result);
    },
    { name: 'agentry.task' },
  );

  function startSla(record: TaskRecord): Promise<unknown> {
    // Started again by the task after its wait: DBOS runs one workflow per id.
    return DBOS.startWorkflow(sla, { workflowID: slaWorkflowId(record.id) })(slaOf(services.config(), record));
  }

  async function finished(record: TaskRecord, result: TaskResult): Promise<TaskResult> {
    await endSla(record.id);
    await observer?.finished(record, result);
    return result;
  }

  /** A task's outcome once its workflow ends; a cancelled one did not complete. */
  async function outcomeOf(workflowId: string): Promise<TaskResult['outcome']> {
    try {
      const result = await DBOS.retrieveWorkflow<TaskResult>(workflowId).getResult({ pollingIntervalMs: opts.pollingIntervalMs });
      return result?.outcome ?? 'failed';
    } catch (err) {
      if (err instanceof DBOSErrors.DBOSAwaitedWorkflowCancelledError) return 'cancelled';
      throw err;
    }
  }

  // A blocked task waits here, on the timers queue, holding no place on the task queue; its
  // dependencies are awaited in order, and the first that does not complete fails it.
  const wait = DBOS.registerWorkflow(
    async (plan: TaskPlan) => {
      const { record } = plan;
      await startSla(record);
      for (const dep of plan.after ?? []) {
        const outcome = await outcomeOf(dep.workflowId);
        if (outcome !== 'completed') return finished(record, { outcome: 'failed', reason: `dependency ${dep.taskId} did not complete` });
        await observer?.dependencyResolved(record, dep.taskId);
      }
      const handle = await DBOS.startWorkflow(task, { workflowID: taskWorkflowId(record.id), queueName: TASK_QUEUE })(record);
      const outcome = await outcomeOf(handle.workflowID);
      return outcome === 'cancelled' ? { outcome: 'failed', reason: 'its task was cancelled' } : { outcome };
    },
    { name: 'agentry.wait' },
  );

  // A flow starts its children (each shown first, blocked or pending) and ends when they all have:
  // completed when each did, else as the first child that did not ended (as embedded), naming it.
  const flow = DBOS.registerWorkflow(
    async (plan: TaskPlan) => {
      const children = plan.children ?? [];
      await startSla(plan.record);
      for (const child of children) await observer?.accepted(child.record, child.record.dependsOn.length > 0 ? 'blocked' : 'pending');
      for (const child of children) await start(child);
      const outcomes: TaskResult['outcome'][] = [];
      for (const child of children) outcomes.push(await outcomeOf(outcomeWorkflowId(child.record)));
      const failed = outcomes.find((o) => o !== 'completed');
      return finished(plan.record, failed === undefined ? { outcome: 'completed' } : { outcome: failed, reason: `a child task ended ${failed}` });
    },
    { name: 'agentry.flow' },
  );

  async function start(plan: TaskPlan, once = false): Promise<string> {
    const { record } = plan;
    const workflowID = outcomeWorkflowId(record);
    // once: "reject" makes a second start of the id throw instead of being a no-op.
    const reuse = once ? { workflowIDReusePolicy: 'reject' as const } : {};
    if (record.children) await DBOS.startWorkflow(flow, { workflowID, queueName: TIMER_QUEUE, ...reuse })(plan);
    else if (record.dependsOn.length > 0) await DBOS.startWorkflow(wait, { workflowID, queueName: TIMER_QUEUE, ...reuse })(plan);
    else await DBOS.startWorkflow(task, { workflowID, queueName: TASK_QUEUE, ...reuse })(record);
    return workflowID;
  }

  // The firing supervisor's plan is the one that runs (every other start of this id is a
  // no-op): its view and events are written once, then its task is started as a child.
  const scheduled = DBOS.registerWorkflow(
    async (plan: TaskPlan, scheduleId: string) => {
      await recordStep('schedule.accept', () => services.scheduled?.(plan.record, scheduleId) ?? Promise.resolve(), opts.pollingIntervalMs);
      await start(plan);
    },
    { name: 'agentry.scheduled' },
  );
  // A routed event's tasks start as any new task: on the task queue.
  const event = registerEventWorkflows(services, start, opts);
  return { task, start, scheduled, event };
}

function isDecision(m: unknown): m is ApprovalDecision {
  if (typeof m !== 'object' || m === null) return false;
  const d = m as Record<string, unknown>;
  return (d['status'] === 'granted' || d['status'] === 'rejected') && (d['note'] === undefined || typeof d['note'] === 'string') && (d['output'] === undefined || (typeof d['output'] === 'object' && d['output'] !== null));
}

/** Anything that sends DBOS messages: DBOS itself in a supervisor, a DBOSClient elsewhere. */
export interface MessageSender {
  send<T>(destinationID: string, message: T, topic?: string, idempotencyKey?: string): Promise<void>;
}

/** Sends a decision to the task waiting on `approvalId`. The first decision sent is the one that counts. */
export function decideApproval(sender: MessageSender, taskId: string, approvalId: string, decision: ApprovalDecision): Promise<void> {
  return sender.send(taskWorkflowId(taskId), decision, approvalTopic(approvalId), `decision:${approvalId}`);
}
