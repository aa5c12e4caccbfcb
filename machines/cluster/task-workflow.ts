// A task is one DBOS workflow that drives the task machine (drive.ts) to its final state. Each
// activity is a recorded step (steps.ts); an agent step is a child workflow on the model queue, so
// the cluster-wide model limits hold; an approval is a DBOS message awaited until its absolute
// deadline. Replayed after a crash, the workflow gets every recorded output back in the same
// order and goes on from the first activity that had not ended.
import { createHash } from 'node:crypto';
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { WorkflowHandle } from '@dbos-inc/dbos-sdk';
import { SystemError } from '../../core/errors.js';
import type { AgentStepInput, AgentStepOutput, ApprovalInput, ApprovalOutput } from '../task/activities.js';
import type { TaskRecord } from '../task/context.js';
import { driveTask } from './drive.js';
import { registerEventWorkflows } from './event-workflow.js';
import type { EventRouting } from './event-workflow.js';
import { endSla, registerSlaWorkflow, slaOf, slaWorkflowId } from './sla-workflow.js';
import type { Invocation, Settled, TaskResult } from './drive.js';
import type { ModelCallJournal } from './model-calls.js';
import type { TaskView } from '../contract.js';
import { MODEL_QUEUE, TASK_QUEUE } from './queues.js';
import { activityStep, approvalRequestStep, modelCallSteps } from './steps.js';
import type { ClusterServices } from './steps.js';

/** What a person (or a peer's CLI) sends to a waiting approval. */
export interface ApprovalDecision {
  status: 'granted' | 'rejected';
  note?: string;
  /** An edited output to publish instead of the draft. */
  output?: Record<string, unknown>;
}

export const taskWorkflowId = (taskId: string): string => `task:${taskId}`;
const modelCallId = (key: string): string => `model:${key}`;
/** The message topic one approval's decision is sent on. */
const approvalTopic = (approvalId: string): string => `approval:${approvalId}`;
/** A short, stable approval id from the activity key (the embedded engine's derivation). */
const approvalIdOf = (key: string): string => `ap_${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;

export interface TaskWorkflows {
  task: (record: TaskRecord) => Promise<TaskResult>;
  modelCall: (input: AgentStepInput) => Promise<Settled<AgentStepOutput>>;
  /** A schedule's firing: started under one id per schedule and time by every supervisor, run once. */
  scheduled: (record: TaskRecord, scheduleId: string) => Promise<void>;
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

  const startModelCall = (inv: Extract<Invocation, { src: 'agentStep' }>): Promise<WorkflowHandle<Settled<AgentStepOutput>>> =>
    DBOS.startWorkflow(modelCall, { workflowID: modelCallId(inv.input.key), queueName: MODEL_QUEUE })(inv.input);

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

  function runOne(inv: Invocation): Promise<Settled> {
    switch (inv.src) {
      case 'gate':
        return activityStep('gate', (i) => services.gate(i), inv.input);
      case 'execute':
        return activityStep('execute', async (i) => (await services.execute(i), null), inv.input);
      case 'heal':
        return activityStep('heal', (i) => services.heal(i), inv.input);
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
  async function runBatch(batch: readonly Invocation[]): Promise<Settled[]> {
    const handles = new Map<number, WorkflowHandle<Settled<AgentStepOutput>>>();
    for (const [i, inv] of batch.entries()) if (inv.src === 'agentStep') handles.set(i, await startModelCall(inv));
    const out: Settled[] = [];
    for (const [i, inv] of batch.entries()) {
      const handle = handles.get(i);
      if (!handle) {
        out.push(await runOne(inv));
        continue;
      }
      const settled = await handle.getResult({ pollingIntervalMs: opts.pollingIntervalMs });
      if (settled === null) throw new SystemError('INTERNAL', `model call ${handle.workflowID} ended without a result`);
      out.push(settled);
    }
    return out;
  }

  const { observer } = services;
  const sla = registerSlaWorkflow(services, opts);

  const task = DBOS.registerWorkflow(
    async (record: TaskRecord) => {
      await DBOS.startWorkflow(sla, { workflowID: slaWorkflowId(record.id) })(slaOf(services.config(), record));
      const { result } = await driveTask(record, runBatch, observer && ((snapshot, ended) => observer.progress(record, snapshot, ended)));
      await endSla(record.id);
      await observer?.finished(record, result);
      return result;
    },
    { name: 'agentry.task' },
  );
  const enqueueTask = (record: TaskRecord): Promise<WorkflowHandle<TaskResult>> => DBOS.startWorkflow(task, { workflowID: taskWorkflowId(record.id), queueName: TASK_QUEUE })(record);
  // The firing supervisor's record is the one that runs (every other start of this id is a
  // no-op): its view and events are written once, then its task is started as a child.
  const scheduled = DBOS.registerWorkflow(
    async (record: TaskRecord, scheduleId: string) => {
      await DBOS.runStep(() => services.scheduled?.(record, scheduleId) ?? Promise.resolve(), { name: 'schedule.accept' });
      await enqueueTask(record);
    },
    { name: 'agentry.scheduled' },
  );
  const event = registerEventWorkflows(services, enqueueTask);
  return { task, modelCall, scheduled, event };
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
